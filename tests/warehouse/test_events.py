"""The nightly job's event queries and the outbox, on both databases: what is announced for one
athlete, once, and the (athlete, source) pairs a night runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select

from connectors.records import Activity, Race
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete, get_athlete, upsert_race
from warehouse.credentials import CredentialStore, athlete_sources
from warehouse.db import session_scope
from warehouse.errors import UnknownAthlete
from warehouse.events import mark_published, record_week_events, unpublished
from warehouse.models import Activity as ActivityRow
from warehouse.models import Event, WeeklyLoad

TODAY = date(2025, 10, 15)
SINCE = datetime(2025, 10, 15, 3, tzinfo=UTC)
DAY = timedelta(days=1)


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


def _garmin_run(source_id: str, start: datetime) -> Activity:
    return Activity(source="garmin", source_id=source_id, start_utc=start, local_start=None,
                    sport="run", distance_m=9010.0, moving_s=2690.0, raw={})  # fmt: skip


def _store_then_crash(engine: Engine, athlete_id: int, activities: list[Activity]) -> None:
    with session_scope(engine) as session:
        store_activities(session, athlete_id, "UTC", activities)
        raise RuntimeError("killed")


def test_activities_are_announced_in_their_own_transaction_once(warehouse_engine: Engine) -> None:
    at = datetime(2025, 10, 14, 7, tzinfo=UTC)
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC"))
        first = store_activities(session, ana.id, "UTC", [_run("s1", at), _run("s2", at + DAY)])
    assert first.events == 2
    # A crash in the middle of a page: the rows and their events roll back together.
    with pytest.raises(RuntimeError, match="killed"):
        _store_then_crash(warehouse_engine, ana.id, [_run("s3", at + 2 * DAY)])
    assert _kinds(warehouse_engine) == [
        ("activity.created", f"activity.created:{ana.id}:strava:s1"),
        ("activity.created", f"activity.created:{ana.id}:strava:s2"),
    ]
    with session_scope(warehouse_engine) as session:
        # The page again (a resumed run): nothing twice; the page lost in the crash: announced.
        again = store_activities(session, ana.id, "UTC", [_run("s2", at + DAY),
                                                          _run("s3", at + 2 * DAY)])  # fmt: skip
        # Garmin's copy of an announced Strava run takes over as canonical, silently; a
        # run new from Garmin is announced with its own copy.
        copies = [_garmin_run("g1", at + timedelta(seconds=20)), _garmin_run("g4", at + 3 * DAY)]
        late = store_activities(session, ana.id, "UTC", copies)
    assert (again.events, late.events) == (1, 1)
    with session_scope(warehouse_engine) as session:
        canonical = session.scalar(select(ActivityRow.source_id).where(
            ActivityRow.id == select(ActivityRow.canonical_id)
            .where(ActivityRow.source_id == "s1").scalar_subquery()))  # fmt: skip
    assert canonical == "g1"
    assert [key for _, key in _kinds(warehouse_engine)][2:] == [
        f"activity.created:{ana.id}:strava:s3",
        f"activity.created:{ana.id}:garmin:g4",
    ]
    with session_scope(warehouse_engine) as session:
        pending = unpublished(session)
        assert [e.payload["source_id"] for e in pending] == ["s1", "s2", "s3", "g4"]
        mark_published(session, [pending[0].id], SINCE)
    with session_scope(warehouse_engine) as session:
        assert [e.payload["source_id"] for e in unpublished(session)] == ["s2", "s3", "g4"]


def test_week_events_are_recorded_once(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC"))
        session.add(_week(ana.id, date(2025, 10, 6), big=True))  # last week: big
        session.add(_week(ana.id, date(2025, 9, 29), big=True))  # the week before: not asked
        upsert_race(session, ana.id, Race(race_date=TODAY + timedelta(days=21), name="Valencia",
                                          distance_km=42.2, priority="A"))  # fmt: skip
        upsert_race(session, ana.id, Race(race_date=TODAY + timedelta(days=22), name="Later",
                                          distance_km=10.0, priority="B"))  # fmt: skip
    for expected in (2, 0):  # a re-run announces nothing twice
        with session_scope(warehouse_engine) as session:
            ana = get_athlete(session, "ana")
            count = record_week_events(session, ana, today=TODAY, last_week="2025-W41",
                                       race_window_days=21)  # fmt: skip
        assert count == expected
    assert _kinds(warehouse_engine) == [
        ("week.big", f"week.big:{ana.id}:2025-W41"),
        ("race.upcoming", f"race.upcoming:{ana.id}:2025-11-05:Valencia"),
    ]
    with session_scope(warehouse_engine) as session:
        pending = unpublished(session)
        assert [e.payload["athlete"] for e in pending] == ["ana"] * 2
        assert pending[1].payload["days"] == 21 and pending[0].payload["acwr"] == 1.6


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
