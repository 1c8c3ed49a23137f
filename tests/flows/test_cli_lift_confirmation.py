"""Issue 10, as a user meets it, on SQLite and PostgreSQL: implausible loads are refused at
entry, sets from a file that are implausible or the watch's guess wait for `lift confirm`,
the plan says what it left out, never passes the cap, and says when it is provisional."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from connectors.records import Activity
from connectors.records import LiftSet as RecordSet
from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes
from flows.cli import common as cli_common
from flows.nightly import follow_up
from tests.conftest import Cli
from warehouse.models import Athlete, LiftSet, Plan
from warehouse.sync_state import store_page

W41 = "2025-W41"  # planned session: Wednesday 2025-10-08
SQUAT_DAY = datetime(2025, 10, 1, 16, 0, tzinfo=UTC)  # Wednesday of W40, 18:00 in Madrid


def add_athlete(run_cli: Cli, name: str, weight: str, *flags: str) -> None:
    added = run_cli("athlete", "add", name, "--body-weight", weight, "--timezone",
                    "Europe/Madrid", "--technique-controlled", *flags)  # fmt: skip
    assert added.exit_code == 0, added.stderr


def lifts(run_cli: Cli, name: str) -> list[dict[str, Any]]:
    listed = run_cli("lift", "list", name, "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def plan(run_cli: Cli, name: str, week: str = W41) -> dict[str, Any]:
    result = run_cli("plan", name, "--week", week, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def strength_fit(tmp_path: Path, *sets: tuple[int, float]) -> Path:
    """A watch's strength session on SQUAT_DAY whose sets the watch itself named `squat`."""
    specs = [
        SetSpec(
            start=SQUAT_DAY + timedelta(seconds=60 + 120 * i),
            duration_s=40,
            repetitions=reps,
            weight_kg=weight,
            category=["squat", "lunge", "deadlift"],
            category_subtype=[None, None, None],
        )
        for i, (reps, weight) in enumerate(sets)
    ]
    spec = FitSpec(
        sessions=[
            SessionSpec(
                start=SQUAT_DAY,
                timer_s=900,
                sport="training",
                sub_sport="strength_training",
                distance_m=None,
            )
        ],
        sets=specs,
        local_offset=timedelta(hours=2),
    )
    path = tmp_path / "strength.fit"
    path.write_bytes(fit_bytes(spec))
    return path


def test_1100_lb_for_a_61_5_kg_athlete_is_refused_at_entry(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    add_athlete(run_cli, "lia", "61.5")
    refused = run_cli("lift", "add", "lia", "--date", "2025-10-01", "--exercise", "back squat",
                      "--sets", "2", "--reps", "8", "--weight", "1100", "--unit", "lb")  # fmt: skip
    assert refused.exit_code == 2
    message = " ".join(refused.stderr.split())
    assert "weight='1100'" in message
    assert "498.95 kg" in message and "above 300 kg" in message
    assert "--unit lb" in message and "plausible_squat_max_kg" in message
    # Relative to body weight too: 160 kg is 2.6 x 61.5 kg.
    heavy = run_cli("lift", "add", "lia", "--date", "2025-10-01", "--exercise", "squat",
                    "--sets", "1", "--reps", "5", "--weight", "160")  # fmt: skip
    assert heavy.exit_code == 2
    assert "2.5 x 61.5 kg body weight = 153.75 kg" in " ".join(heavy.stderr.split())
    with warehouse_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LiftSet)).scalar_one() == 0
    # The same load in kg the athlete meant is fine.
    fine = run_cli("lift", "add", "lia", "--date", "2025-10-01", "--exercise", "back squat",
                   "--sets", "2", "--reps", "8", "--weight", "50", "--rir", "3")  # fmt: skip
    assert fine.exit_code == 0, fine.stderr


