"""Where an athlete's plans go once stored: the Garmin workout push and the calendar feed.

The warehouse keeps the choices (push opt-in, gym time), the feed token's hash, and what of each
week's plan is on Garmin now (`workout_pushes`), so a failed push is retried from the plan that
is still stored, and a changed plan replaces what was pushed instead of adding to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.models import Athlete, AthleteDelivery, Plan, WorkoutPush

PUSH_STATUSES = ("pending", "scheduled", "removed", "failed")


@dataclass(frozen=True, slots=True, kw_only=True)
class LatestPlan:
    """The latest version of one week's plan."""

    week: str
    version: int
    session_date: date | None
    payload: dict[str, Any]
    notice: str | None
    changes: tuple[str, ...]
    created_at: datetime


def delivery(session: Session, athlete_id: int) -> AthleteDelivery:
    """The athlete's delivery settings, made with the defaults the first time."""
    row = session.get(AthleteDelivery, athlete_id)
    if row is None:
        row = AthleteDelivery(athlete_id=athlete_id, push_workouts=False, gym_time="18:00")
        session.add(row)
        session.flush()
    return row


def set_push_workouts(session: Session, athlete_id: int, enabled: bool) -> None:
    delivery(session, athlete_id).push_workouts = enabled
    session.flush()


def set_gym_time(session: Session, athlete_id: int, hh_mm: str, *, now: datetime) -> None:
    """`hh_mm` already validated by the caller (HH:MM, 24 h)."""
    row = delivery(session, athlete_id)
    row.gym_time = hh_mm
    row.updated_at = now
    session.flush()


def push_athletes(session: Session, only: set[int] | None = None) -> list[Athlete]:
    """Athletes who opted in to the Garmin workout push."""
    query = (
        select(Athlete)
        .join(AthleteDelivery, AthleteDelivery.athlete_id == Athlete.id)
        .where(AthleteDelivery.push_workouts.is_(True))
        .order_by(Athlete.name)
    )
    if only is not None:
        query = query.where(Athlete.id.in_(only))
    return list(session.scalars(query))


# -- the calendar feed's token ------------------------------------------------------------------


def set_feed_token(
    session: Session, athlete_id: int, *, nonce: str, token_sha256: str, now: datetime
) -> None:
    """Replace the athlete's feed token (the old one stops answering at once)."""
    row = delivery(session, athlete_id)
    row.feed_nonce = nonce
    row.feed_token_sha256 = token_sha256
    row.feed_rotated_at = now
    session.flush()


def athlete_by_feed_token(session: Session, token_sha256: str) -> Athlete | None:
    return session.scalar(
        select(Athlete)
        .join(AthleteDelivery, AthleteDelivery.athlete_id == Athlete.id)
        .where(AthleteDelivery.feed_token_sha256 == token_sha256)
    )


# -- plans: the latest version of each week ------------------------------------------------------


def latest_plans(
    session: Session,
    athlete_id: int,
    *,
    from_week: str | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
) -> list[LatestPlan]:
    """The latest version of each week's plan, oldest week first, optionally from an ISO week
    (`2026-W49` sorts as text) or within session dates."""
    newest = (
        select(Plan.week, func.max(Plan.version).label("version"))
        .where(Plan.athlete_id == athlete_id)
        .group_by(Plan.week)
        .subquery()
    )
    query = (
        select(Plan)
        .join(newest, (Plan.week == newest.c.week) & (Plan.version == newest.c.version))
        .where(Plan.athlete_id == athlete_id)
        .order_by(Plan.week)
    )
    if from_week is not None:
        query = query.where(Plan.week >= from_week)
    if from_date is not None:
        query = query.where(Plan.session_date >= from_date)
    if to_date is not None:
        query = query.where(Plan.session_date <= to_date)
    return [
        LatestPlan(
            week=row.week,
            version=row.version,
            session_date=row.session_date,
            payload=dict(row.payload),
            notice=row.notice,
            changes=tuple(row.changes or ()),
            created_at=row.created_at,
        )
        for row in session.scalars(query)
    ]


# -- what is on Garmin ---------------------------------------------------------------------------


def push_state(session: Session, athlete_id: int, week: str) -> WorkoutPush:
    row = session.get(WorkoutPush, (athlete_id, week))
    if row is None:
        row = WorkoutPush(athlete_id=athlete_id, week=week, status="pending", attempts=0)
        session.add(row)
        session.flush()
    return row


def push_states(session: Session, athlete_id: int) -> dict[str, WorkoutPush]:
    rows = session.scalars(select(WorkoutPush).where(WorkoutPush.athlete_id == athlete_id))
    return {row.week: row for row in rows}


def failed_pushes(session: Session, athlete_id: int | None = None) -> list[WorkoutPush]:
    query = select(WorkoutPush).where(WorkoutPush.status == "failed")
    if athlete_id is not None:
        query = query.where(WorkoutPush.athlete_id == athlete_id)
    return list(session.scalars(query.order_by(WorkoutPush.athlete_id, WorkoutPush.week)))
