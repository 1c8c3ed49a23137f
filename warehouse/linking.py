"""Linking copies of one activity from several sources to one canonical row, and a person's
decisions about them (unlink, corrected distance), which no re-sync overrides.

The canonical row is the one every total counts (warehouse.duplicates picks it: Garmin, then
files, then Strava). A correction made on one copy follows the group's canonical row, so a
better source arriving later never loses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from warehouse.dirty import mark_dirty
from warehouse.duplicates import DEFAULT_RULE, group_duplicates
from warehouse.errors import BadInput, NotFound
from warehouse.link_updates import changed_values, write_changes
from warehouse.models import Activity as ActivityRow
from warehouse.models import Athlete

_ATHLETES: Table = Athlete.__table__  # type: ignore[assignment]
_LOCK = (
    select(_ATHLETES.c.id)
    .where(_ATHLETES.c.id == bindparam("athlete_id"))
    .with_for_update(key_share=True)
)


@dataclass(slots=True)
class _Near:
    """What linking reads of an activity (warehouse.link_updates: not the whole ORM row)."""

    id: int
    source: str
    source_id: str
    sport: str
    start_utc: datetime
    elapsed_s: float | None
    moving_s: float | None
    link_locked: bool
    canonical_id: int | None
    deleted_at: datetime | None
    corrected_distance_m: float | None


_ACTIVITIES: Table = ActivityRow.__table__  # type: ignore[assignment]
_DECIDED = ("canonical_id", "deleted_at", "corrected_distance_m")
"""The columns linking may change."""
_NEAR = select(*(_ACTIVITIES.c[f.name] for f in fields(_Near))).where(
    _ACTIVITIES.c.athlete_id == bindparam("athlete_id"),
    _ACTIVITIES.c.start_utc >= bindparam("since"),
    _ACTIVITIES.c.start_utc <= bindparam("until"),
)


def lock_linking(session: Session, athlete_id: int) -> None:
    """Take the athlete's linking lock until the transaction ends.

    One linker per athlete at a time: two transactions storing the Garmin and the Strava copy
    of one run at the same moment (the flow runs sources in parallel on PostgreSQL) must not
    each miss the other's uncommitted row and leave both counted. Waiting here, the second
    one's next statement sees the first one's committed copy. (mark_dirty's upsert happens to
    serialise them today too; this does not rely on it.)
    FOR NO KEY UPDATE, not FOR UPDATE: the rows just inserted hold FOR KEY SHARE locks on the
    athlete (their foreign key), which FOR UPDATE would wait on, deadlocking two linkers.
    SQLite has no row locks (the statement would be a plain SELECT, a wasted round trip per
    imported file): there a writer holds the database's one write lock from BEGIN IMMEDIATE
    (warehouse.db) to its commit, which serialises linkers already.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    session.execute(_LOCK, {"athlete_id": athlete_id})


def relink_around(session: Session, athlete_id: int, starts: Iterable[datetime]) -> int:
    """Recompute the links among the athlete's activities near `starts`; returns rows changed.

    Rows a person unlinked (`link_locked`) stay their own canonical copy and are never grouped.
    """
    starts = list(starts)
    if not starts:
        return 0
    session.flush()
    lock_linking(session, athlete_id)
    margin = DEFAULT_RULE.start_within
    found = session.execute(
        _NEAR, {"athlete_id": athlete_id, "since": min(starts) - margin,
                "until": max(starts) + margin},
    ).all()  # fmt: skip
    rows = [_Near(*row) for row in found]
    changed = 0
    for row in rows:
        if row.link_locked and row.canonical_id != row.id:
            row.canonical_id = row.id
            changed += 1
    for group in group_duplicates([r for r in rows if not r.link_locked]):
        canonical = group[0]
        for row in group:
            if row.canonical_id != canonical.id:
                row.canonical_id = canonical.id
                changed += 1
        deletions = [r.deleted_at for r in group if r.deleted_at is not None]
        if deletions:
            # A person deleted this activity: a copy arriving from another source later is the
            # same activity, deleted too, or the deletion would come back with the next sync.
            for row in group:
                if row.deleted_at is None:
                    row.deleted_at = deletions[0]
                    changed += 1
        corrections = [r.corrected_distance_m for r in group if r.corrected_distance_m is not None]
        if canonical.corrected_distance_m is None and corrections:
            # A person corrected a copy that is no longer canonical: the correction moves with
            # the count, or a better source arriving later would silently undo it.
            canonical.corrected_distance_m = corrections[0]
            changed += 1
    write_changes(session, ActivityRow, changed_values(rows, found, _DECIDED))
    if changed:
        mark_dirty(session, athlete_id)
    return changed


def _activity(session: Session, activity_id: int) -> ActivityRow:
    row = session.get(ActivityRow, activity_id)
    if row is None:
        raise NotFound(
            f"activity={activity_id} does not exist: find ids with `ironmiles activity list NAME`"
        )
    return row


def unlink(session: Session, activity_id: int) -> ActivityRow:
    """Make the activity its own canonical copy for good; its former copies relink among
    themselves. Idempotent."""
    row = _activity(session, activity_id)
    linked = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.canonical_id == row.canonical_id)
        .where(ActivityRow.id != row.id)
    ).all()
    row.link_locked = True
    row.canonical_id = row.id
    session.flush()
    relink_around(session, row.athlete_id, [r.start_utc for r in linked])
    mark_dirty(session, row.athlete_id)
    return row


def correct_distance(session: Session, activity_id: int, distance_m: float) -> ActivityRow:
    """A person's distance for an activity (a treadmill run, say); no re-sync overwrites it."""
    if not distance_m > 0 or distance_m > 1_000_000:
        raise BadInput(
            f"distance-km={distance_m / 1000:g} is not a distance: give kilometres above 0, "
            "e.g. --distance-km 8.2"
        )
    row = _activity(session, activity_id)
    if row.canonical_id is not None and row.canonical_id != row.id:
        raise BadInput(
            f"activity={activity_id} is a linked copy of activity {row.canonical_id}, which is "
            f"the one every total counts: correct {row.canonical_id} instead, or "
            f"`ironmiles activity unlink {activity_id}` first if the link is wrong"
        )
    row.corrected_distance_m = distance_m
    mark_dirty(session, row.athlete_id)
    return row


def counted_distance_m(session: Session, athlete_id: int) -> float:
    """Total distance of canonical runs, corrections applied (what weekly totals count)."""
    rows = session.execute(
        select(ActivityRow.distance_m, ActivityRow.corrected_distance_m)
        .where(ActivityRow.athlete_id == athlete_id)
        .where(ActivityRow.sport == "run")
        .where(ActivityRow.canonical_id == ActivityRow.id)
        .where(ActivityRow.deleted_at.is_(None))
    )
    return sum(
        (corrected if corrected is not None else distance or 0.0) for distance, corrected in rows
    )
