"""`ironmiles athlete set NAME [any option of add] [--param KEY=VALUE]...` and
`ironmiles athlete remove NAME --yes` (attached to the `athlete` group in flows/cli/__init__.py).

A change of the profile takes effect at once: the athlete's weekly load and next week's plan
are recomputed after it (flows/cli/recompute.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from connectors.errors import InputError
from connectors.manual import parse_timezone
from flows.cli import common
from flows.cli.athletes import (
    Experience,
    Weekday,
    check_body_weight,
    check_name,
    check_sessions_per_week,
)
from flows.cli.common import console, exit_bad_input, transaction
from warehouse.athletes import get_athlete, record_body_weight, remove_athlete
from warehouse.coaches import assign_coach, set_strava_sharing
from warehouse.deliveries import set_gym_time
from warehouse.dirty import mark_dirty
from warehouse.plans import set_rule_overrides
from warehouse.scheduling import set_sync_hour


def athlete_set(
    name: Annotated[str, typer.Argument(help="The athlete")],
    body_weight: Annotated[
        float | None,
        typer.Option("--body-weight", help="Today's weigh-in in kg (kept with the earlier ones)"),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone, e.g. Europe/Madrid")
    ] = None,
    experience: Annotated[Experience | None, typer.Option()] = None,
    sessions_per_week: Annotated[
        int | None, typer.Option("--sessions-per-week", help="Training sessions a week")
    ] = None,
    gym_day: Annotated[
        Weekday | None, typer.Option("--gym-day", help="Preferred day for the squat session")
    ] = None,
    technique_controlled: Annotated[
        bool | None,
        typer.Option(
            "--technique-controlled/--no-technique-controlled",
            help="A coach signed off the squat technique (or withdrew the sign-off)",
        ),
    ] = None,
    single_leg: Annotated[
        bool | None,
        typer.Option("--single-leg/--no-single-leg", help="Prefers single-leg squats"),
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
    sync_hour: Annotated[
        int | None,
        typer.Option("--sync-hour", help="Local hour (0-23) of the athlete's nightly sync"),
    ] = None,
    gym_time: Annotated[
        str | None,
        typer.Option(
            "--gym-time",
            help="When the session starts on the athlete's wall clock, HH:MM (calendar feed; "
            "default 18:00)",
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="A coaching-rule parameter, NAME=VALUE (repeatable), e.g. a_skip_days=21; "
            "setting a parameter to its default removes the override",
        ),
    ] = None,
) -> None:
    """Change an athlete's profile or coaching-rule parameters; the plan follows at once."""
    # Here, not at the top: `athlete list` and `athlete add` share this command group and must
    # not load polars, the engine and the connectors (tests/flows/test_cli_startup.py).
    from engine.errors import EngineError
    from engine.prescription import RuleParams, parse_override
    from flows.calendar_feed import parse_gym_time
    from flows.cli.recompute import recompute
    from flows.weekly_load import local_today

    if body_weight is not None:
        check_body_weight(body_weight)
    if sessions_per_week is not None:
        check_sessions_per_week(sessions_per_week)
    if coach:
        check_name("coach", coach)
    zone = parse_timezone(timezone) if timezone is not None else None
    hh_mm = None if gym_time is None else parse_gym_time(gym_time)
    wanted = [body_weight, zone, experience, sessions_per_week, gym_day, technique_controlled,
              single_leg, coach, share_strava, hh_mm, sync_hour, param]  # fmt: skip
    if all(value is None for value in wanted):
        raise InputError("options", "", "say what to change, e.g. --body-weight 62.5 (see --help)")
    now = common.utc_now()
    changed: list[str] = []
    try:
        overrides = dict(parse_override(text) for text in param or [])
        with transaction() as session:
            athlete = get_athlete(session, name)
            if zone is not None:
                athlete.timezone = zone
                changed.append(f"timezone={zone}")
            if body_weight is not None:
                # Dated on the athlete's own calendar (after a time-zone change, the new one's).
                day = local_today(now, athlete.timezone)
                record_body_weight(session, athlete, body_weight, day)
                changed.append(f"body weight {body_weight:g} kg on {day}")
            if experience is not None:
                athlete.experience = experience.value
                changed.append(f"experience={experience.value}")
            if sessions_per_week is not None:
                athlete.sessions_per_week = sessions_per_week
                changed.append(f"sessions-per-week={sessions_per_week}")
            if gym_day is not None:
                athlete.gym_weekday = gym_day.iso
                changed.append(f"gym-day={gym_day.value}")
            if technique_controlled is not None:
                athlete.technique_controlled = technique_controlled
                changed.append(f"technique-controlled={'yes' if technique_controlled else 'no'}")
            if single_leg is not None:
                athlete.prefers_single_leg = single_leg
                changed.append(f"single-leg={'yes' if single_leg else 'no'}")
            if coach is not None:
                assign_coach(session, athlete, coach.strip() or None)
                changed.append(f"coach={coach.strip() or 'none'}")
            if share_strava is not None:
                set_strava_sharing(session, athlete, share_strava)
                changed.append(f"Strava data {'shared with' if share_strava else 'hidden from'} "
                               "the coach")  # fmt: skip
            if sync_hour is not None:
                set_sync_hour(session, athlete, sync_hour)
                changed.append(f"synced at {sync_hour:02d}:00 {athlete.timezone} every night")
            if hh_mm is not None:
                set_gym_time(session, athlete.id, hh_mm, now=now)
                changed.append(f"gym time {hh_mm} ({athlete.timezone})")
            if param:
                # Applied together with the overrides already stored, so cross-field checks
                # (e.g. big_week_acwr <= very_big_week_acwr) see the athlete's real values.
                params = RuleParams().with_overrides(
                    {**(athlete.rule_overrides or {}), **overrides}
                )
                set_rule_overrides(session, athlete, params.overrides())
                shown = ", ".join(f"{k}={v}" for k, v in sorted(params.overrides().items()))
                changed.append(f"rule overrides: {shown or 'none (all defaults)'}")
            mark_dirty(session, athlete.id)
            athlete_id, shown_name = athlete.id, athlete.name
    except EngineError as error:
        exit_bad_input(str(error))
    console.print(f"{shown_name}: " + "; ".join(changed), markup=False)
    recompute(athlete_id)


def athlete_remove(
    name: Annotated[str, typer.Argument(help="The athlete")],
    yes: Annotated[bool, typer.Option("--yes", help="Yes, remove everything recorded")] = False,
) -> None:
    """Remove an athlete with everything recorded for it (activities, lifts, plans, tokens)."""
    if not yes:
        raise InputError(
            "--yes", "missing", f"removing {name} deletes all of its activities, lifts and plans "
            f"for good: run `ironmiles athlete remove {name} --yes` to do it",
        )  # fmt: skip
    with transaction() as session:
        athlete = get_athlete(session, name)
        shown = athlete.name
        remove_athlete(session, athlete)
    console.print(f"removed athlete {shown} and everything recorded for it", markup=False)
