"""Corrections of everything a user records, through the CLI on SQLite and PostgreSQL:
`athlete set|remove`, `lift edit|delete`, `race list|remove`, `activity delete|restore`, and
case-free athlete names. Each change is followed by the weekly load and next week's plan."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from connectors.replay.fit_writer import FitSpec, SessionSpec, fit_bytes
from tests.conftest import Cli
from warehouse.models import Activity, Athlete, BodyWeight, DirtyAthlete, LiftSet, Plan, WeeklyLoad

TODAY = datetime.now(UTC).date()
RUN = "garmin-fit_sports-lib/6860622783.fit"  # a 10.63 km treadmill run, 2020-02-02


def add_ana(cli: Cli, *extra: str) -> None:
    result = cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "UTC", *extra)
    assert result.exit_code == 0, result.stderr


def as_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_athlete_set_changes_the_profile_and_keeps_weigh_ins(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    add_ana(run_cli)
    result = run_cli("athlete", "set", "ana", "--body-weight", "63.5", "--timezone",
                     "Europe/Madrid", "--experience", "experienced", "--sessions-per-week", "6",
                     "--gym-day", "fri", "--technique-controlled", "--single-leg", "--coach",
                     "Bea")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "body weight 63.5 kg" in result.stdout and "coach=Bea" in result.stdout
    assert "plan for" in result.stderr  # next week's plan followed at once
    (row,) = as_json(run_cli, "athlete", "list")
    assert {k: row[k] for k in ("body_weight_kg", "timezone", "experience", "sessions_per_week",
                                "technique_controlled", "single_leg", "coach", "gym_day")} == {
        "body_weight_kg": 63.5, "timezone": "Europe/Madrid", "experience": "experienced",
        "sessions_per_week": 6, "technique_controlled": True, "single_leg": True,
        "coach": "Bea", "gym_day": "fri",
    }  # fmt: skip
    assert run_cli("athlete", "set", "ana", "--no-technique-controlled", "--no-single-leg",
                   "--coach", "").exit_code == 0  # fmt: skip
    (row,) = as_json(run_cli, "athlete", "list")
    assert (row["technique_controlled"], row["single_leg"], row["coach"]) == (False, False, None)
    with Session(warehouse_engine) as session:
        weighed = session.execute(select(BodyWeight.source, BodyWeight.weight_kg)).all()
        plans = session.scalars(select(Plan.week)).all()
    assert weighed == [("manual", 63.5)]
    assert plans  # the plan was made by the change, not by a `plan` command

    for args, words in [
        (["--body-weight", "20"], ["body_weight", "25-300"]),
        (["--timezone", "Mars/Olympus"], ["timezone", "Mars/Olympus", "IANA"]),
        (["--sessions-per-week", "30"], ["sessions_per_week", "30"]),
        (["--coach", "x" * 121], ["coach", "at most 120"]),
        ([], ["say what to change"]),
    ]:
        refused = run_cli("athlete", "set", "ana", *args)
        assert refused.exit_code == 2, args
        assert all(word in refused.stderr for word in words), refused.stderr


def test_athlete_names_are_one_regardless_of_case_and_remove_needs_yes(run_cli: Cli) -> None:
    add_ana(run_cli)
    again = run_cli("athlete", "add", "ANA", "--body-weight", "60", "--timezone", "UTC")
    assert again.exit_code == 2 and "already exists as 'ana'" in again.stderr
    assert run_cli("lift", "add", "Ana", "--date", str(TODAY), "--exercise", "squat", "--sets",
                   "1", "--reps", "5", "--weight", "50").exit_code == 0  # fmt: skip
    assert len(as_json(run_cli, "lift", "list", "ANA")) == 1
    refused = run_cli("athlete", "remove", "ana")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert len(as_json(run_cli, "athlete", "list")) == 1
    long_name = run_cli("athlete", "add", "n" * 121, "--body-weight", "60", "--timezone", "UTC")
    assert long_name.exit_code == 2 and "at most 120 characters" in long_name.stderr
    removed = run_cli("athlete", "remove", "ANA", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert as_json(run_cli, "athlete", "list") == []
    assert run_cli("athlete", "remove", "ana", "--yes").exit_code == 2


def test_lift_edit_and_delete(run_cli: Cli, warehouse_engine: Engine) -> None:
    add_ana(run_cli)
    day = TODAY - timedelta(days=3)
    assert run_cli("lift", "add", "ana", "--date", str(day), "--exercise", "back squat",
                   "--sets", "3", "--reps", "8", "--weight", "60").exit_code == 0  # fmt: skip
    assert run_cli("lift", "add", "ana", "--date", str(day), "--exercise", "deadlift",
                   "--sets", "1", "--reps", "5", "--weight", "90").exit_code == 0  # fmt: skip
    first, second, third, deadlift = (r["id"] for r in as_json(run_cli, "lift", "list", "ana"))
    edited = run_cli("lift", "edit", str(second), "--weight", "135", "--unit", "lb", "--rir", "1")
    assert edited.exit_code == 0, edited.stderr
    assert "61.23 kg" in edited.stdout and "plan for" in edited.stderr
    rows = {r["id"]: r for r in as_json(run_cli, "lift", "list", "ana")}
    assert (rows[second]["weight_kg"], rows[second]["rir"]) == (61.23, 1)
    # Moving a typed set to another day renumbers it there; the old day can be typed anew.
    moved = run_cli("lift", "edit", str(third), "--date", str(day - timedelta(days=1)))
    assert moved.exit_code == 0, moved.stderr
    assert run_cli("lift", "add", "ana", "--date", str(day), "--exercise", "back squat",
                   "--sets", "1", "--reps", "8", "--weight", "60").exit_code == 0  # fmt: skip
    assert len(as_json(run_cli, "lift", "list", "ana")) == 5

    for args, words in [
        (["lift", "edit", str(first)], ["say what to change"]),
        (["lift", "edit", str(first), "--reps", "0"], ["reps", "1 to 100"]),
        (["lift", "edit", str(first), "--exercise", "bak squat"], ["did you mean 'back squat'"]),
        (["lift", "edit", "999999", "--reps", "5"], ["lift=999999", "lift list"]),
        (["lift", "delete", "abc"], ["ID", "abc"]),
        (["lift", "delete", "ana", "--date", "1969-12-31"], ["1970-01-01"]),
    ]:
        refused = run_cli(*args)
        assert refused.exit_code == 2, args
        assert all(word in refused.stderr for word in words), refused.stderr

    assert run_cli("lift", "delete", str(first)).exit_code == 0
    gone = run_cli("lift", "delete", "ana", "--date", str(day), "--exercise", "back squat")
    assert gone.exit_code == 0, gone.stderr
    left = as_json(run_cli, "lift", "list", "ana")
    assert [(r["id"], r["exercise"]) for r in left] == [(third, "back_squat"),
                                                        (deadlift, "deadlift")]  # fmt: skip
    assert run_cli("lift", "delete", "ana", "--date", str(day)).exit_code == 0
    nothing = run_cli("lift", "delete", "ana", "--date", str(day))
    assert nothing.exit_code == 2 and "no lift sets that day" in nothing.stderr
    with Session(warehouse_engine) as session:
        assert len(session.scalars(select(LiftSet)).all()) == 1  # typed sets go for good


def test_race_list_and_remove_and_race_dates(run_cli: Cli) -> None:
    add_ana(run_cli)
    soon = TODAY + timedelta(days=40)
    assert run_cli("race", "add", "ana", "--date", str(soon), "--name", "Half",
                   "--distance-km", "21.1", "--priority", "A").exit_code == 0  # fmt: skip
    (race,) = as_json(run_cli, "race", "list", "ana")
    assert {k: race[k] for k in ("date", "name", "distance_km", "priority")} == {
        "date": str(soon), "name": "Half", "distance_km": 21.1, "priority": "A"}  # fmt: skip
    assert "Half" in run_cli("race", "list", "ana").stdout
    for when, words in [
        (str(TODAY + timedelta(days=6 * 366)), ["date", "5 years ahead"]),
        ("1969-06-01", ["date", "1970-01-01"]),
    ]:
        refused = run_cli("race", "add", "ana", "--date", when, "--name", "Far",
                          "--distance-km", "10", "--priority", "C")  # fmt: skip
        assert refused.exit_code == 2 and all(w in refused.stderr for w in words)
    too_long = run_cli("race", "add", "ana", "--date", str(soon), "--name", "r" * 201,
                       "--distance-km", "10", "--priority", "C")  # fmt: skip
    assert too_long.exit_code == 2 and "at most 200 characters" in too_long.stderr
    removed = run_cli("race", "remove", str(race["id"]))
    assert removed.exit_code == 0 and "plan for" in removed.stderr
    assert as_json(run_cli, "race", "list", "ana") == []
    assert run_cli("race", "remove", str(race["id"])).exit_code == 2


def test_a_deleted_activity_stays_deleted_across_a_reimport(
    run_cli: Cli, shared_data: Path, tmp_path: Path
) -> None:
    add_ana(run_cli)
    source = shared_data / RUN
    assert run_cli("import", "ana", str(source)).exit_code == 0
    (run,) = as_json(run_cli, "activity", "list", "ana")
    week = "2020-W05"

    def distance() -> float:
        weeks = as_json(run_cli, "weekly", "ana", "--weeks", "400")
        # No week at all once the only activity is gone: the history starts with the first one.
        return float(next((w["distance_km"] for w in weeks if w["week"] == week), 0.0))

    assert distance() == 10.63
    deleted = run_cli("activity", "delete", str(run["id"]))
    assert deleted.exit_code == 0, deleted.stderr
    assert as_json(run_cli, "activity", "list", "ana") == []
    (shown,) = as_json(run_cli, "activity", "list", "ana", "--all")
    assert shown["deleted"] is True
    assert distance() == 0.0
    again = run_cli("import", "ana", str(source))
    assert again.exit_code == 0 and "1 duplicate(s)" in again.stdout
    assert as_json(run_cli, "activity", "list", "ana") == []
    assert distance() == 0.0
    restored = run_cli("activity", "restore", str(run["id"]))
    assert restored.exit_code == 0, restored.stderr
    assert distance() == 10.63
    again = run_cli("activity", "restore", str(run["id"]))
    assert again.exit_code == 2 and "is not deleted" in again.stderr
    assert run_cli("activity", "delete", "999999").exit_code == 2


def test_a_deleted_activity_stays_deleted_when_its_file_comes_back_changed(
    run_cli: Cli, tmp_path: Path, warehouse_engine: Engine
) -> None:
    """The watch re-exports a recording with other bytes (same device and creation time): the
    upsert rewrites the source's columns, never the deletion."""
    add_ana(run_cli)
    start = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    files = []
    for hr in (140, 141):
        session = SessionSpec(start=start, timer_s=1800.0, distance_m=5000.0, avg_hr=hr)
        path = tmp_path / f"run_{hr}.fit"
        path.write_bytes(fit_bytes(FitSpec(sessions=[session], local_offset=timedelta(0))))
        files.append(path)
    assert run_cli("import", "ana", str(files[0])).exit_code == 0
    (run,) = as_json(run_cli, "activity", "list", "ana")
    assert run_cli("activity", "delete", str(run["id"])).exit_code == 0
    changed = run_cli("import", "ana", str(files[1]))
    assert changed.exit_code == 0, changed.stderr
    with Session(warehouse_engine) as session:
        (row,) = session.scalars(select(Activity)).all()
    assert row.avg_hr == 141 and row.deleted_at is not None  # the source's value, still deleted
    assert as_json(run_cli, "activity", "list", "ana") == []
    weeks = as_json(run_cli, "weekly", "ana", "--weeks", "60")
    assert next((w["distance_km"] for w in weeks if w["week"] == "2026-W10"), 0.0) == 0.0
    assert run_cli("activity", "restore", str(run["id"])).exit_code == 0
    weeks = as_json(run_cli, "weekly", "ana", "--weeks", "60")
    assert next(w["distance_km"] for w in weeks if w["week"] == "2026-W10") == 5.0


