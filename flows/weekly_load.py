"""Weekly load, wired: the warehouse reads the inputs as frames in the engine's schemas, the
engine's pure pipeline computes the weeks, the warehouse writes only what changed. It lives in
flows/ because it composes the two: the warehouse never imports the engine. The SQL (ADBC reads,
COPY writes, the athletes due) is in warehouse/weekly_load.py.

The writes of one refresh (the changed rows of the due athletes, the events they announce
-- `week.big`, `race.upcoming` -- and clearing the dirty marks that were read) are the
session's one transaction: a crash leaves the weeks with their events, or neither.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy.orm import Session

from engine.load import ACTIVITIES, LIFT_SESSIONS, LIFT_SETS, WEEKLY_LOAD, LoadParams, weekly_load
from engine.prescription.weeks import week_of
from warehouse.dirty import clear_dirty, dirty_athletes
from warehouse.events import record_week_events
from warehouse.models import Athlete
from warehouse.weekly_load import (
    athlete_dates,
    athletes_due,
    local_today,
    read_athlete_frames,
    read_weeks,
    replace_all_weeks,
    replace_weeks,
)

RACE_NOTICE_DAYS = 21  # the widest race window of the rules (an A race's reduced window)

_INPUT_TABLES = {"activities": ACTIVITIES, "lift_sets": LIFT_SETS, "lift_sessions": LIFT_SESSIONS}


@dataclass(frozen=True, slots=True)
class LoadInputs:
    """The engine's three input frames (engine.load.schemas)."""

    activities: pl.DataFrame
    lift_sets: pl.DataFrame
    lift_sessions: pl.DataFrame


@dataclass(frozen=True, slots=True)
class Refreshed:
    athlete_ids: tuple[int, ...]
    """The athletes whose rows were recomputed."""
    weeks: int
    """Rows written (a refresh writes only the weeks whose figures changed)."""
    events: int = 0
    """Events recorded with the rows (week.big, race.upcoming)."""
    marks: Mapping[int, datetime] = field(default_factory=dict)
    """The dirty marks read and left for the caller to clear (`keep_marks`)."""


def read_load_inputs(session: Session, athlete_ids: Collection[int] | None = None) -> LoadInputs:
    """The activities, lift sets and lift sessions of `athlete_ids` (all when None), as frames
    in the engine's schemas (see warehouse.weekly_load.read_athlete_frames)."""
    frames = read_athlete_frames(session, _INPUT_TABLES, athlete_ids)
    return LoadInputs(
        activities=frames["activities"],
        lift_sets=frames["lift_sets"],
        lift_sessions=frames["lift_sessions"],
    )


def athletes_needing_refresh(session: Session, *, now: datetime) -> dict[int, date]:
    """athlete id -> its local date now, for every athlete that is dirty or behind."""
    return athletes_due(session, now=now)


def refresh_weekly_load(
    session: Session,
    *,
    now: datetime,
    only: Collection[int] | None = None,
    params: LoadParams | None = None,
    keep_marks: bool = False,
) -> Refreshed:
    """Recompute the athletes that need it (restricted to `only` when given), replace their
    rows and record what they announce, in the session's transaction. Dirty marks are cleared
    only as they were read, so a change committed meanwhile stays marked for the next run;
    with `keep_marks` they are left (returned in `marks`) for the caller to clear once its own
    work on them is stored (the nightly re-plan: a crash before it leaves them due)."""
    seen = dirty_athletes(session)
    due = athletes_due(session, now=now)
    if only is not None:
        due = {a: today for a, today in due.items() if a in only}
    written = replace_weeks(session, list(due), _compute(session, due, params)) if due else 0
    events = announce_weeks(session, due)
    marks = {a: marked for a, marked in seen.items() if a in due}
    if not keep_marks:
        clear_dirty(session, marks)
    return Refreshed(athlete_ids=tuple(sorted(due)), weeks=written, events=events, marks=marks)


def announce_weeks(session: Session, due: Mapping[int, date]) -> int:
    """The events of freshly written weeks (`due`: athlete id -> its local date), in the
    write's transaction: last week's `week.big`, the races of the next three weeks."""
    count = 0
    for athlete_id, today in sorted(due.items()):
        athlete = session.get_one(Athlete, athlete_id)
        count += record_week_events(
            session,
            athlete,
            today=today,
            last_week=week_of(today - timedelta(days=7)),
            race_window_days=RACE_NOTICE_DAYS,
        )
    return count


def rebuild_weekly_load(
    session: Session, *, now: datetime, params: LoadParams | None = None
) -> Refreshed:
    """Recompute every athlete from scratch and replace the whole table, in the session's
    transaction; clears the dirty marks that were read."""
    seen = dirty_athletes(session)
    due = athlete_dates(session, now=now)
    written = replace_all_weeks(session, _compute(session, due, params))
    events = announce_weeks(session, due)
    clear_dirty(session, seen)
    return Refreshed(athlete_ids=tuple(sorted(due)), weeks=written, events=events)


def read_weekly_load(
    session: Session, athlete_id: int, *, weeks: int | None = None
) -> pl.DataFrame:
    """The stored weeks of one athlete, oldest first (the last `weeks` of them when given), in
    engine.load.schemas.WEEKLY_LOAD."""
    return read_weeks(session, athlete_id, WEEKLY_LOAD, weeks=weeks)


def _compute(session: Session, due: dict[int, date], params: LoadParams | None) -> pl.DataFrame:
    """The weeks of the `due` athletes, each through its own local date.

    Athletes are grouped by that date (a handful of groups: the time zones' dates differ by
    a day at most), so the engine runs once per group, not once per athlete.
    """
    if not due:
        return pl.DataFrame(schema=dict(WEEKLY_LOAD))
    inputs = read_load_inputs(session, list(due))
    computed = []
    for through, athlete_ids in _by_date(due).items():
        chosen = pl.Series(athlete_ids, dtype=pl.Int64).implode()
        mine = [
            frame.filter(pl.col("athlete_id").is_in(chosen))
            for frame in (inputs.activities, inputs.lift_sets, inputs.lift_sessions)
        ]
        computed.append(weekly_load(*mine, through=through, params=params))
    return pl.concat(computed)


def _by_date(due: dict[int, date]) -> dict[date, list[int]]:
    groups: dict[date, list[int]] = {}
    for athlete_id, today in sorted(due.items()):
        groups.setdefault(today, []).append(athlete_id)
    return groups


__all__: Sequence[str] = (
    "RACE_NOTICE_DAYS",
    "LoadInputs",
    "Refreshed",
    "announce_weeks",
    "athletes_needing_refresh",
    "local_today",
    "read_load_inputs",
    "read_weekly_load",
    "rebuild_weekly_load",
    "refresh_weekly_load",
)
