"""Shared fixtures: the real data folder, throw-away warehouses on SQLite and PostgreSQL, and the
CLI run in-process against them."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from warehouse.db import make_engine
from warehouse.migrate import upgrade
from warehouse.models import Base

# The local Garmin and Strava servers (real API shapes) for the connector and sync tests.
pytest_plugins = ["tests.sync_fixtures"]

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IRONMILES_SHARED_DIR", REPO.parent / "shared")).resolve()
SHARED_DATA = SHARED / "data"
PG_ADMIN = os.environ.get("IRONMILES_TEST_PG", "host=127.0.0.1 port=5432 user=postgres")
PG_URL_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real recorded files, read in place from ../shared/data (never copied here)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real test data not found at {SHARED_DATA}; set IRONMILES_SHARED_DIR")
    return SHARED_DATA


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(f"{PG_ADMIN} dbname=postgres", connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


@dataclass
class PgDatabases:
    """Throw-away PostgreSQL databases of this test session, dropped at its end."""

    created: list[str]

    def create(self) -> str:
        name = f"ironmiles_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG_ADMIN} dbname=postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return f"{PG_URL_BASE}/{name}"


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    problem = _postgres_available()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must run the PostgreSQL tier, but the server is unreachable: {problem}"
            )
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({problem}); the PostgreSQL tier needs one")
    databases = PgDatabases(created=[])
    yield databases
    with psycopg.connect(f"{PG_ADMIN} dbname=postgres", autocommit=True) as connection:
        for name in databases.created:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_warehouse(pg_databases: PgDatabases) -> Iterator[Engine]:
    """One migrated PostgreSQL warehouse for the session; tables are emptied after each test."""
    engine = make_engine(pg_databases.create())
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    """Every table of the warehouse emptied and every sequence back at 1, as after a migration.

    Only the tables a test wrote to are touched, with DELETE: TRUNCATE makes new files for each
    table and index and waits for every lock (a third of a second per test, seconds when a test
    left a connection open), DELETE of a few rows takes milliseconds."""
    tables = Base.metadata.sorted_tables
    probe = " UNION ALL ".join(
        f'SELECT {i} WHERE EXISTS (SELECT FROM "{t.name}")' for i, t in enumerate(tables)
    )
    with engine.begin() as connection:
        written = {row[0] for row in connection.execute(text(probe))}
        # Children before parents, so no foreign key stops a delete.
        for i, table in reversed(list(enumerate(tables))):
            if i in written:
                connection.execute(text(f'DELETE FROM "{table.name}"'))
        # Sequences advance on rolled-back inserts too, so all are reset, not only the tables'
        # that have rows (RESTART IDENTITY's effect).
        connection.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value,"
            " false) FROM pg_sequences WHERE last_value IS NOT NULL"
        ))  # fmt: skip


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite warehouse migrated once per session; each test gets a copy of the file.

    Copying the file takes a millisecond, running every migration a third of a second."""
    path = tmp_path_factory.mktemp("sqlite-template") / "ironmiles.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    # Closing the last connection checkpoints the write-ahead log into the file: nothing of the
    # schema may be left beside it, or the copies would miss it.
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template has files beside it: {leftovers}"
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty warehouse on each backend. SQLite lives in a fresh file per test (a
    copy of the session's migrated template)."""
    if request.param == "sqlite":
        # Where the embedded default puts it when IRONMILES_HOME is tmp_path/home (see run_cli).
        path = tmp_path / "home" / "ironmiles.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    pg_engine: Engine = request.getfixturevalue("pg_warehouse")
    yield pg_engine.url.render_as_string(hide_password=False)
    _empty_tables(pg_engine)


@pytest.fixture
def warehouse_engine(warehouse_url: str) -> Iterator[Engine]:
    engine = make_engine(warehouse_url)
    yield engine
    engine.dispose()


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `ironmiles` in-process with the environment a user would set."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, input: str | None = None) -> CliResult:
        from flows.cli import app
        from flows.cli.common import console, err_console

        # A process reads COLUMNS when it makes its consoles; these were made once, by whichever
        # test imported them first (with its own COLUMNS): give them this run's width.
        for each in (console, err_console):
            each.width = int(self.env.get("COLUMNS", "80"))
        result = CliRunner(env=self.env).invoke(app, list(args), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run_cli(warehouse_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI against the test warehouse; on SQLite through the embedded default path."""
    for name in list(os.environ):
        if name.startswith("IRONMILES_") and name != "IRONMILES_SHARED_DIR":
            monkeypatch.delenv(name)
    # A wide terminal, so tables are not cut to 80 columns in the assertions.
    env = {"IRONMILES_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    # On SQLite no URL at all: the embedded default finds the warehouse in IRONMILES_HOME.
    if not warehouse_url.startswith("sqlite"):
        env["IRONMILES_DATABASE_URL"] = warehouse_url
    return Cli(env)
