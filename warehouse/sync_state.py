"""Sync bookkeeping and cross-source linking in the warehouse.

One page of records is stored in one transaction together with the watermark it advances, so a
crash loses at most the page in flight. Re-storing a page changes nothing (upserts by natural key
that never touch a person's columns: `corrected_distance_m`, `link_locked`, `canonical_id`).
Copies of one activity from several sources are linked as they are stored (warehouse.linking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.records import Activity, BodyWeight, LiftSet
from warehouse.activities import store_activities
from warehouse.lifts import store_lift_sets
from warehouse.models import Activity as ActivityRow
from warehouse.models import BodyWeight as BodyWeightRow
from warehouse.models import LiftSession, SyncState
from warehouse.upsert import upsert_rows

STATUSES = (
    "never",
    "connected",
    "running",
    "ok",
    "needs_reauth",
    "rate_limited",
    "error",
    "revoked",
)


@dataclass(frozen=True, slots=True)
class StoredPage:
    activities_seen: int
    activities_added: int
    lift_sets_added: int
    body_weights: int
    links_changed: int
    events: int = 0
    """`activity.created` events recorded with the page (lift.logged is the lifts' own)."""


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
    if watermark is not None:
        state = sync_state(session, athlete_id, source)
        if state.watermark is None or watermark > state.watermark:
            state.watermark = watermark
    return StoredPage(
        activities_seen=len(activities),
        activities_added=len(stored.added),
        lift_sets_added=sets.added,
        body_weights=len(body_weights),
        links_changed=stored.links_changed,
        events=stored.events,
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


def details_known(session: Session, athlete_id: int, source: str) -> set[str]:
    """The source's activities whose strength sets or multisport legs are already stored: a
    re-read of the overlap window does not fetch them again."""
    with_sets = session.scalars(
        select(LiftSession.source_id)
        .where(LiftSession.athlete_id == athlete_id)
        .where(LiftSession.source == source)
    )
    parents = session.scalars(
        select(ActivityRow.parent_source_id)
        .where(ActivityRow.athlete_id == athlete_id)
        .where(ActivityRow.source == source)
        .where(ActivityRow.parent_source_id.is_not(None))
        .distinct()
    )
    return {*with_sets, *(p for p in parents if p is not None)}


__all__ = [
    "StoredPage",
    "all_states",
    "details_known",
    "finish_run",
    "start_run",
    "store_body_weights",
    "store_page",
    "sync_state",
]