def test_a_lift_csv_with_an_implausible_row_is_refused_whole(
    run_cli: Cli, tmp_path: Path, warehouse_engine: Engine
) -> None:
    add_athlete(run_cli, "max", "72")
    csv = tmp_path / "lifts.csv"
    csv.write_text(
        "date,exercise,set,reps,weight_kg\n"
        "2025-10-01,back squat,1,8,60\n"
        "2025-10-01,back squat,2,8,610\n"  # past the 500 kg any set may weigh: the parser
        "2025-10-01,deadlift,1,5,100\n"
    )
    assert run_cli("lift", "import", "max", str(csv)).exit_code == 2
    csv.write_text(
        "date,exercise,set,reps,weight_kg\n"
        "2025-10-01,back squat,1,8,60\n"
        "2025-10-01,back squat,2,8,310\n"  # a squat above 300 kg: plausibility
        "2025-10-01,deadlift,1,5,100\n"
    )
    refused = run_cli("lift", "import", "max", str(csv))
    assert refused.exit_code == 2
    message = " ".join(refused.stderr.split())
    assert "weight_kg='310'" in message and "above 300 kg" in message and "set 2" in message
    with warehouse_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LiftSet)).scalar_one() == 0


def test_a_watch_guessed_squat_from_a_fit_file_waits_for_confirmation(
    run_cli: Cli, tmp_path: Path
) -> None:
    """Issue 10: a watch-guessed "squat" of 131 kg x 8 for a 72 kg athlete. Before, the re-entry
    session was 117.5 kg; now the guess is left out until confirmed, and once confirmed the
    plan is cut to the cap (1.5 x 72 = 108 kg -> 107.5 kg)."""
    add_athlete(run_cli, "ola", "72")
    imported = run_cli("import", "ola", str(strength_fit(tmp_path, (8, 131.0))))
    assert imported.exit_code == 0, imported.stderr
    [row] = lifts(run_cli, "ola")
    assert (row["source"], row["reps"], row["weight_kg"]) == ("fit", 8, 131.0)
    assert (row["confirmed"], row["exercise_guessed"]) == (False, True)
    table = run_cli("lift", "list", "ola").stdout
    assert "unconfirmed" in table and "watch's guess" in table and str(row["id"]) in table

    before = plan(run_cli, "ola")
    assert before["weight_kg"] == 20.0  # nothing that counts: the empty bar
    r16 = next(rule for rule in before["rules"] if rule["id"] == "R16")
    assert "131 kg" in r16["reason"] and "watch's guess" in r16["reason"]
    assert any(f"ironmiles lift confirm {row['id']}" in advice for advice in before["advice"])

    confirmed = run_cli("lift", "confirm", str(row["id"]))
    assert confirmed.exit_code == 0, confirmed.stderr
    assert lifts(run_cli, "ola")[0]["confirmed"] is True
    after = plan(run_cli, "ola")
    assert after["weight_kg"] == 107.5  # no RIR logged: hold at 131 kg, cut to the cap
    assert after["warmup"]["weight_kg"] == 52.5
    r10 = next(rule for rule in after["rules"] if rule["id"] == "R10")
    assert "cap of 108 kg" in r10["reason"] and "cut to 107.5 kg" in r10["reason"]
    assert "R16" not in {rule["id"] for rule in after["rules"]}


def test_trusting_the_watch_lets_a_plausible_guess_count(run_cli: Cli, tmp_path: Path) -> None:
    add_athlete(run_cli, "pia", "72")
    assert run_cli("import", "pia", str(strength_fit(tmp_path, (8, 60.0)))).exit_code == 0
    assert plan(run_cli, "pia")["weight_kg"] == 20.0
    trusted = run_cli("athlete", "set", "pia", "--param", "trust_watch_exercise=true")
    assert trusted.exit_code == 0, trusted.stderr
    assert plan(run_cli, "pia")["weight_kg"] == 60.0  # no RIR: hold at what the watch saw


def test_an_implausible_set_from_a_file_is_kept_but_out_of_the_plan(
    run_cli: Cli, tmp_path: Path
) -> None:
    add_athlete(run_cli, "rui", "72")
    assert run_cli("athlete", "set", "rui", "--param", "trust_watch_exercise=true").exit_code == 0
    squats = ["lift", "add", "rui", "--date", "2025-09-24", "--exercise", "back squat",
              "--sets", "2", "--reps", "8", "--weight", "60", "--rir", "2"]  # fmt: skip
    assert run_cli(*squats).exit_code == 0
    path = strength_fit(tmp_path, (8, 60.0), (8, 350.0))  # a second "set" of 350 kg
    assert run_cli("import", "rui", str(path)).exit_code == 0
    rows = lifts(run_cli, "rui")
    assert [r["weight_kg"] for r in rows] == [60.0, 60.0, 60.0, 350.0]  # stored, nothing lost
    document = plan(run_cli, "rui")
    # The 60 kg watch set counts (trusted); the 350 kg one does not, and the plan says so.
    assert document["weight_kg"] == 60.0
    r16 = next(rule for rule in document["rules"] if rule["id"] == "R16")
    assert "350 kg" in r16["reason"] and "implausible" in r16["reason"]


