"""`ironmiles weekly` as a user types it, on SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select

from connectors.records import Activity
from tests.conftest import Cli
from warehouse.activities import store_activities
from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.dirty import dirty_athletes
from warehouse.models import WeeklyLoad

ANA = ["athlete", "add", "ana", "--body-weight", "70", "--timezone", "UTC"]
WEEKLY_KM = [20.0, 20.0, 20.0, 40.0]  # the last of these weeks is big: 40 / 25 = 1.6


def this_monday() -> date:
    # The CLI takes today from the clock (UTC for a UTC athlete), so the test does too.
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


def add_runs(engine: Engine, name: str, weekly_km: list[float]) -> list[date]:
    """One run on the Tuesday of each of the weeks before this one, oldest first."""
    first = this_monday() - timedelta(weeks=len(weekly_km))
    days = [first + timedelta(weeks=w, days=1) for w in range(len(weekly_km))]
    with session_scope(engine) as session:
        athlete = get_athlete(session, name)
        runs = [
            Activity(
                source="garmin",
                source_id=f"r{i}",
                start_utc=datetime.combine(day, time(7), UTC),
                local_start=None,
                sport="run",
                distance_m=km * 1000,
                moving_s=km * 330.0,
            )
            for i, (day, km) in enumerate(zip(days, weekly_km, strict=True))
        ]
        store_activities(session, athlete.id, athlete.timezone, runs)
    return days


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_weekly_json_has_the_architecture_shape_and_is_current(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    assert run_cli(*ANA).exit_code == 0
    days = add_runs(warehouse_engine, "ana", WEEKLY_KM)
    lift = ["lift", "add", "ana", "--date", days[-1].isoformat(), "--exercise", "back_squat",
            "--sets", "2", "--reps", "8", "--weight", "65", "--rir", "2"]  # fmt: skip
    assert run_cli(*lift).exit_code == 0
    result = run_cli("weekly", "ana", "--format", "json")
    assert result.exit_code == 0, result.stderr
    weeks = json.loads(result.stdout)
    assert [w["week"] for w in weeks] == [week_label(d) for d in days] + [week_label(this_monday())]
    assert list(weeks[0]) == ["week", "distance_km", "runs", "moving_s", "long_run_km",
                              "avg4_km", "acwr", "big_week", "volume_load_kg", "squat_top_kg",
                              "e1rm_kg"]  # fmt: skip
    assert weeks[0]["avg4_km"] is None and weeks[0]["acwr"] is None
    big = weeks[3]
    assert big == {
        "week": week_label(days[3]), "distance_km": 40.0, "runs": 1, "moving_s": 13200,
        "long_run_km": 40.0, "avg4_km": 25.0, "acwr": 1.6, "big_week": True,
        "volume_load_kg": 1040.0, "squat_top_kg": 65.0, "e1rm_kg": 86.7,
    }  # fmt: skip
    assert weeks[4]["distance_km"] == 0.0 and weeks[4]["big_week"] is False
    with session_scope(warehouse_engine) as session:
        assert dirty_athletes(session) == {}


def test_weekly_recomputes_after_new_data(run_cli: Cli, warehouse_engine: Engine) -> None:
    run_cli(*ANA)
    add_runs(warehouse_engine, "ana", [10.0])
    first = json.loads(run_cli("weekly", "ana", "--format", "json").stdout)
    add_runs(warehouse_engine, "ana", [10.0, 5.0])  # r0 re-synced (now 2 weeks back), r1 new
    second = json.loads(run_cli("weekly", "ana", "--format", "json").stdout)
    assert [w["distance_km"] for w in first] == [10.0, 0.0]
    assert [w["distance_km"] for w in second] == [10.0, 5.0, 0.0]


def test_weekly_weeks_option_and_csv(run_cli: Cli, warehouse_engine: Engine) -> None:
    run_cli(*ANA)
    add_runs(warehouse_engine, "ana", WEEKLY_KM)
    result = run_cli("weekly", "ana", "--weeks", "2", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["week"] for r in rows] == [week_label(this_monday() - timedelta(weeks=1)),
                                         week_label(this_monday())]  # fmt: skip
    assert rows[0]["acwr"] == "1.6" and rows[0]["big_week"] == "true"
    assert {"acwr_ewma", "spike_runs", "monotony", "strain", "srpe_load"} <= set(rows[0])


def test_weekly_table_marks_big_weeks(run_cli: Cli, warehouse_engine: Engine) -> None:
    run_cli(*ANA)
    days = add_runs(warehouse_engine, "ana", WEEKLY_KM)
    result = run_cli("weekly", "ana")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    big = [line for line in lines if week_label(days[3]) in line]
    assert len(big) == 1 and "▲" in big[0] and "1.60" in big[0]
    quiet = [line for line in lines if week_label(days[2]) in line]
    assert len(quiet) == 1 and "▲" not in quiet[0]
    assert "ana: weekly load" in result.stdout


def test_an_athlete_without_data_has_no_weeks(run_cli: Cli) -> None:
    run_cli(*ANA)
    assert json.loads(run_cli("weekly", "ana", "--format", "json").stdout) == []
    assert "no weeks for ana yet" in run_cli("weekly", "ana").stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["weekly"], ["NAME", "--rebuild"]),
        (["weekly", "ana", "--weeks", "0"], ["--weeks", "0", "1 or more"]),
        (["weekly", "zoe"], ["zoe", "athlete add"]),
    ],
)
def test_bad_weekly_input_exits_2(run_cli: Cli, args: list[str], words: list[str]) -> None:
    run_cli(*ANA)
    result = run_cli(*args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr


def test_rebuild_recomputes_every_athlete(run_cli: Cli, warehouse_engine: Engine) -> None:
    run_cli(*ANA)
    run_cli("athlete", "add", "ben", "--body-weight", "80", "--timezone", "Asia/Tokyo")
    add_runs(warehouse_engine, "ana", WEEKLY_KM)
    add_runs(warehouse_engine, "ben", [5.0])
    result = run_cli("weekly", "--rebuild")
    assert result.exit_code == 0, result.stderr
    assert "athletes 2" in result.stderr
    with session_scope(warehouse_engine) as session:
        stored = session.scalar(select(func.count()).select_from(WeeklyLoad))
        assert dirty_athletes(session) == {}
    assert stored in (5 + 2, 5 + 3)  # ben's Tokyo date may already be in next week
