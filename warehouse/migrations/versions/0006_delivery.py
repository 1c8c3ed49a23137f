"""delivery: plan notices, Garmin workout push state, calendar feed tokens and gym time

Revision ID: 0006_delivery
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_delivery"
down_revision = "0002_lift_confirmation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("notice", sa.Text(), nullable=True))
    op.create_table(
        "athlete_delivery",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("push_workouts", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("gym_time", sa.String(length=5), server_default="18:00", nullable=False),
        sa.Column("feed_nonce", sa.String(length=64), nullable=True),
        sa.Column("feed_token_sha256", sa.String(length=64), nullable=True),
        sa.Column("feed_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_athlete_delivery_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_athlete_delivery")),
        sa.UniqueConstraint(
            "feed_token_sha256", name=op.f("uq_athlete_delivery_feed_token_sha256")
        ),
    )
    op.create_table(
        "workout_pushes",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("workout_id", sa.String(length=40), nullable=True),
        sa.Column("schedule_id", sa.String(length=40), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_workout_pushes_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", "week", name=op.f("pk_workout_pushes")),
    )


def downgrade() -> None:
    op.drop_table("workout_pushes")
    op.drop_table("athlete_delivery")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("notice")
