"""The nightly job's event queries and the outbox, on both databases: what is announced for one
athlete, once, and the (athlete, source) pairs a night runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, update

from connectors.records import Activity, Race
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete, get_athlete, upsert_race
from warehouse.credentials import CredentialStore, athlete_sources
from warehouse.db import session_scope
from warehouse.errors import UnknownAthlete
from warehouse.events import mark_published, record_athlete_events, unpublished
from warehouse.models import Activity as ActivityRow
from warehouse.models import Event, WeeklyLoad

TODAY = date(2025, 10, 15)
SINCE = datetime(2025, 10, 15, 3, tzinfo=UTC)


def _run(source_id: str, start: datetime) -> Activity:
    return Activity(source="strava", source_id=source_id, start_utc=start, local_start=None,
                    sport="run", distance_m=9000.0, moving_s=2700.0, raw={})  # fmt: skip


def _week(athlete_id: int, monday: date, *, big: bool) -> WeeklyLoad:
    year, week, _ = monday.isocalendar()
    return WeeklyLoad(athlete_id=athlete_id, week_start=monday, week=f"{year}-W{week:02d}",
                      distance_km=60.0, runs=5, moving_s=20000.0, long_run_km=20.0,
                      acwr=1.6, big_week=big, spike_runs=0, volume_load_kg=0.0)  # fmt: skip


def _kinds(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(e.kind, e.dedupe_key) for e in session.scalars(select(Event).order_by(Event.id))]


def test_one_athletes_events_are_recorded_once(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC"))
        ben = add_athlete(session, AthleteProfile(name="ben", timezone="UTC"))
        stored = store_activities(session, ana.id, "UTC",
                                  [_run("old", datetime(2025, 10, 1, 7, tzinfo=UTC)),
                                   _run("new", datetime(2025, 10, 14, 7, tzinfo=UTC))])  # fmt: skip
        store_activities(session, ben.id, "UTC", [_run("b", datetime(2025, 10, 14, 8, tzinfo=UTC))])
        # "old" was stored before the night started; "new" during it.
        old_id = stored.ids["old"]
        session.execute(update(ActivityRow).where(ActivityRow.id == old_id)
                        .values(created_at=SINCE - timedelta(days=10)))  # fmt: skip
        session.execute(update(ActivityRow).where(ActivityRow.id != old_id)
                        .values(created_at=SINCE + timedelta(minutes=5)))  # fmt: skip
        session.add(_week(ana.id, date(2025, 10, 6), big=True))  # last week: big
        session.add(_week(ana.id, date(2025, 9, 29), big=True))  # the week before: not asked
        upsert_race(session, ana.id, Race(race_date=TODAY + timedelta(days=21), name="Valencia",
                                          distance_km=42.2, priority="A"))  # fmt: skip
        upsert_race(session, ana.id, Race(race_date=TODAY + timedelta(days=22), name="Later",
                                          distance_km=10.0, priority="B"))  # fmt: skip
    for expected in (3, 0):  # a re-run announces nothing twice
        with session_scope(warehouse_engine) as session:
            ana = get_athlete(session, "ana")
            count = record_athlete_events(session, ana, today=TODAY, since=SINCE,
                                          last_week="2025-W41", race_window_days=21)  # fmt: skip
        assert count == expected
    new_id = stored.ids["new"]
    assert _kinds(warehouse_engine) == [
        ("activity.created", f"activity.created:{new_id}"),
        ("week.big", f"week.big:{ana.id}:2025-W41"),
        ("race.upcoming", f"race.upcoming:{ana.id}:2025-11-05:Valencia"),
    ]
    with session_scope(warehouse_engine) as session:
        pending = unpublished(session)
        assert [e.payload["athlete"] for e in pending] == ["ana"] * 3
        assert pending[2].payload["days"] == 21 and pending[1].payload["acwr"] == 1.6
        mark_published(session, [pending[0].id], SINCE)
    with session_scope(warehouse_engine) as session:
        assert [e.kind for e in unpublished(session)] == ["week.big", "race.upcoming"]


def test_a_run_stored_in_the_second_the_night_started_is_announced(
    warehouse_engine: Engine,
) -> None:
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC"))
        stored = store_activities(session, ana.id, "UTC", [_run("r", SINCE)])
    with session_scope(warehouse_engine) as session:
        row = session.get_one(ActivityRow, stored.ids["r"])
        # The night started within the second its default stamped (whole seconds on SQLite).
        started = row.created_at.replace(microsecond=0) + timedelta(milliseconds=600)
        count = record_athlete_events(session, get_athlete(session, "ana"), today=TODAY,
                                      since=started, last_week="2025-W41",
                                      race_window_days=21)  # fmt: skip
    assert count == 1
    assert _kinds(warehouse_engine) == [("activity.created", f"activity.created:{row.id}")]


def test_athlete_sources_are_the_stored_credentials(warehouse_engine: Engine) -> None:
    cipher = Fernet(Fernet.generate_key())
    with session_scope(warehouse_engine) as session:
        ids = {n: add_athlete(session, AthleteProfile(name=n, timezone="UTC")).id
               for n in ("ben", "ana", "cy")}  # fmt: skip
    for name, source in (("ben", "strava"), ("ana", "strava"), ("ana", "garmin")):
        CredentialStore(warehouse_engine, cipher, ids[name], source).save({"access_token": "x" * 9})
    with session_scope(warehouse_engine) as session:
        everyone = athlete_sources(session, None, {"garmin", "strava"})
        assert everyone == [("ana", "garmin"), ("ana", "strava"), ("ben", "strava")]
        assert athlete_sources(session, "ana", {"strava"}) == [("ana", "strava")]
        assert athlete_sources(session, "cy", {"garmin", "strava"}) == []
        with pytest.raises(UnknownAthlete):
            athlete_sources(session, "nobody", {"garmin"})
