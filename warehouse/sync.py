"""Sync bookkeeping and cross-source linking in the warehouse.

One page of records is stored in one transaction together with the watermark it advances, so a
crash loses at most the page in flight. Re-storing a page changes nothing (upserts by natural key
that never touch a person's columns: `corrected_distance_m`, `link_locked`, `canonical_id`).
Copies of one activity from several sources are linked to one canonical row (see
connectors.linking); a person can unlink a wrong link, and it stays unlinked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.linking import DEFAULT_RULE, group_duplicates
from connectors.records import Activity, BodyWeight, LiftSet
from warehouse.activities import store_activities
from warehouse.dirty import mark_dirty
from warehouse.errors import BadInput, NotFound
from warehouse.lifts import store_lift_sets
from warehouse.models import Activity as ActivityRow
from warehouse.models import Athlete, LiftSession, SyncState
from warehouse.models import BodyWeight as BodyWeightRow
from warehouse.upsert import upsert_rows

STATUSES = ("never", "connected", "running", "ok", "needs_reauth", "rate_limited", "error")


@dataclass(frozen=True, slots=True)
class StoredPage:
    activities_seen: int
    activities_added: int
    lift_sets_added: int
    body_weights: int
    links_changed: int


# -- sync state --------------------------------------------------------------------------------


def sync_state(session: Session, athlete_id: int, source: str) -> SyncState:
    """The athlete's state for one source, created as `never` the first time."""
    state = session.get(SyncState, (athlete_id, source))
    if state is None:
        state = SyncState(athlete_id=athlete_id, source=source, status="never", cursor={})
        session.add(state)
        session.flush()
    return state


def start_run(session: Session, athlete_id: int, source: str, now: datetime) -> SyncState:
    state = sync_state(session, athlete_id, source)
    state.status = "running"
    state.last_run_at = now
    return state


def finish_run(
    session: Session,
    athlete_id: int,
    source: str,
    status: str,
    *,
    error: str | None = None,
    cursor: dict[str, Any] | None = None,
) -> SyncState:
    if status not in STATUSES:
        raise ValueError(f"unknown sync status {status!r}")
    state = sync_state(session, athlete_id, source)
    state.status = status
    state.last_error = error
    if cursor:
        state.cursor = {**(state.cursor or {}), **cursor}
    return state


def all_states(session: Session, athlete_id: int | None = None) -> Sequence[SyncState]:
    query = select(SyncState).order_by(SyncState.athlete_id, SyncState.source)
    if athlete_id is not None:
        query = query.where(SyncState.athlete_id == athlete_id)
    return session.scalars(query).all()


# -- one page ----------------------------------------------------------------------------------


def store_page(
    session: Session,
    *,
    athlete_id: int,
    timezone: str,
    source: str,
    activities: Sequence[Activity] = (),
    lift_sets: Sequence[LiftSet] = (),
    body_weights: Sequence[BodyWeight] = (),
    watermark: datetime | None = None,
) -> StoredPage:
    """Upsert one page and advance the source's watermark, in the caller's transaction."""
    stored = store_activities(session, athlete_id, timezone, activities)
    sets = store_lift_sets(session, athlete_id, lift_sets, activity_ids=stored.ids)
    store_body_weights(session, athlete_id, body_weights)
    links = relink_around(session, athlete_id, [a.start_utc for a in activities])
    if watermark is not None:
        state = sync_state(session, athlete_id, source)
        if state.watermark is None or watermark > state.watermark:
            state.watermark = watermark
    return StoredPage(
        activities_seen=len(activities),
        activities_added=len(stored.added),
        lift_sets_added=sets.added,
        body_weights=len(body_weights),
        links_changed=links,
    )


def store_body_weights(session: Session, athlete_id: int, weights: Sequence[BodyWeight]) -> None:
    upsert_rows(
        session,
        BodyWeightRow.__table__,  # type: ignore[arg-type]
        [
            {
                "athlete_id": athlete_id,
                "source": w.source,
                "source_id": w.source_id,
                "measured_on": w.measured_on,
                "weight_kg": w.weight_kg,
                "raw": dict(w.raw),
            }
            for w in weights
        ],
        key=("athlete_id", "source", "source_id"),
        update=("measured_on", "weight_kg", "raw"),
    )


def garmin_details_known(session: Session, athlete_id: int) -> set[str]:
    """Garmin activities whose strength sets or multisport legs are already stored: a re-read of
    the overlap window does not fetch them again."""
    with_sets = session.scalars(
        select(LiftSession.source_id)
        .where(LiftSession.athlete_id == athlete_id)
        .where(LiftSession.source == "garmin")
    )
    parents = session.scalars(
        select(ActivityRow.parent_source_id)
        .where(ActivityRow.athlete_id == athlete_id)
        .where(ActivityRow.source == "garmin")
        .where(ActivityRow.parent_source_id.is_not(None))
        .distinct()
    )
    return {*with_sets, *(p for p in parents if p is not None)}


# -- linking -----------------------------------------------------------------------------------


def relink_around(session: Session, athlete_id: int, starts: Iterable[datetime]) -> int:
    """Recompute the links among the athlete's activities near `starts`; returns rows changed.

    Rows a person unlinked (`link_locked`) stay their own canonical copy and are never grouped.
    """
    starts = list(starts)
    if not starts:
        return 0
    session.flush()
    # One linker per athlete at a time: two transactions storing the Garmin and the Strava copy
    # of one run at the same moment (the flow runs sources in parallel on PostgreSQL) must not
    # each miss the other's uncommitted row and leave both counted. Waiting here, the second
    # one's next statement sees the first one's committed copy. (mark_dirty's upsert happens to
    # serialise them today too; this does not rely on it.) SQLite has one writer anyway.
    session.execute(select(Athlete.id).where(Athlete.id == athlete_id).with_for_update())
    margin = DEFAULT_RULE.start_within
    rows = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.athlete_id == athlete_id)
        .where(ActivityRow.start_utc >= min(starts) - margin)
        .where(ActivityRow.start_utc <= max(starts) + margin)
    ).all()
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
    if changed:
        session.flush()
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
    )
    return sum(
        (corrected if corrected is not None else distance or 0.0) for distance, corrected in rows
    )


__all__ = [
    "StoredPage",
    "all_states",
    "correct_distance",
    "counted_distance_m",
    "finish_run",
    "garmin_details_known",
    "relink_around",
    "start_run",
    "store_body_weights",
    "store_page",
    "sync_state",
    "unlink",
]
