"""The dirty set: athletes whose activities or lifts changed since weekly load was computed.

Writers call `mark_dirty` in the same transaction as their change, so a crash can never leave a
change without its mark. A reader clears only the marks it saw (`clear_dirty(..., seen)`), so a
change committed while it was computing stays marked for the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from warehouse.models import DirtyAthlete
from warehouse.upsert import dialect_insert

_TABLE: Table = DirtyAthlete.__table__  # type: ignore[assignment]
# Built once per database kind (every stored file marks its athlete), on first use: building
# both at import would import PostgreSQL's dialect into every SQLite command.
_MARK: dict[str, Executable] = {}


def mark_dirty(session: Session, athlete_id: int) -> None:
    dialect = session.get_bind().dialect.name
    statement = _MARK.get(dialect)
    if statement is None:
        # The table, not the mapped class: an ORM-enabled insert takes the ORM's bulk path.
        statement = _MARK[dialect] = (
            dialect_insert(session, _TABLE)
            .values(athlete_id=bindparam("athlete_id"))
            .on_conflict_do_update(index_elements=["athlete_id"], set_={"marked_at": func.now()})
        )
    session.execute(statement, {"athlete_id": athlete_id})


def dirty_athletes(session: Session) -> dict[int, datetime]:
    """The dirty athletes with the time of their latest mark."""
    rows = session.execute(select(DirtyAthlete.athlete_id, DirtyAthlete.marked_at))
    return {athlete_id: marked_at for athlete_id, marked_at in rows}


def clear_dirty(session: Session, seen: Mapping[int, datetime]) -> None:
    """Clear the marks that were read as `seen`; a mark renewed since then stays."""
    if not seen:
        return
    session.execute(
        delete(DirtyAthlete).where(
            or_(
                *(
                    and_(DirtyAthlete.athlete_id == athlete_id, DirtyAthlete.marked_at <= marked)
                    for athlete_id, marked in seen.items()
                )
            )
        )
    )
