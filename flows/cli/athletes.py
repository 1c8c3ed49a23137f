"""`ironmiles init`, `athlete add|list` and `race add`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from connectors.errors import InputError
from connectors.manual import parse_experience, parse_race, parse_timezone
from flows.cli.common import (
    TableOrJson,
    console,
    migrated_warehouse,
    print_json,
    transaction,
    utc_today,
)
from warehouse.athletes import (
    AthleteProfile,
    add_athlete,
    coach_name,
    get_athlete,
    latest_body_weight,
    list_athletes,
    upsert_race,
)
from warehouse.revision import stored_revision

athlete_app = typer.Typer(no_args_is_help=True, help="Record and list athletes.")
race_app = typer.Typer(no_args_is_help=True, help="Record races.")

BODY_WEIGHT_KG = (25.0, 300.0)
SESSIONS_PER_WEEK = (0, 21)


NAME_MAX = 120  # the warehouse's column width, checked here so both databases refuse alike


def check_name(field: str, name: str) -> None:
    if not name.strip():
        raise InputError(field, name, f"give the {'athlete' if field == 'name' else field} a name")
    if len(name.strip()) > NAME_MAX:
        raise InputError(field, name, f"use a name of at most {NAME_MAX} characters")


def check_body_weight(body_weight: float) -> None:
    low, high = BODY_WEIGHT_KG
    if not low <= body_weight <= high:
        raise InputError(
            "body_weight", body_weight, f"give the body weight in kg ({low:g}-{high:g})"
        )


def check_sessions_per_week(sessions_per_week: int) -> None:
    low_s, high_s = SESSIONS_PER_WEEK
    if not low_s <= sessions_per_week <= high_s:
        raise InputError(
            "sessions_per_week", sessions_per_week, f"give a whole number from {low_s} to {high_s}"
        )


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"

    @property
    def iso(self) -> int:
        return list(Weekday).index(self) + 1


class Experience(StrEnum):
    """connectors.records.EXPERIENCES as typer's choice (tests/connectors/test_vocabularies.py
    keeps them equal)."""

    beginner = "beginner"
    intermediate = "intermediate"
    experienced = "experienced"


def _or(value: float | None, fallback: float | None) -> float | None:
    return fallback if value is None else value


def init() -> None:
    """Create or migrate the warehouse (idempotent)."""
    engine = migrated_warehouse()
    try:
        revision = stored_revision(engine)
        console.print(f"warehouse ready at {engine.url.render_as_string(hide_password=True)}")
        console.print(f"schema revision {revision}")
    finally:
        engine.dispose()


@athlete_app.command("add")
def athlete_add(
    name: Annotated[str, typer.Argument(help="A unique name, e.g. ana")],
    body_weight: Annotated[float, typer.Option("--body-weight", help="Body weight in kg")],
    timezone: Annotated[str, typer.Option("--timezone", help="IANA zone, e.g. Europe/Madrid")],
    experience: Annotated[Experience, typer.Option()] = Experience.intermediate,
    sessions_per_week: Annotated[
        int, typer.Option("--sessions-per-week", help="Training sessions a week, runs included")
    ] = 5,
    technique_controlled: Annotated[
        bool, typer.Option("--technique-controlled", help="A coach signed off the squat technique")
    ] = False,
    single_leg: Annotated[
        bool, typer.Option("--single-leg", help="Prefers single-leg squats (experienced only)")
    ] = False,
    coach: Annotated[str | None, typer.Option(help="The coach's name")] = None,
    gym_day: Annotated[
        Weekday, typer.Option("--gym-day", help="Preferred day for the squat session")
    ] = Weekday.wed,
) -> None:
    """Record an athlete."""
    check_name("name", name)
    check_body_weight(body_weight)
    check_sessions_per_week(sessions_per_week)
    if coach is not None:
        check_name("coach", coach)
    profile = AthleteProfile(
        name=name.strip(),
        timezone=parse_timezone(timezone),
        body_weight_kg=body_weight,
        experience=parse_experience(experience.value),
        sessions_per_week=sessions_per_week,
        technique_controlled=technique_controlled,
        prefers_single_leg=single_leg,
        coach=coach.strip() if coach else None,
        gym_weekday=gym_day.iso,
    )
    with transaction() as session:
        athlete = add_athlete(session, profile)
        console.print(f"added athlete {athlete.name} (id {athlete.id})")


@athlete_app.command("list")
def athlete_list(format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table) -> None:
    """List athletes."""
    with transaction() as session:
        rows = [
            {
                "id": a.id,
                "name": a.name,
                # The latest weigh-in (typed or synced) is the body weight; else the profile's.
                "body_weight_kg": _or(latest_body_weight(session, a.id), a.body_weight_kg),
                "timezone": a.timezone,
                "experience": a.experience,
                "sessions_per_week": a.sessions_per_week,
                "technique_controlled": a.technique_controlled,
                "single_leg": a.prefers_single_leg,
                "coach": coach_name(session, a),
                "gym_day": list(Weekday)[a.gym_weekday - 1].value,
            }
            for a in list_athletes(session)
        ]
    if format is TableOrJson.json:
        print_json(rows)
        return
    table = Table(
        "id",
        "name",
        "body kg",
        "time zone",
        "experience",
        "sessions/wk",
        "technique",
        "single leg",
        "coach",
    )
    for r in rows:
        table.add_row(
            str(r["id"]), str(r["name"]), f"{r['body_weight_kg']:g}", str(r["timezone"]),
            str(r["experience"]), str(r["sessions_per_week"]),
            "controlled" if r["technique_controlled"] else "supervise",
            "yes" if r["single_leg"] else "no", str(r["coach"] or ""),
        )  # fmt: skip
    console.print(table)


@race_app.command("add")
def race_add(
    name: Annotated[str, typer.Argument(help="The athlete")],
    date: Annotated[str, typer.Option("--date", help="Race day, YYYY-MM-DD")],
    race_name: Annotated[str, typer.Option("--name", help="The race's name")],
    distance_km: Annotated[float, typer.Option("--distance-km")],
    priority: Annotated[str, typer.Option(help="A (goal race), B or C")],
) -> None:
    """Record a race (adding the same date and name again updates it)."""
    race = parse_race(date, race_name, distance_km, priority, today=utc_today())
    with transaction() as session:
        athlete = get_athlete(session, name)
        upsert_race(session, athlete.id, race)
    console.print(
        f"race {race.name} on {race.race_date} ({race.distance_km:g} km, priority {race.priority})"
        f" recorded for {name}"
    )
