"""`ironmiles plan NAME [--week YYYY-Www] [--format md|json|ics]` (`athlete set`, which
overrides the coaching-rule parameters, lives in flows/cli/athlete_settings.py)."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from engine.errors import EngineError
from engine.prescription.weeks import next_week, parse_week
from engine.render import plan_ics, plan_markdown
from flows.cli import common
from flows.cli.common import (
    err_console,
    exit_bad_input,
    open_warehouse,
    print_json,
)
from flows.planning import WeekPlan, deliver_stored_plans, refresh_and_plan_week
from flows.settings import Settings, load_settings
from warehouse.athletes import get_athlete
from warehouse.db import is_read_only, session_scope
from warehouse.refresh_due import local_today

if TYPE_CHECKING:
    from sqlalchemy import Engine


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
    no_store: Annotated[
        bool,
        typer.Option("--no-store", help="Show the plan without storing it (or refreshing load)"),
    ] = False,
) -> None:
    """The week's squat session, adjusted to runs and races, with the reasons."""
    now = common.utc_now()
    try:
        if week is not None:
            year, number = parse_week(week)
            week = f"{year}-W{number:02d}"
    except EngineError as error:
        exit_bad_input(str(error))
    # One engine (and one revision check) for the plan and its delivery.
    settings = load_settings()
    engine = open_warehouse(settings)
    try:
        result, store = _plan(engine, name, week, now=now, store=not no_store)
        if store:
            _deliver(engine, settings, result.athlete_id, now)
    finally:
        engine.dispose()
    _show(result, format)


def _plan(
    engine: Engine, name: str, week: str | None, *, now: datetime, store: bool
) -> tuple[WeekPlan, bool]:
    """The plan of `week` (next week on the athlete's wall clock when None), stored unless
    `store` is False or the warehouse is read-only; and whether it was stored."""
    try:
        with session_scope(engine) as session:
            if store and is_read_only(session):
                store = False
                err_console.print(
                    "note: the warehouse is read-only: the plan is not stored, and it uses the "
                    "weekly load as last stored",
                    markup=False,
                )
            if week is None:
                # Next week on the athlete's wall clock, as the nightly re-plan counts it.
                athlete = get_athlete(session, name)
                week = next_week(local_today(now, athlete.timezone))
            result = refresh_and_plan_week(session, name, week, now=now, store=store)
    except EngineError as error:
        exit_bad_input(str(error))
    return result, store


def _show(result: WeekPlan, format: PlanFormat) -> None:
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


def _deliver(engine: Engine, settings: Settings, athlete_id: int, now: datetime) -> None:
    """The stored plan to the athlete's Garmin calendar when they opted in; a failure is kept
    (sync_state, workout_pushes) for the next run and said on stderr, the plan stands."""
    for outcome in deliver_stored_plans(engine, settings, now=now, only={athlete_id}):
        if outcome.status != "ok":
            err_console.print(
                f"Garmin workout push {outcome.status} (retried on the next run): {outcome.error}",
                markup=False,
            )
