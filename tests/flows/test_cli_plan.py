"""`ironmiles plan` and `ironmiles athlete set` as a user types them, on SQLite and PostgreSQL:
worked cases of coaching-rules.md section 2 from a real warehouse, plan history, overrides."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from connectors.records import Activity
from flows.cli import common as cli_common
from tests.conftest import Cli
from warehouse.activities import store_activities
from warehouse.models import Athlete, Plan, WeeklyLoad

W41 = "2025-W41"  # planned session: Wednesday 2025-10-08


def athlete(run_cli: Cli, name: str, weight: str, *flags: str) -> None:
    added = run_cli("athlete", "add", name, "--body-weight", weight, "--timezone",
                    "Europe/Madrid", *flags)  # fmt: skip
    assert added.exit_code == 0, added.stderr


def squats(run_cli: Cli, name: str, days: list[str], weight: str, rir: str | None) -> None:
    for day in days:
        args = ["lift", "add", name, "--date", day, "--exercise", "back squat", "--sets", "2",
                "--reps", "8", "--weight", weight]  # fmt: skip
        result = run_cli(*args, *(["--rir", rir] if rir is not None else []))
        assert result.exit_code == 0, result.stderr


def plan_json(run_cli: Cli, name: str, week: str = W41) -> dict[str, Any]:
    result = run_cli("plan", name, "--week", week, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def session_of(plan: dict[str, Any]) -> tuple[Any, ...]:
    return (
        plan["variant"],
        plan["warmup"]["weight_kg"],
        plan["sets"],
        plan["reps"],
        plan["weight_kg"],
        plan["target_rir"],
    )


def only_event(ics: str) -> Any:
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def rule_ids(plan: dict[str, Any]) -> set[str]:
    return {rule["id"] for rule in plan["rules"]}


def test_worked_case_3_progresses(run_cli: Cli) -> None:
    athlete(run_cli, "ana", "70", "--technique-controlled")
    # Last increase two weeks before the session, last squat a week before.
    squats(run_cli, "ana", ["2025-09-24", "2025-10-01"], "60", "4")
    plan = plan_json(run_cli, "ana")
    assert (plan["athlete"], plan["week"], plan["date"], plan["skip"]) == (
        "ana",
        W41,
        "2025-10-08",
        False,
    )
    assert session_of(plan) == ("back_squat", 32.5, 2, 8, 65.0, "2-3")
    assert "R8" in rule_ids(plan)


def test_worked_case_2_beginner_in_the_rack(run_cli: Cli) -> None:
    athlete(run_cli, "bea", "65", "--experience", "beginner")
    plan = plan_json(run_cli, "bea")
    assert session_of(plan) == ("guided_squat", 0.0, 2, 8, 20.0, ">=4")
    assert plan["supervised"] is True
    markdown = run_cli("plan", "bea", "--week", W41).stdout
    assert "**Guided squat: 2 x 8 @ 20 kg, RIR ≥ 4**" in markdown
    assert "- Warm-up: 1 x 8 body-weight squats" in markdown


def test_worked_case_7_skips_before_an_a_race(run_cli: Cli) -> None:
    athlete(run_cli, "cai", "80", "--technique-controlled", "--experience", "experienced")
    squats(run_cli, "cai", ["2025-09-10", "2025-10-01"], "100", "3")
    race = run_cli("race", "add", "cai", "--date", "2025-10-18", "--name", "Marathon",
                   "--distance-km", "42.195", "--priority", "A")  # fmt: skip
    assert race.exit_code == 0, race.stderr
    plan = plan_json(run_cli, "cai")
    assert plan["skip"] is True
    assert [plan[key] for key in ("sets", "reps", "weight_kg")] == [None, None, None]
    assert rule_ids(plan) == {"R1"}


def test_worked_case_9_reduces_before_a_b_race(run_cli: Cli) -> None:
    athlete(run_cli, "dan", "70", "--technique-controlled")
    squats(run_cli, "dan", ["2025-09-10", "2025-09-17", "2025-09-24", "2025-10-01"], "60", "3")
    race = run_cli("race", "add", "dan", "--date", "2025-10-14", "--name", "10k",
                   "--distance-km", "10", "--priority", "B")  # fmt: skip
    assert race.exit_code == 0, race.stderr
    assert session_of(plan_json(run_cli, "dan")) == ("back_squat", 25.0, 1, 6, 52.5, ">=3")


def test_worked_case_10_reads_the_acwr_of_last_week(run_cli: Cli, warehouse_engine: Engine) -> None:
    athlete(run_cli, "eve", "80", "--technique-controlled", "--experience", "experienced")
    squats(run_cli, "eve", ["2025-09-10", "2025-10-01"], "100", "2")
    assert plan_json(run_cli, "eve")["weight_kg"] == 105.0  # no load history: ACWR null
    # Runs of 32, 32, 32 and 64 km in W37-W40: W40, the week before the plan, has
    # avg4_km 40 and ACWR 1.6, computed by the weekly-load pipeline the plan refreshes.
    with Session(warehouse_engine) as session, session.begin():
        athlete_id = session.scalar(select(Athlete.id).where(Athlete.name == "eve"))
        assert athlete_id is not None
        runs = [
            Activity(source="garmin", source_id=f"w{week}", local_start=None,
                     start_utc=datetime(2025, 9, 9, 6, tzinfo=UTC) + timedelta(weeks=week),
                     sport="run", distance_m=km * 1000.0, moving_s=km * 330.0)
            for week, km in enumerate([32.0, 32.0, 32.0, 64.0])
        ]  # fmt: skip
        store_activities(session, athlete_id, "Europe/Madrid", runs)
    plan = plan_json(run_cli, "eve")
    assert session_of(plan)[1:5] == (50.0, 1, 8, 100.0)
    assert "R11" in rule_ids(plan)
    with Session(warehouse_engine) as session:
        w40 = session.scalar(
            select(WeeklyLoad).where(
                WeeklyLoad.athlete_id == athlete_id, WeeklyLoad.week == "2025-W40"
            )
        )
        assert w40 is not None
        assert (w40.distance_km, w40.avg4_km, w40.acwr) == (64.0, 40.0, 1.6)


def test_missing_rir_holds_and_asks_missing_body_weight_is_said(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    athlete(run_cli, "fay", "70", "--technique-controlled")
    squats(run_cli, "fay", ["2025-09-10", "2025-10-01"], "60", None)
    with Session(warehouse_engine) as session, session.begin():
        session.execute(update(Athlete).where(Athlete.name == "fay").values(body_weight_kg=None))
    plan = plan_json(run_cli, "fay")
    assert plan["weight_kg"] == 60.0
    assert {"R9", "R10"} <= rule_ids(plan)
    assert any("RIR" in advice for advice in plan["advice"])
    assert any("body weight" in advice for advice in plan["advice"])


def test_plans_keep_their_history_and_say_what_changed(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    athlete(run_cli, "gus", "70", "--technique-controlled")
    squats(run_cli, "gus", ["2025-09-10", "2025-09-17", "2025-09-24", "2025-10-01"], "60", "3")
    assert plan_json(run_cli, "gus", "2025-W40")["weight_kg"] == 60.0
    first = run_cli("plan", "gus", "--week", W41, "--format", "ics")
    again = run_cli("plan", "gus", "--week", W41, "--format", "ics")
    assert run_cli("race", "add", "gus", "--date", "2025-10-14", "--name", "10k",
                   "--distance-km", "10", "--priority", "B").exit_code == 0  # fmt: skip
    replanned = run_cli("plan", "gus", "--week", W41, "--format", "ics")
    markdown = run_cli("plan", "gus", "--week", W41)

    events = [only_event(r.stdout) for r in (first, again, replanned)]
    assert len({str(event["uid"]) for event in events}) == 1  # re-import updates, never doubles
    assert [int(event["sequence"]) for event in events] == [0, 0, 1]
    assert events[0].decoded("dtstart") == date(2025, 10, 8)
    assert "1 x 6 @ 52.5 kg" in str(events[2]["description"])

    with Session(warehouse_engine) as session:
        versions = session.scalars(
            select(Plan.version).join(Athlete).where(Athlete.name == "gus", Plan.week == W41)
        ).all()
        latest = session.scalar(select(Plan).where(Plan.week == W41, Plan.version == 2))
    assert sorted(versions) == [1, 2]  # the unchanged re-plan wrote nothing
    assert latest is not None
    assert latest.payload["weight_kg"] == 52.5
    assert latest.changes and latest.changes[0].startswith("sets 2 → 1, reps 8 → 6")
    assert "## Changed since last week" in markdown.stdout
    assert "weight 60 kg → 52.5 kg" in markdown.stdout


def test_default_week_is_next_week_on_the_athletes_clock(
    run_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sunday 2026-11-29 22:00 UTC is already Monday 2026-11-30 (W49) in Tokyo and still
    # Sunday (W48) in Los Angeles: "next week" is W50 for one and W49 for the other, as the
    # nightly re-plan (flows.nightly) counts it.
    monkeypatch.setattr(cli_common, "utc_now", lambda: datetime(2026, 11, 29, 22, tzinfo=UTC))
    for name, zone in (("tomo", "Asia/Tokyo"), ("lena", "America/Los_Angeles")):
        added = run_cli("athlete", "add", name, "--body-weight", "60", "--timezone", zone)
        assert added.exit_code == 0, added.stderr
    weeks = {}
    for name in ("tomo", "lena"):
        result = run_cli("plan", name, "--format", "json")
        assert result.exit_code == 0, result.stderr
        weeks[name] = json.loads(result.stdout)["week"]
    assert weeks == {"tomo": "2026-W50", "lena": "2026-W49"}


def test_unknown_athlete_and_bad_week_exit_2(run_cli: Cli, warehouse_engine: Engine) -> None:
    unknown = run_cli("plan", "nobody", "--week", W41)
    assert unknown.exit_code == 2
    assert "nobody" in unknown.stderr
    athlete(run_cli, "ivy", "70")
    for week in ("2025-41", "2025-W54"):
        bad = run_cli("plan", "ivy", "--week", week)
        assert bad.exit_code == 2
        assert "week" in bad.stderr
    with warehouse_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Plan)).scalar_one() == 0


def test_athlete_set_overrides_a_parameter(run_cli: Cli, warehouse_engine: Engine) -> None:
    athlete(run_cli, "jo", "80", "--technique-controlled", "--experience", "experienced")
    squats(run_cli, "jo", ["2025-09-10", "2025-10-01"], "100", "2")
    assert run_cli("race", "add", "jo", "--date", "2025-10-26", "--name", "Marathon",
                   "--distance-km", "42.195", "--priority", "A").exit_code == 0  # fmt: skip
    assert session_of(plan_json(run_cli, "jo"))[2:5] == (2, 6, 90.0)  # worked case 8

    result = run_cli("athlete", "set", "jo", "--param", "a_skip_days=21")
    assert result.exit_code == 0, result.stderr
    assert "a_skip_days=21" in result.stdout
    assert plan_json(run_cli, "jo")["skip"] is True

    with Session(warehouse_engine) as session:
        stored = session.scalar(select(Athlete.rule_overrides).where(Athlete.name == "jo"))
    assert stored == {"a_skip_days": 21}
    # Back to the default: the override goes away.
    assert run_cli("athlete", "set", "jo", "--param", "a_skip_days=14").exit_code == 0
    with Session(warehouse_engine) as session:
        stored = session.scalar(select(Athlete.rule_overrides).where(Athlete.name == "jo"))
    assert stored == {}


def test_athlete_set_refuses_bad_values_and_writes_nothing(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    athlete(run_cli, "kim", "70")
    assert run_cli("athlete", "set", "kim", "--param", "very_big_week_acwr=1.4").exit_code == 0
    cases = [
        (["--param", "a_skip_days=soon"], ["a_skip_days", "soon", "whole number"]),
        (["--param", "cap_ratio=9"], ["cap_ratio", "9", "0.3 to 4"]),
        (["--param", "warp=1"], ["warp", "unknown parameter"]),
        # Against the stored override (1.4), not the default (1.5).
        (["--param", "big_week_acwr=1.45"], ["big_week_acwr", "very_big_week_acwr"]),
    ]
    for args, words in cases:
        result = run_cli("athlete", "set", "kim", *args)
        assert result.exit_code == 2, args
        for word in words:
            assert word in result.stderr
    with Session(warehouse_engine) as session:
        stored = session.scalar(select(Athlete.rule_overrides).where(Athlete.name == "kim"))
    assert stored == {"very_big_week_acwr": 1.4}
    assert run_cli("athlete", "set", "nobody", "--param", "a_skip_days=21").exit_code == 2


def test_race_windows_count_from_the_athletes_gym_day(run_cli: Cli) -> None:
    athlete(run_cli, "lou", "70", "--technique-controlled")
    athlete(run_cli, "max", "70", "--technique-controlled", "--gym-day", "fri")
    for name in ("lou", "max"):
        squats(run_cli, name, ["2025-09-24", "2025-10-01"], "60", "3")
        added = run_cli("race", "add", name, "--date", "2025-10-13", "--name", "10k",
                        "--distance-km", "10", "--priority", "B")  # fmt: skip
        assert added.exit_code == 0, added.stderr
    wednesday, friday = plan_json(run_cli, "lou"), plan_json(run_cli, "max")
    # Monday's B race is 5 days after Wednesday (reduced) but 3 days after Friday (skip).
    assert (wednesday["date"], wednesday["skip"], wednesday["reps"]) == ("2025-10-08", False, 6)
    assert (friday["date"], friday["skip"]) == ("2025-10-10", True)
