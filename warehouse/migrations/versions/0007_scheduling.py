"""scheduling: each athlete's sync hour, and the shared API rate budget

Revision ID: 0007_scheduling
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_scheduling"
down_revision = "0005_sport_overlay"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("athletes") as batch:
        batch.add_column(sa.Column("sync_hour", sa.Integer(), server_default="3", nullable=False))
    op.create_table(
        "rate_budget",
        sa.Column("app", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_limit", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("app", "window_start", name=op.f("pk_rate_budget")),
    )


def downgrade() -> None:
    op.drop_table("rate_budget")
    with op.batch_alter_table("athletes") as batch:
        batch.drop_column("sync_hour")
