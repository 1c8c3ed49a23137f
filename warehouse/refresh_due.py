"""Which athletes are due a weekly-load refresh, and the date on each one's wall clock.

An athlete is due when a writer marked it dirty (warehouse/dirty.py), or when its stored weeks
end before the athlete's current week (a new week has begun: its zero row and the ratios that
depend on it are due). "Current" is the athlete's own local date, from its time zone: a run at
23:30 in New York belongs to the New York day.

Apart from warehouse/weekly_load.py (the frames, and so polars) so that a command can ask
whether there is anything to refresh without loading polars: `ironmiles plan` on an athlete
whose load is current never does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.dirty import dirty_athletes
from warehouse.models import Athlete, WeeklyLoad


def local_today(now: datetime, zone: str) -> date:
    """The date on the athlete's wall clock at `now` (an aware datetime)."""
    return now.astimezone(ZoneInfo(zone)).date()


def athletes_due(session: Session, *, now: datetime) -> dict[int, date]:
    """athlete id -> its local date now, for every athlete that is dirty or whose stored
    weeks end before its current week."""
    dirty = set(dirty_athletes(session))
    last_week = (
        select(WeeklyLoad.athlete_id, func.max(WeeklyLoad.week_start).label("last"))
        .group_by(WeeklyLoad.athlete_id)
        .subquery()
    )
    rows = session.execute(
        select(Athlete.id, Athlete.timezone, last_week.c.last).outerjoin(
            last_week, last_week.c.athlete_id == Athlete.id
        )
    )
    due: dict[int, date] = {}
    for athlete_id, zone, last in rows:
        today = local_today(now, zone)
        behind = last is not None and last < today - timedelta(days=today.weekday())
        if athlete_id in dirty or behind:
            due[athlete_id] = today
    return due


def athlete_dates(session: Session, *, now: datetime) -> dict[int, date]:
    """athlete id -> its local date now, for every athlete (a full rebuild takes them all)."""
    zones = session.execute(select(Athlete.id, Athlete.timezone)).all()
    return {athlete_id: local_today(now, zone) for athlete_id, zone in zones}
