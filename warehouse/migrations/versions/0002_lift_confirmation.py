"""lift sets: a person's confirmation, and whether the exercise is the watch's guess

Revision ID: 0002_lift_confirmation
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_lift_confirmation"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a NOT NULL column with a default in place on every
    # version; the server default also fills the rows that already exist.
    with op.batch_alter_table("lift_sets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirmed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("exercise_guessed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("lift_sets", schema=None) as batch_op:
        batch_op.drop_column("exercise_guessed")
        batch_op.drop_column("confirmed")
