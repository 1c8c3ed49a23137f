"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table, func
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


def dialect_insert(session: Session, table: Any) -> PostgresInsert | SqliteInsert:
    """An INSERT into `table` (a model or a Table) that takes the session's database's ON
    CONFLICT clauses. Only that database's dialect is imported: PostgreSQL's imports every one
    of its drivers' modules, which a command on the SQLite warehouse would pay for at start."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return postgres_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


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
    statement = dialect_insert(session, table)
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
