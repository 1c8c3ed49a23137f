"""The materialised weekly load: columnar reads, dirty-only refresh, full rebuild."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from connectors.records import Activity, LiftSet
from engine.load import ACTIVITIES, LIFT_SESSIONS, LIFT_SETS
from flows.weekly_load import (
    read_load_inputs,
    read_weekly_load,
    rebuild_weekly_load,
    refresh_weekly_load,
)
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.dirty import dirty_athletes, mark_dirty
from warehouse.lifts import store_lift_sets
from warehouse.models import Activity as ActivityRow
from warehouse.models import LiftSession as LiftSessionRow
from warehouse.models import LiftSet as LiftSetRow
from warehouse.models import WeeklyLoad

# Wednesday 15 Oct 2025, noon UTC: ISO week 2025-W42 everywhere used here.
NOW = datetime(2025, 10, 15, 12, tzinfo=UTC)
MONDAY = date(2025, 9, 8)  # 2025-W37


def run(source_id: str, start_utc: datetime, km: float | None, *, source: str = "garmin",
        sport: str = "run", rpe: float | None = None) -> Activity:  # fmt: skip
    return Activity(source=source, source_id=source_id, start_utc=start_utc, local_start=None,
                    sport=sport, distance_m=None if km is None else km * 1000, moving_s=3600.0,
                    rpe=rpe, raw={"id": source_id})  # fmt: skip


def squat(day: date, index: int, kg: float, *, warmup: bool = False) -> LiftSet:
    return LiftSet(source="manual", source_id=f"{day}-{index}", performed_on=day,
                   exercise="back_squat", set_index=index, reps=8, weight_kg=kg, rir=2,
                   warmup=warmup)  # fmt: skip


def weeks_of(session: Session, athlete_id: int) -> pl.DataFrame:
    return read_weekly_load(session, athlete_id)


@pytest.fixture
def athletes(warehouse_engine: Engine) -> dict[str, int]:
    """ana in Madrid with four weeks of runs and a squat session; ben in New York."""
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="Europe/Madrid")).id
        ben = add_athlete(session, AthleteProfile(name="ben", timezone="America/New_York")).id
        runs = [
            run(
                f"a{w}",
                datetime.combine(MONDAY + timedelta(weeks=w, days=1), datetime.min.time(), UTC)
                + timedelta(hours=7),
                km,
            )
            for w, km in enumerate([30.0, 32.0, 34.0, 45.0])
        ]
        store_activities(session, ana, "Europe/Madrid", runs)
        store_lift_sets(session, ana, [squat(MONDAY + timedelta(days=2), i, 65.0) for i in (1, 2)]
                        + [squat(MONDAY + timedelta(days=2), 0, 30.0, warmup=True)])  # fmt: skip
        # Sunday 5 Oct 23:30 in New York is Monday 03:30 UTC: it belongs to 2025-W40.
        store_activities(session, ben, "America/New_York",
                         [run("b1", datetime(2025, 10, 6, 3, 30, tzinfo=UTC), 12.0)])  # fmt: skip
    return {"ana": ana, "ben": ben}


def test_refresh_computes_the_dirty_athletes_and_clears_their_marks(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        done = refresh_weekly_load(session, now=NOW)
    assert done.athlete_ids == (athletes["ana"], athletes["ben"])
    with session_scope(warehouse_engine) as session:
        assert dirty_athletes(session) == {}
        ana = weeks_of(session, athletes["ana"])
        ben = weeks_of(session, athletes["ben"])
    assert done.weeks == ana.height + ben.height
    assert ana["week"].to_list() == [f"2025-W{n}" for n in range(37, 43)]
    assert ana["distance_km"].to_list() == pytest.approx([30.0, 32.0, 34.0, 45.0, 0.0, 0.0])
    assert round(ana["acwr"][3], 3) == 1.277
    assert ana["volume_load_kg"][0] == pytest.approx(1040.0)
    assert ana["e1rm_kg"][0] == pytest.approx(65 * (1 + 10 / 30))
    assert ben["week"].to_list() == ["2025-W40", "2025-W41", "2025-W42"]
    assert ben["distance_km"].to_list() == [12.0, 0.0, 0.0]


def test_only_athletes_that_changed_are_recomputed(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
    with session_scope(warehouse_engine) as session:
        assert refresh_weekly_load(session, now=NOW).athlete_ids == ()
        before_ana = weeks_of(session, athletes["ana"])
        store_activities(session, athletes["ben"], "America/New_York",
                         [run("b2", datetime(2025, 10, 14, 12, tzinfo=UTC), 8.0)])  # fmt: skip
    with session_scope(warehouse_engine) as session:
        done = refresh_weekly_load(session, now=NOW)
        assert done.athlete_ids == (athletes["ben"],)
        assert weeks_of(session, athletes["ben"])["distance_km"].to_list() == [12.0, 0.0, 8.0]
        assert_frame_equal(weeks_of(session, athletes["ana"]), before_ana)


def test_refresh_can_be_limited_to_one_athlete(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        done = refresh_weekly_load(session, now=NOW, only={athletes["ben"]})
    assert done.athlete_ids == (athletes["ben"],)
    with session_scope(warehouse_engine) as session:
        assert set(dirty_athletes(session)) == {athletes["ana"]}
        assert weeks_of(session, athletes["ana"]).is_empty()


def test_a_new_week_brings_its_row_without_any_new_data(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
    later = NOW + timedelta(days=3)  # Saturday, same week: nothing is due
    with session_scope(warehouse_engine) as session:
        assert refresh_weekly_load(session, now=later).athlete_ids == ()
    next_week = NOW + timedelta(days=5)  # Monday 20 Oct: 2025-W43 has begun everywhere
    with session_scope(warehouse_engine) as session:
        assert len(refresh_weekly_load(session, now=next_week).athlete_ids) == 2
        assert weeks_of(session, athletes["ben"])["week"][-1] == "2025-W43"


def test_each_athlete_is_computed_through_its_own_local_date(warehouse_engine: Engine) -> None:
    # Sunday 19 Oct, 11:00 UTC is already Monday 20 Oct on Kiritimati (UTC+14).
    sunday_utc = datetime(2025, 10, 19, 11, tzinfo=UTC)
    with session_scope(warehouse_engine) as session:
        kiri = add_athlete(session, AthleteProfile(name="kiri", timezone="Pacific/Kiritimati"))
        store_activities(session, kiri.id, kiri.timezone,
                         [run("k1", datetime(2025, 10, 19, 10, tzinfo=UTC), 5.0)])  # fmt: skip
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=sunday_utc)
        weeks = weeks_of(session, kiri.id)
    assert weeks["week"].to_list() == ["2025-W43"]  # its Monday-morning run, its week
    assert weeks["distance_km"].to_list() == [5.0]


def test_duplicates_count_once_and_the_correction_wins(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    ben = athletes["ben"]
    with session_scope(warehouse_engine) as session:
        copy = run("s1", datetime(2025, 10, 6, 3, 31, tzinfo=UTC), 12.3, source="strava")
        stored = store_activities(session, ben, "America/New_York", [copy])
        garmin_id = session.scalar(select(ActivityRow.id).where(ActivityRow.source_id == "b1"))
        # What the linker does: the Strava copy points at the Garmin row, which is corrected.
        session.execute(update(ActivityRow).where(ActivityRow.id == stored.ids["s1"])
                        .values(canonical_id=garmin_id))  # fmt: skip
        session.execute(update(ActivityRow).where(ActivityRow.id == garmin_id)
                        .values(corrected_distance_m=11_500.0))  # fmt: skip
    # A refresh reads what is committed (on PostgreSQL through its own ADBC connection).
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
        weeks = weeks_of(session, ben)
    assert weeks["distance_km"][0] == pytest.approx(11.5)
    assert weeks["runs"][0] == 1


def test_rebuild_gives_the_same_table_as_the_incremental_refreshes(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
    with session_scope(warehouse_engine) as session:
        new_run = run("a9", datetime(2025, 10, 14, 6, tzinfo=UTC), 9.0, rpe=6.0)
        store_activities(session, athletes["ana"], "Europe/Madrid", [new_run])
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
        incremental = {a: weeks_of(session, a) for a in athletes.values()}
    with session_scope(warehouse_engine) as session:
        mark_dirty(session, athletes["ben"])
        done = rebuild_weekly_load(session, now=NOW)
        assert done.athlete_ids == tuple(sorted(athletes.values()))
        assert dirty_athletes(session) == {}
        for athlete_id, weeks in incremental.items():
            assert_frame_equal(weeks_of(session, athlete_id), weeks)
        total = session.scalar(select(func.count()).select_from(WeeklyLoad))
    assert total == done.weeks == sum(w.height for w in incremental.values())


def test_the_columnar_read_gives_the_engines_frames(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        inputs = read_load_inputs(session, [athletes["ana"]])
        everyone = read_load_inputs(session)
        nobody = read_load_inputs(session, [])
    assert inputs.activities.schema == pl.Schema(ACTIVITIES)
    assert inputs.lift_sets.schema == pl.Schema(LIFT_SETS)
    assert inputs.lift_sessions.schema == pl.Schema(LIFT_SESSIONS)
    assert inputs.activities["local_date"].sort().to_list() == [
        MONDAY + timedelta(weeks=w, days=1) for w in range(4)
    ]
    assert inputs.lift_sets["warmup"].sort().to_list() == [False, False, True]
    assert inputs.lift_sessions.height == 1
    assert everyone.activities.height == 5
    assert nobody.activities.height == 0 and nobody.activities.schema == pl.Schema(ACTIVITIES)


def test_a_refresh_writes_only_the_weeks_that_changed(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    ana = athletes["ana"]
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
    with session_scope(warehouse_engine) as session:
        latest = run("a10", datetime(2025, 10, 14, 6, tzinfo=UTC), 6.0)
        store_activities(session, ana, "Europe/Madrid", [latest])
    with session_scope(warehouse_engine) as session:
        done = refresh_weekly_load(session, now=NOW)
        weeks = weeks_of(session, ana)
    assert done.weeks == 1  # only 2025-W42: the weeks before it do not depend on it
    assert weeks["distance_km"].to_list() == pytest.approx([30.0, 32.0, 34.0, 45.0, 0.0, 6.0])
    # The first week's run and lifts go: history now starts a week later, its row goes too.
    with session_scope(warehouse_engine) as session:
        session.execute(delete(ActivityRow).where(ActivityRow.source_id == "a0"))
        session.execute(delete(LiftSetRow).where(LiftSetRow.athlete_id == ana))
        session.execute(delete(LiftSessionRow).where(LiftSessionRow.athlete_id == ana))
        mark_dirty(session, ana)
    with session_scope(warehouse_engine) as session:
        refresh_weekly_load(session, now=NOW)
        refreshed = weeks_of(session, ana)
    with session_scope(warehouse_engine) as session:
        rebuild_weekly_load(session, now=NOW)
        assert_frame_equal(refreshed, weeks_of(session, ana))
    assert refreshed["week"][0] == "2025-W38"
    assert refreshed["avg4_km"].to_list()[:3] == [None, None, None]
