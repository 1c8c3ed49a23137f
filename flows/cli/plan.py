"""`ironmiles plan NAME [--week YYYY-Www] [--format md|json|ics]` and
`ironmiles athlete set NAME --param NAME=VALUE` (attached to the `athlete` group in
flows/cli/__init__.py)."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from engine.errors import EngineError
from engine.prescription import RuleParams, parse_override
from engine.prescription.weeks import next_week, parse_week
from engine.render import plan_ics, plan_markdown
from flows.calendar_feed import parse_gym_time
from flows.cli import common
from flows.cli.coaches import coach_changes
from flows.cli.common import (
    console,
    err_console,
    exit_bad_input,
    open_warehouse,
    print_json,
    transaction,
)
from flows.planning import deliver_stored_plans, refresh_and_plan_week
from flows.settings import load_settings
from flows.weekly_load import local_today
from warehouse.athletes import get_athlete
from warehouse.deliveries import set_gym_time
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
    _deliver(result.athlete_id, now)
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
                notice=result.notice,
            ).decode()
        )
    else:
        sys.stdout.write(
            plan_markdown(
                result.athlete, result.week, result.prescription, result.changes, result.notice
            )
        )


def _deliver(athlete_id: int, now: datetime) -> None:
    """The stored plan to the athlete's Garmin calendar when they opted in; a failure is kept
    (sync_state, workout_pushes) for the next run and said on stderr, the plan stands."""
    settings = load_settings()
    engine = open_warehouse(settings)
    try:
        for outcome in deliver_stored_plans(engine, settings, now=now, only={athlete_id}):
            if outcome.status != "ok":
                err_console.print(
                    f"Garmin workout push {outcome.status} (retried on the next run): "
                    f"{outcome.error}",
                    markup=False,
                )
    finally:
        engine.dispose()


def athlete_set(
    name: Annotated[str, typer.Argument(help="The athlete")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="A coaching-rule parameter, NAME=VALUE (repeatable), e.g. a_skip_days=21; "
            "setting a parameter to its default removes the override",
        ),
    ] = None,
    gym_time: Annotated[
        str | None,
        typer.Option(
            "--gym-time",
            help="When the session starts on the athlete's wall clock, HH:MM (calendar feed; "
            "default 18:00)",
        ),
    ] = None,
    coach: Annotated[
        str | None, typer.Option(help="The athlete's coach ('' for none); see `coach add`")
    ] = None,
    share_strava: Annotated[
        bool | None,
        typer.Option(
            "--share-strava-with-coach/--no-share-strava-with-coach",
            help="Whether the coach may see this athlete's Strava data (Strava's API agreement)",
        ),
    ] = None,
) -> None:
    """Change an athlete: coaching-rule parameters, gym time, coach, Strava sharing."""
    if not param and gym_time is None and coach is None and share_strava is None:
        exit_bad_input(
            "nothing to set: give --param NAME=VALUE, --gym-time HH:MM, --coach NAME or "
            "--share-strava-with-coach"
        )
    hh_mm = None if gym_time is None else parse_gym_time(gym_time)
    try:
        wanted = dict(parse_override(text) for text in param or ())
        with transaction() as session:
            athlete = get_athlete(session, name)
            zone = athlete.timezone
            if hh_mm is not None:
                set_gym_time(session, athlete.id, hh_mm, now=common.utc_now())
            # Applied together with the overrides already stored, so cross-field checks
            # (e.g. big_week_acwr <= very_big_week_acwr) see the athlete's real values.
            params = RuleParams().with_overrides({**(athlete.rule_overrides or {}), **wanted})
            set_rule_overrides(session, athlete, params.overrides())
            coach_changes(session, athlete, coach, share_strava)
    except EngineError as error:
        exit_bad_input(str(error))
    if hh_mm is not None:
        console.print(f"gym time of {name}: {hh_mm} ({zone})", markup=False)
    if not param:
        return
    overrides = params.overrides()
    shown = ", ".join(f"{key}={value}" for key, value in sorted(overrides.items()))
    console.print(f"rule overrides of {name}: {shown or 'none (all defaults)'}", markup=False)
