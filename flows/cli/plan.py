"""`ironmiles plan NAME [--week YYYY-Www] [--format md|json|ics]` and
`ironmiles athlete set NAME --param NAME=VALUE` (attached to the `athlete` group in
flows/cli/__init__.py)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from engine.errors import EngineError
from engine.prescription import RuleParams, parse_override
from engine.prescription.weeks import next_week, parse_week
from engine.render import plan_ics, plan_markdown
from flows.cli import common
from flows.cli.common import console, exit_bad_input, print_json, transaction
from flows.cli.sync_hours import set_athlete_sync_hour
from flows.planning import refresh_and_plan_week
from flows.weekly_load import local_today
from warehouse.athletes import get_athlete
from warehouse.plans import set_rule_overrides


class PlanFormat(StrEnum):
    md = "md"
    json = "json"
    ics = "ics"


def plan(
    name: Annotated[str, typer.Argument(help="The athlete")],
    week: Annotated[
        str | None,
        typer.Option(help="ISO week to plan, YYYY-Www (default: next week)"),
    ] = None,
    format: Annotated[PlanFormat, typer.Option(help="md, json or ics")] = PlanFormat.md,
) -> None:
    """The week's squat session, adjusted to runs and races, with the reasons."""
    now = common.utc_now()
    try:
        if week is not None:
            year, number = parse_week(week)
            week = f"{year}-W{number:02d}"
        with transaction() as session:
            if week is None:
                # Next week on the athlete's wall clock, as the nightly re-plan counts it.
                athlete = get_athlete(session, name)
                week = next_week(local_today(now, athlete.timezone))
            result = refresh_and_plan_week(session, name, week, now=now)
    except EngineError as error:
        exit_bad_input(str(error))
    if format is PlanFormat.json:
        print_json(result.payload)
    elif format is PlanFormat.ics:
        sys.stdout.write(
            plan_ics(
                result.athlete,
                result.week,
                result.prescription,
                stamp=result.stored.created_at,
                sequence=result.stored.version - 1,
                changes=result.changes,
            ).decode()
        )
    else:
        sys.stdout.write(
            plan_markdown(result.athlete, result.week, result.prescription, result.changes)
        )


def athlete_set(
    name: Annotated[str, typer.Argument(help="The athlete")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param",
            help="A coaching-rule parameter, NAME=VALUE (repeatable), e.g. a_skip_days=21; "
            "setting a parameter to its default removes the override",
        ),
    ] = [],  # noqa: B006  # typer reads the default; it is never mutated
    sync_hour: Annotated[
        int | None,
        typer.Option("--sync-hour", help="Local hour (0-23) of the athlete's nightly sync"),
    ] = None,
) -> None:
    """Override coaching-rule parameters for one athlete, or set their nightly sync hour."""
    if sync_hour is not None:
        set_athlete_sync_hour(name, sync_hour)
    if not param:
        if sync_hour is None:
            exit_bad_input("give --param NAME=VALUE or --sync-hour H")
        return
    try:
        wanted = dict(parse_override(text) for text in param)
        with transaction() as session:
            athlete = get_athlete(session, name)
            # Applied together with the overrides already stored, so cross-field checks
            # (e.g. big_week_acwr <= very_big_week_acwr) see the athlete's real values.
            params = RuleParams().with_overrides({**(athlete.rule_overrides or {}), **wanted})
            set_rule_overrides(session, athlete, params.overrides())
    except EngineError as error:
        exit_bad_input(str(error))
    overrides = params.overrides()
    shown = ", ".join(f"{key}={value}" for key, value in sorted(overrides.items()))
    console.print(f"rule overrides of {name}: {shown or 'none (all defaults)'}", markup=False)
