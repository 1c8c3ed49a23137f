"""`ironmiles coach add|remove` and `athlete set --coach/--share-strava-with-coach` as typed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from tests.conftest import Cli
from tests.flows.web.conftest import drop_coach_roles


@pytest.fixture
def cli(run_cli: Cli, warehouse_engine: Engine) -> Cli:
    yield run_cli  # type: ignore[misc]
    if warehouse_engine.dialect.name == "postgresql":
        drop_coach_roles(warehouse_engine)


def test_coach_add_on_each_database(cli: Cli, warehouse_engine: Engine) -> None:
    result = cli("coach", "add", "marta", "--format", "json")
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["coach"] == "marta" and len(made["token"]) >= 40
    with warehouse_engine.connect() as connection:
        stored = connection.execute(text("SELECT token_sha256 FROM coach_logins")).scalars().all()
    assert len(stored) == 1 and made["token"] not in stored[0]  # only the hash is kept
    if warehouse_engine.dialect.name == "sqlite":
        assert made["role"] is None and made["dsn"] is None and made["password"] is None
        assert "needs PostgreSQL" in result.stderr
    else:
        assert made["dsn"].startswith(f"postgresql://{made['role']}:{made['password']}@")
    table = cli("coach", "add", "bad;name")
    assert table.exit_code == 2 and "coach='bad;name'" in table.stderr


def test_athlete_set_assigns_a_coach_and_strava_sharing(cli: Cli, warehouse_engine: Engine) -> None:
    assert cli("athlete", "add", "ana", "--body-weight", "60", "--timezone", "UTC").exit_code == 0
    result = cli("athlete", "set", "ana", "--coach", "marta", "--share-strava-with-coach")
    assert result.exit_code == 0, result.stderr
    assert "coach=marta" in result.stdout and "Strava data shared with the coach" in result.stdout
    listed = json.loads(cli("athlete", "list", "--format", "json").stdout)
    assert listed[0]["coach"] == "marta"
    query = "SELECT share_strava_with_coach FROM athletes WHERE name = 'ana'"
    with warehouse_engine.connect() as connection:
        assert bool(connection.execute(text(query)).scalar_one()) is True
    assert cli("athlete", "set", "ana", "--no-share-strava-with-coach").exit_code == 0
    with warehouse_engine.connect() as connection:
        assert bool(connection.execute(text(query)).scalar_one()) is False
    assert cli("athlete", "set", "nobody", "--coach", "marta").exit_code == 2
    removed = cli("coach", "remove", "marta")
    assert removed.exit_code == 0
    assert json.loads(cli("athlete", "list", "--format", "json").stdout)[0]["coach"] is None
    assert cli("coach", "remove", "marta").exit_code == 2
