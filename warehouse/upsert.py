"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def upsert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str],
    unless: ColumnElement[bool] | None = None,
) -> None:
    """Insert rows, or update only the `update` columns of rows whose `key` already exists.

    Columns left out of `update` (a person's corrections, links) are never touched by a re-sync;
    a row matching `unless` (e.g. one a person edited) is not updated at all.
    One statement with the rows as parameters: SQLAlchemy caches its compiled form and batches
    the rows itself ("insertmanyvalues"), within each database's parameter limits.
    """
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={column: statement.excluded[column] for column in update},
            where=None if unless is None else ~unless,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    session.execute(statement, [dict(row) for row in rows])
