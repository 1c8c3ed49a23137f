"""The transactional outbox: an event is written in the same transaction as the change it
announces, and published afterwards; its dedupe key makes re-runs announce nothing twice."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warehouse.models import Activity, Athlete, Event, Race, WeeklyLoad
from warehouse.upsert import dialect_insert

_CHUNK = 500  # ids per IN (...): under SQLite's parameter limit


def record_event(
    session: Session,
    kind: str,
    *,
    athlete_id: int | None,
    dedupe_key: str,
    payload: Mapping[str, Any],
) -> bool:
    """Record the event unless one with this dedupe key exists; True when it is new."""
    statement = (
        dialect_insert(session, Event)
        .values(kind=kind, athlete_id=athlete_id, dedupe_key=dedupe_key, payload=dict(payload))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Event.id)
    )
    # RETURNING gives the new id, or no row when the key existed (rowcount is not portable).
    return session.execute(statement).scalar_one_or_none() is not None


def record_lift_logged(
    session: Session, athlete_id: int, new_sets: Sequence[tuple[str, str, date]]
) -> bool:
    """`lift.logged` for lift sets just stored (source, source_id, performed_on), in the
    caller's transaction: manual entry, a CSV import and Garmin's strength sync alike. The
    dedupe key is the new sets' identity, so a re-run (which stores nothing new) says nothing
    and a crashed import, rolled back whole, says nothing either."""
    if not new_sets:
        return False
    name = session.scalar(select(Athlete.name).where(Athlete.id == athlete_id))
    identity = "\n".join(sorted(f"{source}:{source_id}" for source, source_id, _ in new_sets))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    days = sorted({performed_on for _, _, performed_on in new_sets})
    latest = days[-1].isocalendar()
    return record_event(session, "lift.logged", athlete_id=athlete_id,
                 dedupe_key=f"lift.logged:{athlete_id}:{digest}",
                 payload={"athlete": name, "sets": len(new_sets),
                          "sources": sorted({source for source, _, _ in new_sets}),
                          "dates": [d.isoformat() for d in days],
                          "week": f"{latest.year}-W{latest.week:02d}"})  # fmt: skip


def unpublished(session: Session, limit: int = 1000) -> Sequence[Event]:
    return session.scalars(
        select(Event).where(Event.published_at.is_(None)).order_by(Event.id).limit(limit)
    ).all()


def mark_published(session: Session, event_ids: Sequence[int], at: datetime) -> None:
    if event_ids:
        session.execute(update(Event).where(Event.id.in_(event_ids)).values(published_at=at))


def record_activities_created(session: Session, athlete_id: int, added: Sequence[int]) -> int:
    """`activity.created` for the activities just stored (`added`, their ids), in the caller's
    transaction: the page of a sync, the file of an import. Only for a new real activity: the
    new row is its group's canonical copy and no copy of the group was stored before (a run
    that reached Strava after Garmin was announced with Garmin's copy). The dedupe key is the
    natural key, so a re-run, or a page re-stored after a crash, announces nothing twice."""
    if not added:
        return 0
    new = set(added)
    rows: list[Activity] = []
    for start in range(0, len(added), _CHUNK):
        canonical = select(Activity).where(Activity.canonical_id == Activity.id)
        rows += session.scalars(canonical.where(Activity.id.in_(added[start : start + _CHUNK])))
    if not rows:
        return 0
    grouped_with_older: set[int | None] = set()
    canonical_ids = [row.id for row in rows]
    for start in range(0, len(canonical_ids), _CHUNK):
        members = session.execute(
            select(Activity.id, Activity.canonical_id).where(
                Activity.canonical_id.in_(canonical_ids[start : start + _CHUNK])
            )
        )
        grouped_with_older |= {canonical for member, canonical in members if member not in new}
    name = session.scalar(select(Athlete.name).where(Athlete.id == athlete_id))
    count = 0
    for activity in sorted(rows, key=lambda row: (row.start_utc, row.source_id)):
        if activity.id in grouped_with_older:
            continue
        count += record_event(session, "activity.created", athlete_id=athlete_id,
                     dedupe_key=f"activity.created:{athlete_id}:{activity.source}:{activity.source_id}",
                     payload={"athlete": name, "activity_id": activity.id,
                              "source": activity.source, "source_id": activity.source_id,
                              "sport": activity.sport,
                              "local_date": activity.local_date.isoformat(),
                              "distance_m": activity.distance_m})  # fmt: skip
    return count


def record_week_events(
    session: Session,
    athlete: Athlete,
    *,
    today: date,
    last_week: str,
    race_window_days: int,
) -> int:
    """What a weekly-load write announces for one athlete, in that write's transaction (so a
    crash leaves both or neither); returns the new events. `week.big` when the stored week
    `last_week` (its ISO label) is big, `race.upcoming` for each race in the next
    `race_window_days` days from the athlete's `today`. Re-runs record nothing twice."""
    count = 0
    big = session.scalar(
        select(WeeklyLoad)
        .where(WeeklyLoad.athlete_id == athlete.id)
        .where(WeeklyLoad.week == last_week)
        .where(WeeklyLoad.big_week.is_(True))
    )
    if big is not None:
        count += record_event(session, "week.big", athlete_id=athlete.id,
                     dedupe_key=f"week.big:{athlete.id}:{big.week}",
                     payload={"athlete": athlete.name, "week": big.week,
                              "distance_km": big.distance_km, "acwr": big.acwr})  # fmt: skip
    races = session.scalars(
        select(Race)
        .where(Race.athlete_id == athlete.id)
        .where(Race.race_date.between(today, today + timedelta(days=race_window_days)))
    )
    for race in races:
        count += record_event(session, "race.upcoming", athlete_id=athlete.id,
                     dedupe_key=f"race.upcoming:{athlete.id}:{race.race_date}:{race.name}",
                     payload={"athlete": athlete.name, "race": race.name,
                              "date": race.race_date.isoformat(), "priority": race.priority,
                              "days": (race.race_date - today).days})  # fmt: skip
    return count
