"""One vocabulary each for experience and race priority (connectors.records), the same in the
engine (which may not import it) and in the CLI's choices; a stored value outside it is an error
that names it, on SQLite and PostgreSQL, never read as a default."""

from __future__ import annotations

from typing import get_args

import pytest
from sqlalchemy import Engine, update

from connectors.errors import InputError
from connectors.manual import parse_experience, parse_race
from connectors.records import EXPERIENCES, PRIORITIES
from engine.prescription import params as engine_params
from flows.cli.athletes import Experience as ExperienceChoice
from tests.conftest import Cli
from warehouse.models import Athlete, Race


def test_the_engine_and_the_cli_speak_the_records_vocabulary() -> None:
    assert get_args(engine_params.Experience) == EXPERIENCES
    assert get_args(engine_params.Priority) == PRIORITIES
    assert tuple(choice.value for choice in ExperienceChoice) == EXPERIENCES


def test_an_unknown_experience_or_priority_is_bad_input() -> None:
    assert parse_experience(" Beginner ") == "beginner"
    with pytest.raises(InputError, match=r"experience='expert'.*beginner, intermediate"):
        parse_experience("expert")
    with pytest.raises(InputError, match="priority='D'"):
        parse_race("2027-04-18", "Half", 21.1, "D")


def add_ana(run_cli: Cli) -> None:
    added = run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "Europe/Madrid")
    assert added.exit_code == 0, added.stderr


def test_a_stored_unknown_experience_stops_the_plan_and_names_it(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    add_ana(run_cli)
    assert run_cli("plan", "ana", "--week", "2025-W41").exit_code == 0
    with warehouse_engine.begin() as connection:  # as a hand edit or another version would
        connection.execute(update(Athlete).values(experience="expert"))
    result = run_cli("plan", "ana", "--week", "2025-W42")
    assert result.exit_code == 1
    assert "athlete 'ana' has experience='expert' stored" in result.stderr
    assert "beginner, intermediate, experienced" in result.stderr
    assert "ironmiles athlete set ana --experience" in result.stderr
    assert result.stdout == ""


def test_a_stored_unknown_race_priority_is_an_error_not_a_race_left_out(
    run_cli: Cli, warehouse_engine: Engine
) -> None:
    add_ana(run_cli)
    race = run_cli("race", "add", "ana", "--date", "2025-10-12", "--name", "Half",
                   "--distance-km", "21.1", "--priority", "A")  # fmt: skip
    assert race.exit_code == 0, race.stderr
    with warehouse_engine.begin() as connection:
        connection.execute(update(Race).values(priority="Z"))
    result = run_cli("plan", "ana", "--week", "2025-W41")
    assert result.exit_code == 1
    assert "race 'Half' on 2025-10-12 of athlete 'ana' has priority='Z' stored" in result.stderr
    assert "--priority A|B|C" in result.stderr
