"""Shared fixtures: the real data folder, throw-away warehouses on SQLite and PostgreSQL, and the
CLI run in-process against them."""

from __future__ import annotations

import os
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
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty warehouse on each backend. SQLite lives in a fresh file per test."""
    if request.param == "sqlite":
        # Where the embedded default puts it when IRONMILES_HOME is tmp_path/home (see run_cli).
        path = tmp_path / "home" / "ironmiles.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
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
