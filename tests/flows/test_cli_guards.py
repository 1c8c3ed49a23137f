"""Input guards, as a user meets them through the CLI on SQLite and PostgreSQL: each asserts the
exit code and the message, and that nothing was written where that is the promise."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import flows.file_import
from tests.conftest import Cli
from warehouse.db import make_engine
from warehouse.models import Activity, LiftSet

TODAY = datetime.now(UTC).date()
RUN = "garmin-fit_sports-lib/6860622783.fit"
OTHER_RUN = "garmin-fit_python-fitparse/garmin-fenix-5-run.fit"


@pytest.fixture
def ana(run_cli: Cli) -> Cli:
    added = run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "UTC")
    assert added.exit_code == 0, added.stderr
    return run_cli


def rows(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_empty_or_missing_path_is_bad_input(ana: Cli, tmp_path: Path) -> None:
    (tmp_path / "run.fit").write_bytes(b"")  # an empty path must not import the current folder
    empty = ana("import", "ana", "")
    assert empty.exit_code == 2 and "PATH=''" in empty.stderr and "empty path" in empty.stderr
    missing = ana("import", "ana", str(tmp_path / "nope.fit"))
    assert missing.exit_code == 2 and "nope.fit" in missing.stderr and "existing" in missing.stderr


def test_an_import_where_every_file_failed_exits_1(
    ana: Cli, tmp_path: Path, warehouse_engine: Engine
) -> None:
    for name in ("a.fit", "b.fit"):
        (tmp_path / name).write_bytes(b"not a FIT file at all")
    result = ana("import", "ana", str(tmp_path))
    assert result.exit_code == 1
    assert "2 failed" in result.stdout and "every file failed" in result.stderr
    assert rows(warehouse_engine, Activity) == 0


def test_a_strava_export_without_its_files_says_so_once(
    ana: Cli, shared_data: Path, tmp_path: Path
) -> None:
    from tests.connectors.files.test_inputs import strava_export, zip_bytes

    members = {k: v for k, v in strava_export(shared_data).items() if not k.startswith("act")}
    members["activities.csv"] = strava_export(shared_data)["activities.csv"]
    archive = tmp_path / "export.zip"
    archive.write_bytes(zip_bytes(members))
    result = ana("import", "ana", str(archive))
    assert result.exit_code == 0, result.stderr
    # Six rows name a file the export lacks: one line with the count, not six.
    assert "6 Strava row(s) name a file the export does not hold" in result.stdout
    assert result.stdout.count("is not a FIT/GPX/TCX file") == 0


def test_a_lift_csv_reports_every_bad_line_and_suggests_the_exercise(
    ana: Cli, tmp_path: Path, warehouse_engine: Engine
) -> None:
    lines = ["date,exercise,set,reps,weight_kg"]
    lines += [f"{TODAY},back squat,{i},0,60" for i in range(1, 20)]  # 19 bad reps
    lines += [f"{TODAY},bak squat,1,5,60", f"{TODAY},deadlift,1,5,60", "1969-12-31,squat,1,5,6"]
    lines += [f"{TODAY},squat,{i},5,900" for i in range(2, 5)]  # 3 too heavy
    path = tmp_path / "lifts.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ana("lift", "import", "ana", str(path))
    assert result.exit_code == 2
    assert "24 bad line(s) in the CSV; nothing was imported" in result.stderr
    assert "line 2: reps='0'" in result.stderr and "and 4 more" in result.stderr
    assert "line 21: exercise='bak squat'" in result.stderr
    assert "did you mean 'back squat'" in result.stderr
    assert rows(warehouse_engine, LiftSet) == 0
    # Fewer than the limit: every one shown, no "more".
    path.write_text("date,exercise,set,reps,weight_kg\n"
                    f"{TODAY},squats,1,5,60\n1969-12-31,squat,2,5,60\n")  # fmt: skip
    two = ana("lift", "import", "ana", str(path))
    assert two.exit_code == 2 and "2 bad line(s)" in two.stderr and "more" not in two.stderr
    assert "did you mean 'back squat'" in two.stderr and "1970-01-01" in two.stderr


def test_length_limits_and_dates_are_checked_before_the_database(ana: Cli) -> None:
    add = ["lift", "add", "ana", "--sets", "1", "--reps", "5", "--weight", "60"]
    long = ana(*add, "--date", str(TODAY), "--exercise", "x" * 81)
    assert long.exit_code == 2 and "at most 80 characters" in long.stderr
    old = ana(*add, "--date", "1969-12-31", "--exercise", "squat")
    assert old.exit_code == 2 and "date='1969-12-31'" in old.stderr and "1970-01-01" in old.stderr
    long_coach = ana("athlete", "add", "bo", "--body-weight", "60", "--timezone", "UTC",
                     "--coach", "c" * 121)  # fmt: skip
    assert long_coach.exit_code == 2 and "coach=" in long_coach.stderr
    assert "at most 120 characters" in long_coach.stderr


def test_ctrl_c_during_an_import_keeps_what_was_stored_and_a_rerun_resumes(
    ana: Cli, shared_data: Path, monkeypatch: pytest.MonkeyPatch, warehouse_engine: Engine
) -> None:
    real = flows.file_import._import_one
    calls = {"n": 0}

    def interrupted_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(flows.file_import, "_import_one", interrupted_on_the_second)
    paths = [str(shared_data / RUN), str(shared_data / OTHER_RUN)]
    result = ana("import", "ana", *paths)
    assert result.exit_code == 130
    assert "interrupted after 1 of 2 file(s): the 1 imported (1 activities) are kept" in (
        result.stderr
    )
    assert "run the same import again to resume" in result.stderr
    assert rows(warehouse_engine, Activity) == 1
    monkeypatch.setattr(flows.file_import, "_import_one", real)
    again = ana("import", "ana", *paths)
    assert again.exit_code == 0 and "1 duplicate(s) skipped" in again.stdout
    assert rows(warehouse_engine, Activity) == 2


def test_ctrl_c_anywhere_else_ends_with_one_line(ana: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.cli.lifts

    def interrupt(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(flows.cli.lifts, "list_lift_sets", interrupt)
    result = ana("lift", "list", "ana")
    assert result.exit_code == 130
    assert result.stderr.count("\n") == 1 and "run the same command again" in result.stderr


def test_a_second_sqlite_writer_waits_instead_of_failing(
    ana: Cli, warehouse_url: str, tmp_path: Path
) -> None:
    if not warehouse_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has row locks; the busy wait is SQLite's")
    other = make_engine(warehouse_url)
    holding = threading.Event()

    def hold_the_write_lock() -> None:
        with other.begin() as connection:
            connection.exec_driver_sql("UPDATE athletes SET sessions_per_week = 4")
            holding.set()
            threading.Event().wait(1.0)  # another writer in the middle of its transaction

    writer = threading.Thread(target=hold_the_write_lock)
    writer.start()
    assert holding.wait(10)
    day = str(TODAY - timedelta(days=1))
    result = ana("lift", "add", "ana", "--date", day, "--exercise", "squat", "--sets", "1",
                 "--reps", "5", "--weight", "60")  # fmt: skip
    writer.join()
    other.dispose()
    assert result.exit_code == 0, result.stderr


def test_read_commands_work_on_a_read_only_warehouse(
    ana: Cli, warehouse_url: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ana("import", "ana", str(shared_data / RUN)).exit_code == 0
    assert ana("lift", "add", "ana", "--date", str(TODAY), "--exercise", "squat", "--sets", "2",
               "--reps", "5", "--weight", "60", "--rir", "2").exit_code == 0  # fmt: skip
    # A pending refresh (the lift above marked the athlete dirty) must not be attempted.
    if warehouse_url.startswith("sqlite"):
        path = warehouse_url.removeprefix("sqlite:///")
        read_only = Cli(
            {**ana.env, "IRONMILES_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
        )
    else:
        # A standby or a read-only role: every transaction is read-only.
        read_only = Cli({**ana.env, "PGOPTIONS": "-c default_transaction_read_only=on"})
    for args in (["athlete", "list"], ["lift", "list", "ana"], ["activity", "list", "ana"],
                 ["race", "list", "ana"], ["weekly", "ana", "--weeks", "2"]):  # fmt: skip
        result = read_only(*args, "--format", "json")
        assert result.exit_code == 0, (args, result.stderr)
        json.loads(result.stdout)
    plan = read_only("plan", "ana", "--format", "json")
    assert plan.exit_code == 0, plan.stderr
    assert json.loads(plan.stdout)["sets"] and "read-only" in plan.stderr
    write = read_only("lift", "add", "ana", "--date", str(TODAY), "--exercise", "squat",
                      "--sets", "1", "--reps", "5", "--weight", "60")  # fmt: skip
    assert write.exit_code == 1 and "read-only" in write.stderr.replace("readonly", "read-only")
