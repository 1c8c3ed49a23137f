"""`ironmiles query` reads and never writes, on SQLite and PostgreSQL: writes, DDL, a second
statement and comment tricks are refused with exit 2, and the warehouse is unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine, text

from tests.conftest import Cli

REFUSED = [
    "INSERT INTO coaches (name) VALUES ('x')",
    "insert into coaches (name) values ('x')",
    "UPDATE athletes SET name = 'x'",
    "DELETE FROM athletes",
    "  delete from athletes;",
    "CREATE TABLE stolen (x int)",
    "DROP TABLE athletes",
    "ALTER TABLE athletes ADD COLUMN x int",
    "DROP VIEW weekly_load_v",
    "TRUNCATE athletes",
    "PRAGMA query_only = OFF",
    "ATTACH DATABASE 'other.db' AS other",
    "SELECT 1; DELETE FROM athletes",
    "SELECT 1;DELETE FROM athletes;",
    "SELECT 1; ; ",
    "SELECT 1 -- ; DELETE FROM athletes",
    "SELECT 1 --\nDELETE FROM athletes",
    "/* harmless */ DELETE FROM athletes",
    "SELECT 1 /*; DROP TABLE athletes */",
    "SELECT 1 /* */; DROP TABLE athletes",
    "SELECT 'a'; DELETE FROM athletes; SELECT 'b'",
    "SELECT E'\\''; DELETE FROM athletes; SELECT '",
    "SELECT 'unclosed; DELETE FROM athletes",
    "SELECT $$; DELETE FROM athletes; $$",
    "SELECT $x$; DELETE FROM athletes; $x$",
    "WITH gone AS (DELETE FROM athletes RETURNING id) SELECT * FROM gone",
    "SELECT * FROM athletes FOR UPDATE",
    "",
]


def snapshot(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return (
            connection.execute(text("SELECT count(*), max(name) FROM athletes")).one(),
            connection.execute(text("SELECT count(*) FROM coaches")).scalar_one(),
        )


@pytest.fixture
def ana(run_cli: Cli) -> Cli:
    added = run_cli("athlete", "add", "ana", "--body-weight", "60", "--timezone", "UTC",
                    "--coach", "marta")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return run_cli


@pytest.mark.parametrize("sql", REFUSED)
def test_query_refuses_what_is_not_one_read(ana: Cli, warehouse_engine: Engine, sql: str) -> None:
    before = snapshot(warehouse_engine)
    result = ana("query", sql)
    assert result.exit_code == 2, (sql, result.stdout, result.stderr)
    assert "query:" in result.stderr
    assert result.stdout == ""
    assert snapshot(warehouse_engine) == before
    with warehouse_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM weekly_load_v")).scalar_one() == 0


def test_query_names_what_it_refuses(ana: Cli) -> None:
    assert "DELETE is refused" in ana("query", "DELETE FROM athletes").stderr
    assert "more than one" in ana("query", "SELECT 1; DELETE FROM athletes").stderr
    assert "comments" in ana("query", "SELECT 1 -- x").stderr


def test_query_reads_in_every_format(ana: Cli) -> None:
    sql = "SELECT name, 'a;b--c' AS odd, 1 + 1 AS two FROM athletes WHERE name LIKE 'an%';"
    as_json = ana("query", sql, "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [{"name": "ana", "odd": "a;b--c", "two": 2}]
    as_csv = ana("query", sql, "--format", "csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["name", "odd", "two"],
        ["ana", "a;b--c", "2"],
    ]
    table = ana("query", "SELECT athlete, coach FROM athlete_overview_v")
    assert table.exit_code == 0
    assert "ana" in table.stdout and "marta" in table.stdout


def test_a_statement_the_database_rejects_is_bad_input(ana: Cli) -> None:
    result = ana("query", "SELECT * FROM no_such_table")
    assert result.exit_code == 2
    assert "no_such_table" in result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_slow_query_is_cancelled_by_the_statement_timeout(ana: Cli) -> None:
    result = ana("query", "SELECT pg_sleep(5)", "--timeout", "0.2")
    assert result.exit_code == 2
    assert "longer than 0.2 s" in result.stderr
