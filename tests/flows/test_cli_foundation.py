"""Every foundation CLI path, as a user types it, on SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import Cli
from warehouse.models import Athlete, ImportLog, LiftSet, Race

ANA = ["athlete", "add", "ana", "--body-weight", "70", "--timezone", "Europe/Madrid"]


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def test_init_is_idempotent(run_cli: Cli) -> None:
    first, second = run_cli("init"), run_cli("init")
    assert first.exit_code == second.exit_code == 0
    assert "schema revision" in second.stdout


def test_athletes_are_added_and_listed(run_cli: Cli) -> None:
    assert run_cli(*ANA, "--coach", "Marta", "--technique-controlled").exit_code == 0
    added = run_cli("athlete", "add", "ben", "--body-weight", "82.5", "--timezone",
                    "America/New_York", "--experience", "experienced", "--sessions-per-week", "6",
                    "--single-leg", "--gym-day", "fri")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    listed = run_cli("athlete", "list", "--format", "json")
    assert listed.exit_code == 0
    athletes = {a["name"]: a for a in json.loads(listed.stdout)}
    assert athletes["ana"]["coach"] == "Marta"
    assert athletes["ana"]["technique_controlled"] is True
    assert athletes["ana"]["gym_day"] == "wed"
    assert athletes["ben"] | {"id": 0} == {
        "id": 0, "name": "ben", "body_weight_kg": 82.5, "timezone": "America/New_York",
        "experience": "experienced", "sessions_per_week": 6, "technique_controlled": False,
        "single_leg": True, "coach": None, "gym_day": "fri",
    }  # fmt: skip
    table = run_cli("athlete", "list")
    assert "ana" in table.stdout and "Europe/Madrid" in table.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--timezone", "Mars/Olympus"], ["timezone", "Mars/Olympus", "IANA"]),
        (["--body-weight", "7"], ["body_weight", "7", "kg"]),
        (["--sessions-per-week", "40"], ["sessions_per_week", "40", "0 to 21"]),
    ],
)
def test_bad_athlete_input_exits_2_and_writes_nothing(
    run_cli: Cli, warehouse_engine: Engine, args: list[str], names: list[str]
) -> None:
    base = dict(zip(ANA[3::2], ANA[4::2], strict=True))
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = run_cli("athlete", "add", "ana", *[x for kv in base.items() for x in kv])
    assert result.exit_code == 2
    for name in names:
        assert name in result.stderr
    assert count(warehouse_engine, Athlete) == 0


def test_a_second_athlete_of_the_same_name_is_refused(run_cli: Cli) -> None:
    assert run_cli(*ANA).exit_code == 0
    again = run_cli(*ANA)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_races_are_recorded_and_validated(run_cli: Cli, warehouse_engine: Engine) -> None:
    run_cli(*ANA)
    race = ["race", "add", "ana", "--date", "2027-04-18", "--name", "Valencia", "--distance-km",
            "42.195", "--priority", "A"]  # fmt: skip
    assert run_cli(*race).exit_code == 0
    assert run_cli(*race[:-1], "B").exit_code == 0  # the same race again updates it
    with warehouse_engine.connect() as connection:
        assert connection.execute(select(Race.priority)).scalars().all() == ["B"]
    bad = run_cli(*race[:-1], "Z")
    assert bad.exit_code == 2 and "priority" in bad.stderr and "'Z'" in bad.stderr
    unknown = run_cli("race", "add", "nobody", *race[3:])
    assert unknown.exit_code == 2 and "athlete='nobody'" in unknown.stderr


def test_lift_add_numbers_sets_and_lists_them(run_cli: Cli) -> None:
    run_cli(*ANA)
    add = ["lift", "add", "ana", "--date", "2026-01-07", "--exercise", "Back Squat",
           "--sets", "2", "--reps", "8", "--weight", "60", "--rir", "2"]  # fmt: skip
    assert run_cli(*add).exit_code == 0
    third = ["lift", "add", "ana", "--date", "2026-01-07", "--exercise", "squat", "--sets", "1",
             "--reps", "8", "--weight", "60", "--rpe", "8"]  # fmt: skip
    assert run_cli(*third).exit_code == 0  # a third set later that day is numbered 3
    listed = json.loads(run_cli("lift", "list", "ana", "--format", "json").stdout)
    ids = [row.pop("id") for row in listed]
    assert len(set(ids)) == 3 and all(isinstance(i, int) for i in ids)
    # Each row carries its id; a set no other source sent is its own canonical copy.
    assert [row.pop("canonical_id") for row in listed] == ids
    # Manual entry that passed the checks is a person's word: confirmed, not a guess.
    assert listed == [
        {"date": "2026-01-07", "exercise": "back_squat", "set": i, "reps": 8, "weight_kg": 60.0,
         "rir": rir, "rpe": rpe, "warmup": False, "source": "manual", "confirmed": True,
         "exercise_guessed": False}
        for i, rir, rpe in [(1, 2, None), (2, 2, None), (3, None, 8.0)]
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value"),
    [("--reps", "0"), ("--sets", "21"), ("--weight", "501"), ("--rir", "11"), ("--rpe", "12"),
     ("--date", "2026-13-01"), ("--exercise", "???")],
)  # fmt: skip
def test_bad_lift_add_exits_2_and_writes_nothing(
    run_cli: Cli, warehouse_engine: Engine, option: str, value: str
) -> None:
    run_cli(*ANA)
    values = {"--date": "2026-01-07", "--exercise": "squat", "--sets": "2", "--reps": "8",
              "--weight": "60", option: value}  # fmt: skip
    result = run_cli("lift", "add", "ana", *[x for kv in values.items() for x in kv])
    assert result.exit_code == 2
    assert repr(value) in result.stderr
    assert count(warehouse_engine, LiftSet) == 0


def test_a_lift_too_far_in_the_future_is_refused(run_cli: Cli) -> None:
    run_cli(*ANA)
    later = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    result = run_cli("lift", "add", "ana", "--date", later, "--exercise", "squat", "--sets", "1",
                     "--reps", "8", "--weight", "60")  # fmt: skip
    assert result.exit_code == 2 and "ahead" in result.stderr


def write(tmp_path: Path, text: str, name: str = "lifts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_lift_import_is_all_or_nothing_and_idempotent(
    run_cli: Cli, warehouse_engine: Engine, tmp_path: Path
) -> None:
    run_cli(*ANA)
    good = write(tmp_path, "date,exercise,set,reps,weight_kg,rir,rpe,notes\n"
                 "2026-01-07,Back Squat,1,8,60,2,,\n2026-01-07,Back Squat,2,8,60,2,,\n"
                 "2026-01-05,deadlift,1,5,100,3,8,\n")  # fmt: skip
    first = run_cli("lift", "import", "ana", str(good))
    assert first.exit_code == 0 and "imported 3 new" in first.stdout
    second = run_cli("lift", "import", "ana", str(good))
    assert second.exit_code == 0 and "imported 0 new" in second.stdout
    assert count(warehouse_engine, LiftSet) == 3
    with warehouse_engine.connect() as connection:
        statuses = connection.execute(select(ImportLog.status).order_by(ImportLog.id)).scalars()
        assert list(statuses) == ["imported", "duplicate"]

    bad = write(tmp_path, "date,exercise,set,reps,weight_kg\n2026-01-08,squat,1,8,60\n"
                "2026-01-08,squat,2,800,60\n", "bad.csv")  # fmt: skip
    result = run_cli("lift", "import", "ana", str(bad))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "reps='800'" in result.stderr
    assert count(warehouse_engine, LiftSet) == 3  # line 2 was valid, yet nothing was written

    header_only = write(tmp_path, "date,exercise,set,reps,weight_kg\n", "header-only.csv")
    empty = run_cli("lift", "import", "ana", str(header_only))
    assert empty.exit_code == 2
    # The message names the file the user gave, not a placeholder.
    assert f"file={str(header_only)!r}" in empty.stderr.replace("\n", "")
    assert count(warehouse_engine, LiftSet) == 3


def test_lift_import_in_pounds_and_date_filters(run_cli: Cli, tmp_path: Path) -> None:
    run_cli(*ANA)
    path = write(tmp_path, "date,exercise,set,reps,weight_kg\n2026-01-01,squat,1,5,225\n"
                 "2026-01-08,squat,1,5,135\n")  # fmt: skip
    assert run_cli("lift", "import", "ana", str(path), "--unit", "lb").exit_code == 0
    listed = run_cli("lift", "list", "ana", "--from", "2026-01-02", "--to", "2026-01-31",
                     "--format", "json")  # fmt: skip
    rows = json.loads(listed.stdout)
    assert [(r["date"], r["weight_kg"]) for r in rows] == [("2026-01-08", 61.23)]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["lift", "import", "ana", "missing.csv"], "existing CSV"),
        (["lift", "import", "nobody", "lifts.csv"], "athlete='nobody'"),
        (["lift", "list", "ana", "--from", "yesterday"], "--from='yesterday'"),
        (["lift", "import", "ana", "lifts.csv", "--unit", "stone"], "unit='stone'"),
    ],
)
def test_lift_command_errors_exit_2(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    run_cli(*ANA)
    write(tmp_path, "date,exercise,set,reps,weight_kg\n2026-01-01,squat,1,5,100\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args)
    assert result.exit_code == 2
    assert needle in result.stderr


def test_a_non_utf8_csv_is_refused(run_cli: Cli, tmp_path: Path) -> None:
    run_cli(*ANA)
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,exercise,set,reps,weight_kg\n2026-01-01,sentadilla b\xfalgara,1,5,1\n"
                     .encode("latin-1"))  # fmt: skip
    result = run_cli("lift", "import", "ana", str(path))
    assert result.exit_code == 2 and "UTF-8" in result.stderr


def _cli_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> Cli:
    for name in list(os.environ):
        if name.startswith("IRONMILES_") and name != "IRONMILES_SHARED_DIR":
            monkeypatch.delenv(name)
    return Cli(env)


def test_an_unreachable_database_fails_with_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Port 1 on localhost refuses connections; the password must not reach the message.
    url = "postgresql+psycopg://coach:hunter2@127.0.0.1:1/ironmiles"
    cli = _cli_with(monkeypatch, IRONMILES_HOME=str(tmp_path), IRONMILES_DATABASE_URL=url)
    result = cli("athlete", "list", "--format", "json")
    assert result.exit_code == 1
    assert "127.0.0.1:1/ironmiles" in result.stderr and "hunter2" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("url", ["not a url", "mysql://coach@db/ironmiles"])
def test_an_unusable_database_url_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    cli = _cli_with(monkeypatch, IRONMILES_HOME=str(tmp_path), IRONMILES_DATABASE_URL=url)
    result = cli("init")
    assert result.exit_code == 2
    assert "IRONMILES_DATABASE_URL" in result.stderr and url in result.stderr


def test_a_home_that_cannot_be_created_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cli = _cli_with(monkeypatch, IRONMILES_HOME=str(blocker / "home"))
    result = cli("init")
    assert result.exit_code == 2
    assert "IRONMILES_HOME" in result.stderr and str(blocker / "home") in result.stderr


def test_weekly_and_plan_on_an_unusable_warehouse_say_so_without_a_traceback(
    run_cli: Cli, tmp_path: Path
) -> None:
    # (run_cli clears the IRONMILES_ variables of the test run.) A data directory that is a
    # file is a configuration mistake (exit 2); a PostgreSQL server that is not there is a
    # failure (exit 1). Either way one line naming the problem, and no secret.
    home_file = tmp_path / "home-is-a-file"
    home_file.write_text("", encoding="utf-8")
    unreachable = "postgresql+psycopg://nobody:secret@127.0.0.1:9/ironmiles?connect_timeout=2"
    cases = [
        ({"IRONMILES_HOME": str(home_file)}, 2),
        ({"IRONMILES_HOME": str(tmp_path), "IRONMILES_DATABASE_URL": unreachable}, 1),
    ]
    for env, code in cases:
        for args in (("weekly", "ana", "--format", "json"), ("plan", "ana")):
            result = Cli({"COLUMNS": "200", **env})(*args)
            assert result.exit_code == code, (env, args, result.stderr)
            assert result.stdout == ""
            assert "Traceback" not in result.stderr
            assert "secret" not in result.stderr
