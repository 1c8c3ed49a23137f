"""coach views, the Strava sharing flag, dashboard logins and row-level security

Revision ID: 0004_coach_views
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warehouse.coach_security import disable_row_security, enable_row_security
from warehouse.views import create_views, drop_views

revision = "0004_coach_views"
down_revision = "0008_strava_push"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("athletes") as batch:
        batch.add_column(
            sa.Column(
                "share_strava_with_coach", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "coach_logins",
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["coaches.id"],
            name=op.f("fk_coach_logins_coach_id_coaches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coach_id", name=op.f("pk_coach_logins")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_coach_logins_token_sha256")),
    )
    bind = op.get_bind()
    create_views(bind)
    if bind.dialect.name == "postgresql":
        enable_row_security(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        disable_row_security(bind)
    drop_views(bind)
    op.drop_table("coach_logins")
    with op.batch_alter_table("athletes") as batch:
        batch.drop_column("share_strava_with_coach")
