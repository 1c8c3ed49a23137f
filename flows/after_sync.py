"""What the nightly job does once new data is stored (architecture steps 5 and 6): recompute the
weekly load of the athletes whose data changed, announce what happened through the outbox, and
re-plan next week's squat session for them.

Shared by `ironmiles sync` and the Prefect flow. The clock is read by the caller (`now`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.prescription.weeks import next_week, week_of
from flows.planning import plan_week, provisional_plan_due
from flows.weekly_load import local_today, refresh_weekly_load
from warehouse.db import session_scope
from warehouse.events import record_event
from warehouse.models import Activity, Athlete, Race, WeeklyLoad

RACE_NOTICE_DAYS = 21  # the widest race window of the rules (an A race's reduced window)


@dataclass
class FollowUp:
    refreshed: tuple[int, ...] = ()
    plans: list[tuple[str, str, int]] = field(default_factory=list)
    """(athlete, week, stored version) of each re-plan."""
    events: int = 0

    def summary(self) -> str:
        return (
            f"weekly load recomputed for {len(self.refreshed)} athlete(s); "
            f"{len(self.plans)} squat plan(s) made; {self.events} new event(s)"
        )


def follow_up(engine: Engine, *, now: datetime, since: datetime) -> FollowUp:
    """Recompute, announce and re-plan for every athlete whose data changed. `since` is when
    the sync started: activities stored after it are announced as created."""
    with session_scope(engine) as session:
        refreshed = refresh_weekly_load(session, now=now)
    result = FollowUp(refreshed=refreshed.athlete_ids)
    for athlete_id in refreshed.athlete_ids:
        # One transaction per athlete: a failed plan for one never holds back the others' rows.
        with session_scope(engine) as session:
            athlete = session.get_one(Athlete, athlete_id)
            today = local_today(now, athlete.timezone)
            result.events += _record_events(session, athlete, today=today, since=since)
            plan = plan_week(session, athlete.name, next_week(today), now=now)
            result.plans.append((athlete.name, plan.week, plan.stored.version))
    # A plan made while its week W-1 was running is provisional: once W-1 has ended, make it
    # again (changed data or not), so the week's final plan replaces it.
    with session_scope(engine) as session:
        due = [
            a.id
            for a in session.scalars(select(Athlete))
            if provisional_plan_due(session, a, now=now)
        ]
    for athlete_id in due:
        with session_scope(engine) as session:
            athlete = session.get_one(Athlete, athlete_id)
            week = week_of(local_today(now, athlete.timezone))
            plan = plan_week(session, athlete.name, week, now=now)
            result.plans.append((athlete.name, plan.week, plan.stored.version))
    return result


def _record_events(session: Session, athlete: Athlete, *, today: date, since: datetime) -> int:
    count = 0
    new_activities = session.scalars(
        select(Activity)
        .where(Activity.athlete_id == athlete.id)
        .where(Activity.created_at >= since)
        .where(Activity.canonical_id == Activity.id)
    )
    for activity in new_activities:
        count += record_event(session, "activity.created", athlete_id=athlete.id,
                     dedupe_key=f"activity.created:{activity.id}",
                     payload={"athlete": athlete.name, "activity_id": activity.id,
                              "source": activity.source, "sport": activity.sport,
                              "local_date": activity.local_date.isoformat(),
                              "distance_m": activity.distance_m})  # fmt: skip
    last_week = week_of(today - timedelta(days=7))
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
        .where(Race.race_date.between(today, today + timedelta(days=RACE_NOTICE_DAYS)))
    )
    for race in races:
        count += record_event(session, "race.upcoming", athlete_id=athlete.id,
                     dedupe_key=f"race.upcoming:{athlete.id}:{race.race_date}:{race.name}",
                     payload={"athlete": athlete.name, "race": race.name,
                              "date": race.race_date.isoformat(), "priority": race.priority,
                              "days": (race.race_date - today).days})  # fmt: skip
    return count
