"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, func
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
    overlays: Mapping[str, str] | None = None,
) -> None:
    """Insert rows, or update only the `update` columns of rows whose `key` already exists.

    Columns left out of `update` (a person's corrections, links) are never touched by a re-sync;
    a row matching `unless` (e.g. one a person edited) is not updated at all. `overlays` maps an
    updated column to a person's column that wins over it when set (`{"sport":
    "corrected_sport"}`: the stored row keeps the person's sport).
    One statement with the rows as parameters: SQLAlchemy caches its compiled form and batches
    the rows itself ("insertmanyvalues"), within each database's parameter limits.
    """
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    if update:
        kept = overlays or {}
        set_: dict[str, Any] = {
            column: (
                func.coalesce(table.c[kept[column]], statement.excluded[column])
                if column in kept
                else statement.excluded[column]
            )
            for column in update
        }
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_=set_,
            where=None if unless is None else ~unless,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    session.execute(statement, [dict(row) for row in rows])
