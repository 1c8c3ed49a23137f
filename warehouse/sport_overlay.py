"""A person's sport for an activity (`ironmiles activity set-sport`, `import --sport`).

Like a corrected distance, it is an overlay no source overwrites: `corrected_sport` holds it,
and every source upsert writes `sport` as COALESCE(corrected_sport, the source's sport), so
totals, duplicate links and every reader of `sport` see the person's choice, on every re-import
and re-sync. It is set on the whole linked group (the copies of one activity from several
sources), so a copy cannot keep counting under the old sport.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warehouse.dirty import mark_dirty
from warehouse.errors import BadInput, NotFound
from warehouse.linking import relink_around
from warehouse.models import Activity as ActivityRow

SETTABLE_SPORTS = ("run", "ride", "walk", "swim", "strength", "other")
"""What a person may set: every family but `unknown` (which is what is being corrected)."""


def check_sport(sport: str, option: str = "SPORT") -> str:
    """The sport as stored, or BadInput naming the value and the choices."""
    value = sport.strip().lower()
    if value not in SETTABLE_SPORTS:
        raise BadInput(
            f"{option}={sport!r} is not a sport this warehouse counts: give one of "
            f"{', '.join(SETTABLE_SPORTS)}"
        )
    return value


def set_sport(session: Session, activity_id: int, sport: str) -> list[ActivityRow]:
    """Set the activity's sport (and its linked copies'); returns the rows changed, the given
    activity first. Marks the athlete dirty so weekly totals follow."""
    value = check_sport(sport)
    row = session.get(ActivityRow, activity_id)
    if row is None:
        raise NotFound(
            f"activity={activity_id} does not exist: find ids with `ironmiles activity list NAME`"
        )
    group = _linked_group(session, row)
    _apply(session, row.athlete_id, group, value)
    return group


def set_sport_of(
    session: Session, athlete_id: int, activity_ids: Collection[int], sport: str
) -> int:
    """The same for a batch (an import's `--sport`); returns how many rows now carry it."""
    value = check_sport(sport, "--sport")
    if not activity_ids:
        return 0
    rows = list(
        session.scalars(
            select(ActivityRow)
            .where(ActivityRow.athlete_id == athlete_id)
            .where(ActivityRow.id.in_(list(activity_ids)))
        )
    )
    canonical = {row.canonical_id for row in rows if row.canonical_id is not None}
    linked = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.athlete_id == athlete_id)
        .where(or_(ActivityRow.canonical_id.in_(canonical), ActivityRow.id.in_(list(activity_ids))))
    ).all()
    _apply(session, athlete_id, list(linked), value)
    return len(linked)


def _linked_group(session: Session, row: ActivityRow) -> list[ActivityRow]:
    if row.canonical_id is None:
        return [row]
    others = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.canonical_id == row.canonical_id)
        .where(ActivityRow.id != row.id)
    ).all()
    return [row, *others]


def _apply(session: Session, athlete_id: int, rows: Sequence[ActivityRow], sport: str) -> None:
    for row in rows:
        row.corrected_sport = sport
        row.sport = sport
    session.flush()
    # Links need the same sport family: a corrected copy may now join (or leave) a group.
    relink_around(session, athlete_id, [row.start_utc for row in rows])
    mark_dirty(session, athlete_id)
