"""Alembic environment: the engine is handed in by warehouse.migrate, never read from a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from warehouse.models import Base

engine: Engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables there.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