def test_a_correction_stores_the_weekly_load_it_says_it_recomputed(
    run_cli: Cli, shared_data: Path, warehouse_engine: Engine
) -> None:
    """What "weekly load recomputed" says is stored when the command ends, before any `weekly`
    (which would refresh it anyway): the changed week, and no dirty mark left over."""
    add_ana(run_cli)
    assert run_cli("import", "ana", str(shared_data / RUN)).exit_code == 0
    (run,) = as_json(run_cli, "activity", "list", "ana")

    def stored() -> tuple[float, int]:
        with Session(warehouse_engine) as session:
            km = session.scalar(select(WeeklyLoad.distance_km).where(WeeklyLoad.week == "2020-W05"))
            marks = len(session.scalars(select(DirtyAthlete)).all())
        return (round(km or 0.0, 2), marks)

    assert run_cli("weekly", "ana").exit_code == 0
    assert stored() == (10.63, 0)
    deleted = run_cli("activity", "delete", str(run["id"]))
    assert deleted.exit_code == 0 and "weekly load recomputed" in deleted.stderr
    assert stored() == (0.0, 0)
    restored = run_cli("activity", "restore", str(run["id"]))
    assert restored.exit_code == 0 and "weekly load recomputed" in restored.stderr
    assert stored() == (10.63, 0)


def test_weigh_ins_are_dated_and_the_latest_is_the_body_weight(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    add_ana(run_cli)
    assert run_cli("athlete", "set", "ana", "--body-weight", "64").exit_code == 0
    assert run_cli("athlete", "set", "ana", "--body-weight", "63").exit_code == 0  # same day
    with Session(warehouse_engine) as session:
        rows = session.execute(select(BodyWeight.measured_on, BodyWeight.weight_kg)).all()
        profile = session.scalar(select(Athlete.body_weight_kg))
    assert [weight for _, weight in rows] == [63.0] and profile == 63.0
    assert isinstance(rows[0][0], date)
