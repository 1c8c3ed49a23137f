"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Table, func
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

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


# Built statements by their shape. Building one (its `excluded` alias copies every column) costs
# more than executing it; an import runs the same few shapes once per file, thousands of times.
_STATEMENTS: dict[tuple[Any, ...], Executable] = {}


def upsert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str],
    unless_set: str | None = None,
    overlays: Mapping[str, str] | None = None,
    returning: Sequence[str] = (),
) -> Sequence[Row[Any]]:
    """Insert rows, or update only the `update` columns of rows whose `key` already exists.

    Columns left out of `update` (a person's corrections, links) are never touched by a re-sync;
    a row whose column `unless_set` is not null (e.g. `edited_at`: a person edited it) is not
    updated at all. `overlays` maps an updated column to a person's column that wins over it
    when set (`{"sport": "corrected_sport"}`: the stored row keeps the person's sport).
    `returning` names columns to give back for every row inserted or updated (a row left alone
    by `unless_set` gives nothing), in no particular order: return the key with them.
    One statement with the rows as parameters: SQLAlchemy caches its compiled form and batches
    the rows itself ("insertmanyvalues"), within each database's parameter limits.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    shape = (dialect, table, tuple(key), tuple(update), unless_set,
             tuple(sorted((overlays or {}).items())), tuple(returning))  # fmt: skip
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _statement(dialect_insert(session, table), shape)
    result = session.execute(statement, [dict(row) for row in rows])
    return result.all() if returning else []


def _statement(statement: PostgresInsert | SqliteInsert, shape: tuple[Any, ...]) -> Executable:
    _, table, key, update, unless_set, overlays, returning = shape
    if update:
        kept = dict(overlays)
        excluded = statement.excluded
        set_: dict[str, Any] = {
            column: (
                func.coalesce(table.c[kept[column]], excluded[column])
                if column in kept
                else excluded[column]
            )
            for column in update
        }
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_=set_,
            where=None if unless_set is None else table.c[unless_set].is_(None),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    if returning:
        return statement.returning(*(table.c[column] for column in returning))
    return statement
