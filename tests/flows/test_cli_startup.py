"""The CLI answers at once: what a start-up imports, and what a warehouse that is not at this
code's schema is told. Timings are benchmarks/cli_latency.py's business, not these tests'."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from flows.cli import COMMANDS
from tests.conftest import REPO, Cli
from warehouse.db import make_engine
from warehouse.migrate import upgrade
from warehouse.revision import head_revision

# Loaded only by the commands that use them (weekly, plan, sync, connect, import, demo).
HEAVY = (
    "polars",
    "pyarrow",
    "adbc_driver_manager",
    "adbc_driver_postgresql",
    "stravalib",
    "garminconnect",
    "prefect",
    "fastapi",
    "altair",
    "alembic",
    "icalendar",
    "garmin_fit_sdk",
    "gpxpy",
    "cryptography",
    "pydantic_settings",
    # On a SQLite warehouse: PostgreSQL's dialect imports every one of its drivers' modules.
    "sqlalchemy.dialects.postgresql",
)
# Runs the CLI as `ironmiles` does, then reports which of HEAVY were imported.
PROBE = f"""
import json, sys
from flows.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def imported_after(args: list[str], home: Path) -> tuple[list[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRONMILES_")}
    env |= {"IRONMILES_HOME": str(home), "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=True,
    )
    *output, modules = done.stdout.strip().splitlines()
    return json.loads(modules), "\n".join(output)


@pytest.fixture
def migrated_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    engine = make_engine(f"sqlite:///{home / 'ironmiles.db'}")
    upgrade(engine)
    engine.dispose()
    return home


def test_help_imports_no_heavy_library(tmp_path: Path) -> None:
    imported, output = imported_after(["--help"], tmp_path)
    assert "athlete" in output and "weekly" in output  # it did print the help
    assert imported == []


def test_athlete_list_imports_no_heavy_library(migrated_home: Path) -> None:
    imported, output = imported_after(["athlete", "list", "--format", "json"], migrated_home)
    assert json.loads(output) == []  # it did read the warehouse
    assert imported == []


def test_a_plan_on_current_load_imports_no_heavy_library(migrated_home: Path) -> None:
    # The plan after a new lift refreshes the weekly load (polars); the next one finds it
    # current, and nobody opted in to the Garmin push: neither polars nor garminconnect.
    add = ["athlete", "add", "ana", "--body-weight", "62", "--timezone", "UTC"]
    assert imported_after(add, migrated_home)[0] == []
    lift = ["lift", "add", "ana", "--date", "2025-10-01", "--exercise", "back_squat"]
    imported_after([*lift, "--sets", "3", "--reps", "5", "--weight", "60"], migrated_home)
    first, _ = imported_after(["plan", "ana", "--format", "json"], migrated_home)
    assert "polars" in first
    imported, output = imported_after(["plan", "ana", "--format", "json"], migrated_home)
    assert json.loads(output)["athlete"] == "ana"  # it did make the plan
    assert imported == []


def test_the_probe_would_see_a_heavy_import(migrated_home: Path) -> None:
    # The same probe after `weekly` (which needs polars): the check above can fail.
    imported, _ = imported_after(["weekly", "nobody"], migrated_home)
    assert "polars" in imported


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_listed_summary_is_the_commands_own(name: str) -> None:
    command = COMMANDS[name].load()
    own = (command.help or "").split("\n\n")[0]
    assert " ".join(own.split()) == COMMANDS[name].help


def test_other_commands_on_an_empty_warehouse_ask_for_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("IRONMILES_") and name != "IRONMILES_SHARED_DIR":
            monkeypatch.delenv(name)
    empty = Cli({"IRONMILES_HOME": str(tmp_path / "fresh"), "COLUMNS": "200"})
    for args in (["athlete", "list"], ["weekly", "ana"], ["plan", "ana"], ["lift", "list", "ana"]):
        result = empty(*args)
        assert result.exit_code == 1, (args, result.stderr)
        assert "no ironmiles schema yet" in result.stderr
        assert f"needs revision {head_revision()}" in result.stderr
        assert "run `ironmiles init`" in result.stderr
    assert empty("init").exit_code == 0
    assert empty("athlete", "list", "--format", "json").stdout.strip() == "[]"


def test_a_warehouse_at_another_revision_is_not_migrated_behind_the_users_back(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    set_revision = text("UPDATE alembic_version SET version_num = :revision")
    with warehouse_engine.begin() as connection:
        connection.execute(set_revision, {"revision": "0000_older"})
    try:
        result = run_cli("athlete", "list")
        assert result.exit_code == 1
        assert "at revision 0000_older" in result.stderr
        with warehouse_engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert stored == "0000_older"  # nothing was migrated or written
    finally:  # the PostgreSQL warehouse is shared by the session's tests
        with warehouse_engine.begin() as connection:
            connection.execute(set_revision, {"revision": head_revision()})
