"""Weekly load's SQL in the warehouse, on both databases: typed columnar reads of the inputs, the
athletes due a refresh, and the writes that replace only what differs. No engine here: the
frames are built by hand in the schema the caller chooses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, func, select

from connectors.records import Activity
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.dirty import clear_dirty, dirty_athletes
from warehouse.models import WeeklyLoad
from warehouse.weekly_load import (
    athlete_dates,
    athletes_due,
    read_athlete_frames,
    read_weeks,
    replace_all_weeks,
    replace_weeks,
)

NOW = datetime(2025, 10, 15, 12, tzinfo=UTC)  # Wednesday of 2025-W42
RUN_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.Int64(),
    "local_date": pl.Date(),
    "distance_m": pl.Float64(),
}
WEEK_SCHEMA: dict[str, pl.DataType] = {
    "athlete_id": pl.Int64(),
    "week_start": pl.Date(),
    "week": pl.String(),
    "distance_km": pl.Float64(),
    "big_week": pl.Boolean(),
    "acwr": pl.Float64(),
    "runs": pl.Int64(),
    "moving_s": pl.Float64(),
    "long_run_km": pl.Float64(),
    "spike_runs": pl.Int64(),
    "volume_load_kg": pl.Float64(),
}


def _run(source_id: str, start: datetime, km: float) -> Activity:
    return Activity(source="garmin", source_id=source_id, start_utc=start, local_start=None,
                    sport="run", distance_m=km * 1000, moving_s=3600.0, raw={})  # fmt: skip


def _weeks(athlete_id: int, rows: list[tuple[date, float, bool, float | None]]) -> pl.DataFrame:
    """Weeks with the columns the table requires; the rest of its columns stay null."""
    records = []
    for monday, km, big, acwr in rows:
        year, week, _ = monday.isocalendar()
        label = f"{year}-W{week:02d}"
        records.append({"athlete_id": athlete_id, "week_start": monday, "week": label,
                        "distance_km": km, "big_week": big, "acwr": acwr, "runs": int(km > 0),
                        "moving_s": km * 300, "long_run_km": km, "spike_runs": 0,
                        "volume_load_kg": 0.0})  # fmt: skip
    return pl.DataFrame(records, schema=WEEK_SCHEMA, orient="row")


@pytest.fixture
def athletes(warehouse_engine: Engine) -> dict[str, int]:
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="Europe/Madrid")).id
        ben = add_athlete(session, AthleteProfile(name="ben", timezone="Pacific/Auckland")).id
        store_activities(session, ana, "Europe/Madrid",
                         [_run("a1", datetime(2025, 10, 6, 7, tzinfo=UTC), 10.0),
                          _run("a2", datetime(2025, 10, 8, 7, tzinfo=UTC), 12.5)])  # fmt: skip
        store_activities(session, ben, "Pacific/Auckland",
                         [_run("b1", datetime(2025, 10, 11, 20, tzinfo=UTC), 8.0)])  # fmt: skip
    return {"ana": ana, "ben": ben}


def test_frames_come_typed_as_asked_for_the_chosen_athletes(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        ana = read_athlete_frames(session, {"activities": RUN_SCHEMA}, [athletes["ana"]])
        everyone = read_athlete_frames(session, {"activities": RUN_SCHEMA})
        nobody = read_athlete_frames(session, {"activities": RUN_SCHEMA}, [])
    frame = ana["activities"].sort("local_date")
    assert frame.schema == pl.Schema(RUN_SCHEMA)
    assert frame["local_date"].to_list() == [date(2025, 10, 6), date(2025, 10, 8)]
    assert frame["distance_m"].to_list() == [10_000.0, 12_500.0]
    # Auckland is 13 h ahead: Saturday 20:00 UTC is Sunday there.
    ben = everyone["activities"].filter(pl.col("athlete_id") == athletes["ben"])
    assert ben["local_date"].to_list() == [date(2025, 10, 12)]
    assert everyone["activities"].height == 3
    assert nobody["activities"].height == 0 and nobody["activities"].schema == pl.Schema(RUN_SCHEMA)


def test_frames_refuse_what_is_not_a_warehouse_column(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session, pytest.raises(ValueError, match="activities"):
        read_athlete_frames(
            session, {"activities": {"athlete_id": pl.Int64(), "1; DROP": pl.Int64()}}
        )
    with session_scope(warehouse_engine) as session, pytest.raises(ValueError, match="nothing"):
        read_athlete_frames(session, {"nothing": RUN_SCHEMA})


def test_athletes_due_are_the_dirty_and_those_a_week_behind(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    with session_scope(warehouse_engine) as session:
        assert athletes_due(session, now=NOW) == {
            athletes["ana"]: date(2025, 10, 15),
            athletes["ben"]: date(2025, 10, 16),  # already Thursday in Auckland
        }
        assert athlete_dates(session, now=NOW) == athletes_due(session, now=NOW)
        # Stored through this week and no longer dirty: nobody is due ...
        for name in ("ana", "ben"):
            this_week = _weeks(athletes[name], [(date(2025, 10, 13), 1.0, False, None)])
            replace_weeks(session, [athletes[name]], this_week)
        clear_dirty(session, dirty_athletes(session))
        assert athletes_due(session, now=NOW) == {}
        # ... until a new week begins on the athlete's own clock: Sunday 12:00 UTC is Monday
        # 01:00 in Auckland, still Sunday in Madrid.
        sunday = datetime(2025, 10, 19, 12, tzinfo=UTC)
        assert athletes_due(session, now=sunday) == {athletes["ben"]: date(2025, 10, 20)}


def test_replace_writes_only_what_differs_and_drops_what_is_gone(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    ana, ben = athletes["ana"], athletes["ben"]
    w40, w41, w42 = date(2025, 9, 29), date(2025, 10, 6), date(2025, 10, 13)
    first = _weeks(ana, [(w40, 0.0, False, None), (w41, 22.5, True, 1.5), (w42, 0.0, False, 0.9)])
    with session_scope(warehouse_engine) as session:
        assert replace_weeks(session, [ana], first) == 3
        assert replace_weeks(session, [ben], _weeks(ben, [(w41, 8.0, False, None)])) == 1
    with session_scope(warehouse_engine) as session:
        assert replace_weeks(session, [ana], first) == 0  # the same figures: nothing written
        second = _weeks(ana, [(w41, 22.5, True, 1.5), (w42, 5.0, False, 1.1)])
        assert replace_weeks(session, [ana], second) == 1  # W42 changed; W40 dropped
    with session_scope(warehouse_engine) as session:
        assert_frame_equal(read_weeks(session, ana, WEEK_SCHEMA), second)
        assert read_weeks(session, ana, WEEK_SCHEMA, weeks=1)["week_start"].to_list() == [w42]
        assert read_weeks(session, ben, WEEK_SCHEMA)["distance_km"].to_list() == [8.0]
        assert replace_weeks(session, [], second.clear()) == 0


def test_replace_all_weeks_replaces_the_whole_table(
    warehouse_engine: Engine, athletes: dict[str, int]
) -> None:
    monday = date(2025, 10, 13)
    with session_scope(warehouse_engine) as session:
        last_week = _weeks(athletes["ben"], [(monday - timedelta(weeks=1), 8.0, False, None)])
        replace_weeks(session, [athletes["ben"]], last_week)
    with session_scope(warehouse_engine) as session:
        assert (
            replace_all_weeks(session, _weeks(athletes["ana"], [(monday, 3.0, False, None)])) == 1
        )
    with session_scope(warehouse_engine) as session:
        assert session.scalar(select(func.count()).select_from(WeeklyLoad)) == 1
        assert read_weeks(session, athletes["ben"], WEEK_SCHEMA).height == 0
        assert read_weeks(session, athletes["ana"], WEEK_SCHEMA)["distance_km"].to_list() == [3.0]
