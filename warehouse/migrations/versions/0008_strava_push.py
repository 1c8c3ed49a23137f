"""Strava push: webhook events handled from the outbox; the athlete's account id at a source

Revision ID: 0008_strava_push
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_strava_push"
down_revision = "0007_scheduling"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_sync_state_source_account_id", ["source", "account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_state_source_account_id")
        batch_op.drop_column("account_id")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("handled_at")
