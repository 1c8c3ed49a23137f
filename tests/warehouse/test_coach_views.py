"""The coach views on both databases: their numbers are the warehouse's, activities_v holds
canonical activities with their sources, and the overview carries sync health."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from tests.coach_seed import BIG_WEEK_KM, seed
from tests.conftest import Cli


def label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def rows(engine: Engine, sql: str, **params: object) -> list[dict[str, object]]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(sql), params)]


def test_views_carry_the_warehouse_numbers(run_cli: Cli, warehouse_engine: Engine) -> None:
    season = seed(run_cli, warehouse_engine)
    weeks = rows(
        warehouse_engine,
        "SELECT v.week, v.distance_km, v.runs, v.volume_load_kg, v.strava_runs, w.distance_km AS t"
        " FROM weekly_load_v v JOIN weekly_load w"
        " ON w.athlete_id = v.athlete_id AND w.week_start = v.week_start"
        " WHERE v.athlete = 'ana' ORDER BY v.week_start",
    )
    assert weeks and all(w["distance_km"] == w["t"] for w in weeks)
    strava = [w for w in weeks if w["strava_runs"]]
    # ana's Strava-only run is her whole week; the Strava copy of a Garmin run is not counted.
    assert [w["distance_km"] for w in strava] == [12.0]
    last = next(w for w in weeks if w["week"] == label(season.garmin_week))
    assert last["volume_load_kg"] == 3 * 8 * 60

    canonical = rows(
        warehouse_engine,
        "SELECT source, sources, copies, distance_km FROM activities_v WHERE athlete = 'ana'"
        " ORDER BY start_utc",
    )
    assert len(canonical) == 6  # five Garmin runs and the Strava-only one
    assert canonical[-1]["sources"] == "garmin,strava" and canonical[-1]["copies"] == 2
    assert canonical[-2]["source"] == "strava" and canonical[-2]["sources"] == "strava"
    assert season.strava_week < season.garmin_week

    overview = rows(warehouse_engine, "SELECT * FROM athlete_overview_v WHERE athlete = 'ana'")[0]
    assert overview["coach"] == "marta"
    assert overview["next_race"] == "ana half" and overview["days_to_next_race"] > 50
    assert overview["strava_token"] == "connected" and overview["strava_status"] == "ok"
    assert overview["garmin_token"] is None  # no Garmin sync state recorded
    assert overview["strava_last_ok_at"] is not None
    assert overview["strava_budget_used_today"] is None
    assert overview["plan_line"] and overview["plan_week"]
    assert overview["latest_week"] == label(season.garmin_week)

    history = rows(
        warehouse_engine,
        "SELECT rules, reasons, plan_line FROM plan_history_v WHERE athlete = 'ana'",
    )
    assert history and history[0]["rules"].startswith("R")
    assert history[0]["reasons"].split(" | ")[0].startswith(history[0]["rules"].split(",")[0])

    lifts = rows(
        warehouse_engine, "SELECT sum(volume_kg) AS v FROM lift_history_v WHERE athlete = 'ana'"
    )
    assert lifts[0]["v"] == 3 * 8 * 60


def test_weekly_from_to_reads_a_past_range(run_cli: Cli, warehouse_engine: Engine) -> None:
    import json
    from datetime import timedelta

    season = seed(run_cli, warehouse_engine)
    first = season.strava_week
    result = run_cli("weekly", "ana", "--from", str(first + timedelta(days=2)),
                     "--to", str(first + timedelta(days=7)), "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert [w["distance_km"] for w in shown] == [12.0, BIG_WEEK_KM]
    assert shown[-1]["big_week"] is True
    bad = run_cli("weekly", "ana", "--from", "2026-02-30")
    assert bad.exit_code == 2 and "--from" in bad.stderr
    both = run_cli("weekly", "ana", "--weeks", "3", "--to", "2026-01-01")
    assert both.exit_code == 2
