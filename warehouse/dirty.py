"""The dirty set: athletes whose activities or lifts changed since weekly load was computed.

Writers call `mark_dirty` in the same transaction as their change, so a crash can never leave a
change without its mark. A reader clears only the marks it saw (`clear_dirty(..., seen)`), so a
change committed while it was computing stays marked for the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from warehouse.models import DirtyAthlete
from warehouse.upsert import dialect_insert


def mark_dirty(session: Session, athlete_id: int) -> None:
    statement = dialect_insert(session, DirtyAthlete).values(athlete_id=athlete_id)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["athlete_id"], set_={"marked_at": func.now()}
        )
    )


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
