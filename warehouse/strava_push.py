"""Strava push events in the outbox, and what Strava's data rules make us do with them.

A webhook event is written to the events table (kind `strava.push`) before the webhook
answers, keyed by Strava's own fields, so a redelivery records nothing. It is acted on
afterwards (`handled_at` says when), from the table: a crash between the two loses nothing.
Deleting an activity re-links its group, so another source's copy takes over the totals; a
revocation deletes the athlete's Strava tokens and every Strava-sourced row (the API agreement).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from warehouse.dirty import mark_dirty
from warehouse.linking import relink_around
from warehouse.models import (
    Activity,
    Athlete,
    BodyWeight,
    Credential,
    Event,
    LiftSession,
    LiftSet,
    SyncState,
)
from warehouse.sync_state import finish_run, sync_state
from warehouse.upsert import dialect_insert

PUSH_KIND = "strava.push"
STRAVA = "strava"


@dataclass(frozen=True, slots=True)
class Recorded:
    event_id: int | None
    """None when the event was a duplicate delivery (nothing written)."""
    athlete: str | None
    """The athlete whose Strava account `owner_id` is; None for an unknown owner."""


def strava_owner(session: Session, owner_id: int | str) -> Athlete | None:
    """The athlete connected to Strava account `owner_id`, if any."""
    return session.scalar(
        select(Athlete)
        .join(SyncState, SyncState.athlete_id == Athlete.id)
        .where(SyncState.source == STRAVA)
        .where(SyncState.account_id == str(owner_id))
    )


def revoked_states(
    session: Session, athlete: str | None, sources: Collection[str]
) -> list[tuple[str, str, str | None]]:
    """(athlete, source, reason) of every source whose access was revoked, among `sources`."""
    query = (
        select(Athlete.name, SyncState.source, SyncState.last_error)
        .join(SyncState, SyncState.athlete_id == Athlete.id)
        .where(SyncState.status == "revoked")
        .order_by(Athlete.name, SyncState.source)
    )
    if athlete is not None:
        query = query.where(Athlete.name == athlete)
    return [(n, s, e) for n, s, e in session.execute(query) if s in sources]


def set_account_id(session: Session, athlete_id: int, source: str, account_id: str) -> None:
    """Remember the athlete's id at the source (learnt when the athlete connects)."""
    sync_state(session, athlete_id, source).account_id = account_id


def record_push_event(
    session: Session, dedupe_key: str, payload: Mapping[str, Any], *, owner_id: int, now: datetime
) -> Recorded:
    """Write the event once; an unknown owner's event is recorded as handled (ignored)."""
    athlete = strava_owner(session, owner_id)
    body = dict(payload)
    if athlete is None:
        body["outcome"] = "ignored: no athlete is connected to this Strava account"
    else:
        body["athlete"] = athlete.name
    statement = (
        dialect_insert(session, Event)
        .values(
            kind=PUSH_KIND,
            athlete_id=athlete.id if athlete else None,
            dedupe_key=dedupe_key,
            payload=body,
            handled_at=None if athlete else now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Event.id)
    )
    event_id = session.execute(statement).scalar_one_or_none()
    return Recorded(event_id=event_id, athlete=athlete.name if athlete else None)


def pending_push_events(session: Session, limit: int = 500) -> Sequence[Event]:
    """Received and not yet acted on, oldest first (the order Strava sent them)."""
    return session.scalars(
        select(Event)
        .where(Event.kind == PUSH_KIND)
        .where(Event.handled_at.is_(None))
        .order_by(Event.id)
        .limit(limit)
    ).all()


def mark_handled(session: Session, event_id: int, at: datetime, outcome: str) -> None:
    event = session.get_one(Event, event_id)
    event.payload = {**event.payload, "outcome": outcome}
    event.handled_at = at


def delete_source_activity(session: Session, athlete_id: int, source: str, source_id: str) -> bool:
    """Delete one source's copy of an activity; its group is re-linked, so a copy from another
    source becomes canonical and the totals follow it. False when there was no such row."""
    row = session.scalar(
        select(Activity)
        .where(Activity.athlete_id == athlete_id)
        .where(Activity.source == source)
        .where(Activity.source_id == source_id)
    )
    if row is None:
        return False
    _delete_activities(session, athlete_id, [row])
    return True


def _delete_activities(session: Session, athlete_id: int, rows: Sequence[Activity]) -> None:
    if not rows:
        return
    ids = [r.id for r in rows]
    starts = [r.start_utc for r in rows]
    copies = session.scalars(
        select(Activity).where(Activity.canonical_id.in_(ids)).where(Activity.id.not_in(ids))
    ).all()
    for copy in copies:
        # A person's correction on the deleted canonical copy moves to the copy taking over.
        deleted = next(r for r in rows if r.id == copy.canonical_id)
        if copy.corrected_distance_m is None and deleted.corrected_distance_m is not None:
            copy.corrected_distance_m = deleted.corrected_distance_m
        copy.canonical_id = copy.id
    session.flush()
    session.execute(
        update(LiftSession).where(LiftSession.activity_id.in_(ids)).values(activity_id=None)
    )
    session.execute(delete(Activity).where(Activity.id.in_(ids)))
    relink_around(session, athlete_id, starts)
    mark_dirty(session, athlete_id)


def revoke_source(session: Session, athlete_id: int, source: str, *, now: datetime) -> int:
    """The athlete withdrew access: delete the tokens and every row from the source, and mark
    the source `revoked`. Returns the activities deleted. Idempotent."""
    session.execute(
        delete(Credential)
        .where(Credential.athlete_id == athlete_id)
        .where(Credential.source == source)
    )
    rows = session.scalars(
        select(Activity).where(Activity.athlete_id == athlete_id).where(Activity.source == source)
    ).all()
    _delete_activities(session, athlete_id, rows)
    session.execute(
        delete(LiftSet).where(LiftSet.athlete_id == athlete_id).where(LiftSet.source == source)
    )
    session.execute(
        delete(LiftSession)
        .where(LiftSession.athlete_id == athlete_id)
        .where(LiftSession.source == source)
    )
    session.execute(
        delete(BodyWeight)
        .where(BodyWeight.athlete_id == athlete_id)
        .where(BodyWeight.source == source)
    )
    mark_dirty(session, athlete_id)
    state = finish_run(
        session,
        athlete_id,
        source,
        "revoked",
        error=(
            f"the athlete revoked ironmiles' access on {now:%Y-%m-%d %H:%M} UTC; their {source} "
            f"tokens and data were deleted: `ironmiles connect {source} NAME` to connect again"
        ),
    )
    state.watermark = None
    state.cursor = {}
    return len(rows)