def test_lift_confirm_of_an_unknown_id_is_bad_input(run_cli: Cli) -> None:
    add_athlete(run_cli, "sam", "70")
    unknown = run_cli("lift", "confirm", "999999")
    assert unknown.exit_code == 2
    assert "ID=999999" in unknown.stderr and "lift list" in unknown.stderr


def test_a_plan_made_before_last_week_ended_is_provisional_and_replaced_nightly(
    run_cli: Cli, warehouse_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_athlete(run_cli, "tea", "70")
    squats = ["lift", "add", "tea", "--date", "2025-09-24", "--exercise", "back squat",
              "--sets", "2", "--reps", "8", "--weight", "60", "--rir", "3"]  # fmt: skip
    assert run_cli(*squats).exit_code == 0
    # Friday 2025-10-03 of W40: W41's plan is made while W40 still runs.
    friday = datetime(2025, 10, 3, 10, tzinfo=UTC)
    monkeypatch.setattr(cli_common, "utc_now", lambda: friday)
    early = plan(run_cli, "tea")
    assert early["provisional"] is True
    assert "Provisional" in run_cli("plan", "tea", "--week", W41).stdout
    # Monday 2025-10-06 08:00 in Madrid: W40 has ended; the nightly re-plan makes W41 again.
    monday = datetime(2025, 10, 6, 6, tzinfo=UTC)
    follow_up(warehouse_engine, now=monday)
    with warehouse_engine.connect() as connection:
        versions = connection.execute(
            select(Plan.version, Plan.payload).where(Plan.week == W41).order_by(Plan.version)
        ).all()
    assert [payload["provisional"] for _, payload in versions] == [True, False]
    monkeypatch.setattr(cli_common, "utc_now", lambda: monday)
    final = plan(run_cli, "tea")
    assert final["provisional"] is False
    assert "Provisional" not in run_cli("plan", "tea", "--week", W41).stdout


@pytest.mark.parametrize(("api_exercise", "expected_kg"), [("lunge", 20.0), ("back_squat", 62.5)])
def test_the_garmin_apis_names_win_over_the_watchs_guess_for_the_same_session(
    run_cli: Cli, tmp_path: Path, warehouse_engine: Engine, api_exercise: str, expected_kg: float
) -> None:
    """The FIT file says "squat" (the watch's guess, trusted here); the Garmin API, where the
    athlete corrected the same session, says `api_exercise`: the API's names win."""
    add_athlete(run_cli, "uma", "72")
    assert run_cli("athlete", "set", "uma", "--param", "trust_watch_exercise=true").exit_code == 0
    assert run_cli("import", "uma", str(strength_fit(tmp_path, (8, 60.0)))).exit_code == 0
    with Session(warehouse_engine) as session, session.begin():
        athlete_id = session.scalars(select(Athlete.id).where(Athlete.name == "uma")).one()
        api_session = Activity(
            source="garmin", source_id="21000000001", start_utc=SQUAT_DAY, local_start=None,
            sport="strength", elapsed_s=900, moving_s=900,
        )  # fmt: skip
        store_page(
            session, athlete_id=athlete_id, timezone="Europe/Madrid", source="garmin",
            activities=[api_session],
            lift_sets=[
                RecordSet(source="garmin", source_id="21000000001:1", performed_on=SQUAT_DAY.date(),
                          exercise=api_exercise, set_index=1, reps=8, weight_kg=62.5, rir=3,
                          session_source_id="21000000001")
            ],
        )  # fmt: skip
    rows = lifts(run_cli, "uma")
    assert {(r["source"], r["exercise_guessed"]) for r in rows} == {
        ("fit", True),
        ("garmin", False),
    }
    assert plan(run_cli, "uma")["weight_kg"] == expected_kg
