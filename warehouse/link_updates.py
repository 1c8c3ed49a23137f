"""Reading the rows a linker looks at, and writing what it decided, in Core.

The linkers run for every stored file and page, and most of the time decide nothing: a new
file's activity is its own canonical copy. Loading full ORM objects (with their raw payloads)
to find that out cost more than storing the file, so they read the few columns linking needs
into plain records, and write only the rows whose values changed, by id. Copies of those rows
loaded in the session take the new values, so the caller never sees a value the linker replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from warehouse.models import Base


def changed_values(
    records: Sequence[Any], originals: Sequence[Any], columns: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """id -> {column: new value} for the records whose `columns` differ from their originals
    (records and originals in the same order, each with an `id`)."""
    changes: dict[int, dict[str, Any]] = {}
    for record, original in zip(records, originals, strict=True):
        values = {
            c: getattr(record, c) for c in columns if getattr(record, c) != getattr(original, c)
        }
        if values:
            changes[record.id] = values
    return changes


def write_changes(
    session: Session, model: type[Base], changes: Mapping[int, Mapping[str, Any]]
) -> None:
    """UPDATE each row's changed columns (one executemany per set of columns)."""
    table: Table = model.__table__  # type: ignore[assignment]
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes.items():
        parameters = {"row_id": row_id, **{f"new_{c}": v for c, v in values.items()}}
        by_columns.setdefault(tuple(sorted(values)), []).append(parameters)
    for columns, parameters_list in by_columns.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(f"new_{c}") for c in columns})
        )
        session.execute(statement, parameters_list)
    for row_id, values in changes.items():
        loaded = session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:
            # The database holds these values now: the loaded copy takes them as its own (not
            # expired: a caller may read it after the session closed).
            for column, value in values.items():
                set_committed_value(loaded, column, value)
