"""sport overlay: a person's sport for an activity, kept over every re-import and re-sync

Revision ID: 0005_sport_overlay
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_sport_overlay"
down_revision = "0003_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrected_sport", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("corrected_sport")
