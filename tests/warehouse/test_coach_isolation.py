"""Row-level security proven by connecting as two coaches' own PostgreSQL roles (the DSNs
`coach add` prints): on every table and view each sees only its athletes (Strava rows only for
athletes who share them), reads nothing of credentials, the outbox or sync state, and writes
nothing anywhere."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import Engine, make_url, text

from tests.coach_seed import Season, seed
from tests.conftest import Cli
from warehouse.coach_security import CLOSED_TABLES, COACH_TABLES
from warehouse.models import Base
from warehouse.views import VIEW_NAMES

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("warehouse_url", ["postgresql"],
                                                            indirect=True)]  # fmt: skip

ATHLETE_COLUMN = {"athletes": "id", "sync_health_v": "athlete_id"}
OWN = {"marta": {"ana", "al"}, "jon": {"bo"}}


def dsn_of(cli: Cli, coach: str) -> str:
    result = cli("coach", "add", coach, "--format", "json")
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    assert set(made) >= {"coach", "role", "password", "dsn"}
    assert made["dsn"].startswith("postgresql://") and made["role"] in made["dsn"]
    return str(made["dsn"])


@pytest.fixture
def coaches(run_cli: Cli, warehouse_engine: Engine) -> Iterator[tuple[Season, dict[str, str]]]:
    season = seed(run_cli, warehouse_engine)
    try:
        yield season, {coach: dsn_of(run_cli, coach) for coach in OWN}
    finally:
        database = make_url(warehouse_engine.url).database
        with warehouse_engine.begin() as connection:
            roles = (
                connection.execute(
                    text("SELECT rolname FROM pg_roles WHERE rolname LIKE :prefix"),
                    {"prefix": f"{database}_coach_%"},
                )
                .scalars()
                .all()
            )
            for role in roles:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
                connection.execute(text(f'DROP ROLE "{role}"'))


def athlete_ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {r[0]: r[1] for r in connection.execute(text("SELECT name, id FROM athletes"))}


def owner_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t.name: connection.execute(text(f"SELECT count(*) FROM {t.name}")).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_each_coach_reads_only_its_athletes_everywhere(
    coaches: tuple[Season, dict[str, str]], warehouse_engine: Engine
) -> None:
    _, dsns = coaches
    ids = athlete_ids(warehouse_engine)
    for coach, dsn in dsns.items():
        own = {ids[name] for name in OWN[coach]}
        with psycopg.connect(dsn, autocommit=True) as connection:
            for relation in (*COACH_TABLES, *VIEW_NAMES):
                if relation == "coaches":
                    names = connection.execute("SELECT name FROM coaches").fetchall()
                    assert names == [(coach,)]
                    continue
                column = ATHLETE_COLUMN.get(relation, "athlete_id")
                seen = {
                    r[0] for r in connection.execute(f"SELECT {column} FROM {relation}").fetchall()
                }
                # Every relation holds rows of every athlete: the coach sees exactly its own.
                assert seen == own, (coach, relation, seen, own)
            for table in CLOSED_TABLES:
                with pytest.raises(errors.InsufficientPrivilege):
                    connection.execute(f"SELECT * FROM {table}")


def test_strava_rows_only_for_athletes_who_share(
    coaches: tuple[Season, dict[str, str]], run_cli: Cli
) -> None:
    season, dsns = coaches
    with psycopg.connect(dsns["marta"], autocommit=True) as marta:
        sources = {r[0] for r in marta.execute("SELECT source FROM activities").fetchall()}
        assert sources == {"garmin"}  # ana and al do not share
        hidden = marta.execute(
            "SELECT count(*) FROM weekly_load_v WHERE week_start = %s", [season.strava_week]
        ).fetchone()
        assert hidden == (0,)
        shown = marta.execute(
            "SELECT count(*) FROM weekly_load_v WHERE week_start = %s", [season.garmin_week]
        ).fetchone()
        assert shown == (2,)
    with psycopg.connect(dsns["jon"], autocommit=True) as jon:
        sources = {r[0] for r in jon.execute("SELECT source FROM activities").fetchall()}
        assert sources == {"garmin", "strava"}  # bo shares
    assert run_cli("athlete", "set", "ana", "--share-strava-with-coach").exit_code == 0
    with psycopg.connect(dsns["marta"], autocommit=True) as marta:
        weeks = marta.execute(
            "SELECT athlete, distance_km FROM weekly_load_v WHERE week_start = %s",
            [season.strava_week],
        ).fetchall()
        assert ("ana", 12.0) in weeks and all(name != "al" for name, _ in weeks)


WRITES = [
    "INSERT INTO {t} DEFAULT VALUES",
    "UPDATE {t} SET {c} = {c}",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
    "ALTER TABLE {t} ADD COLUMN x integer",
    "DROP TABLE {t}",
]


def test_no_coach_writes_anything(
    coaches: tuple[Season, dict[str, str]], warehouse_engine: Engine
) -> None:
    _, dsns = coaches
    before = owner_counts(warehouse_engine)
    columns = {t.name: next(iter(t.primary_key.columns)).name for t in Base.metadata.sorted_tables}
    for dsn in dsns.values():
        with psycopg.connect(dsn, autocommit=True) as connection:
            # Even with the role's read-only default switched off, the grants allow no write.
            connection.execute("SET default_transaction_read_only = off")
            for table, column in columns.items():
                for write in WRITES:
                    with pytest.raises(
                        (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)
                    ):
                        connection.execute(write.format(t=table, c=column))
            for view in VIEW_NAMES:
                # No privilege, and (joins) not updatable either: whichever PostgreSQL says first.
                with pytest.raises(
                    (errors.InsufficientPrivilege, errors.ObjectNotInPrerequisiteState)
                ):
                    connection.execute(f"DELETE FROM {view}")
                with pytest.raises(errors.InsufficientPrivilege):
                    connection.execute(f"DROP VIEW {view}")
            for ddl in ("CREATE TABLE stolen (x int)", "CREATE VIEW stolen AS SELECT 1",
                        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"):  # fmt: skip
                with pytest.raises(errors.InsufficientPrivilege):
                    connection.execute(ddl)
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute("ALTER TABLE athletes DISABLE ROW LEVEL SECURITY")
    assert owner_counts(warehouse_engine) == before


def test_coach_remove_drops_the_role(
    coaches: tuple[Season, dict[str, str]], run_cli: Cli, warehouse_engine: Engine
) -> None:
    _, dsns = coaches
    result = run_cli("coach", "remove", "marta")
    assert result.exit_code == 0, result.stderr
    assert "dropped the role" in result.stdout
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsns["marta"]).close()
    with warehouse_engine.connect() as connection:
        left = (
            connection.execute(
                text("SELECT name FROM athletes WHERE coach_id IS NOT NULL ORDER BY name")
            )
            .scalars()
            .all()
        )
    assert left == ["bo"]
    with psycopg.connect(dsns["jon"], autocommit=True) as jon:  # the other coach is unaffected
        assert jon.execute("SELECT name FROM athletes").fetchall() == [("bo",)]
    again = run_cli("coach", "add", "jon")
    assert again.exit_code == 2 and "already has the database role" in again.stderr


def test_the_strava_week_function_answers_only_for_own_athletes(
    coaches: tuple[Season, dict[str, str]], warehouse_engine: Engine
) -> None:
    """The policy's SECURITY DEFINER helper is callable by every coach (policies run as the
    caller); called directly with another coach's athlete it must say nothing, or a coach could
    probe, week by week, whether that athlete ran with Strava."""
    season, dsns = coaches
    ids = athlete_ids(warehouse_engine)
    probe = "SELECT ironmiles_strava_week(%s, %s)"
    with psycopg.connect(dsns["jon"], autocommit=True) as jon:
        assert jon.execute(probe, [ids["ana"], season.strava_week]).fetchone() == (None,)
        assert jon.execute(probe, [ids["al"], season.garmin_week]).fetchone() == (None,)
        assert jon.execute(probe, [ids["bo"], season.strava_week]).fetchone() == (True,)
    with psycopg.connect(dsns["marta"], autocommit=True) as marta:
        assert marta.execute(probe, [ids["ana"], season.strava_week]).fetchone() == (True,)
        assert marta.execute(probe, [ids["ana"], season.garmin_week]).fetchone() == (False,)
        assert marta.execute(probe, [ids["bo"], season.strava_week]).fetchone() == (None,)
