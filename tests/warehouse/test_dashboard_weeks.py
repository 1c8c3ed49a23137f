"""The dashboard's "this week" is each athlete's own week: a Sunday evening in New York is
Monday in UTC, and Tokyo's Monday starts while London is still on Sunday."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.dashboard import coach_athletes
from warehouse.db import session_scope
from warehouse.models import Coach

# Monday 2026-11-30, 02:30 UTC: still Sunday 29 November in New York, already Monday in Tokyo.
NOW = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)


def test_this_week_is_the_athletes_local_week(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        for name, zone in (("ny", "America/New_York"), ("tokyo", "Asia/Tokyo")):
            add_athlete(session, AthleteProfile(name=name, timezone=zone, coach="marta"))
    with session_scope(warehouse_engine) as session:
        coach = session.query(Coach).filter_by(name="marta").one()
        weeks = {s.name: s.week_start for s in coach_athletes(session, coach.id, now=NOW)}
    assert weeks == {"ny": date(2026, 11, 23), "tokyo": date(2026, 11, 30)}
