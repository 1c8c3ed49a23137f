"""corrections: deleted activities, lift links, lift edits and deletions

Revision ID: 0003_corrections
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_corrections"
down_revision = "0006_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("lift_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("link_locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_lift_sets_canonical_id"), ["canonical_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_lift_sets_canonical_id_lift_sets"),
            "lift_sets",
            ["canonical_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # The server default only filled the existing rows; the models give the value from now on.
    with op.batch_alter_table("lift_sets", schema=None) as batch_op:
        batch_op.alter_column("link_locked", server_default=None)
    # Every set stored so far counts on its own until the linker has seen it.
    op.execute("UPDATE lift_sets SET canonical_id = id")


def downgrade() -> None:
    with op.batch_alter_table("lift_sets", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_lift_sets_canonical_id_lift_sets"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_lift_sets_canonical_id"))
        batch_op.drop_column("edited_at")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("link_locked")
        batch_op.drop_column("canonical_id")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
