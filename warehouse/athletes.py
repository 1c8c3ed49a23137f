"""Athletes, their coaches and their races."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from connectors.records import Experience, Race
from warehouse.dirty import mark_dirty
from warehouse.errors import AlreadyExists, NotFound, UnknownAthlete
from warehouse.models import Athlete, BodyWeight, Coach
from warehouse.models import Race as RaceRow
from warehouse.upsert import upsert_rows


@dataclass(frozen=True, slots=True, kw_only=True)
class AthleteProfile:
    name: str
    timezone: str
    body_weight_kg: float | None = None
    experience: Experience = "intermediate"
    sessions_per_week: int = 5
    technique_controlled: bool = False
    prefers_single_leg: bool = False
    coach: str | None = None
    gym_weekday: int = 3
    """ISO weekday of the squat session (Wednesday by default)."""


def _same_name(name: str) -> ColumnElement[bool]:
    # Names are one athlete regardless of case ("Ana" is "ana"), on SQLite and PostgreSQL alike.
    return func.lower(Athlete.name) == func.lower(name)


def get_athlete(session: Session, name: str) -> Athlete:
    athlete = session.scalar(select(Athlete).where(_same_name(name)))
    if athlete is None:
        raise UnknownAthlete(name)
    return athlete


def list_athletes(session: Session) -> Sequence[Athlete]:
    return session.scalars(select(Athlete).order_by(Athlete.name)).all()


def add_athlete(session: Session, profile: AthleteProfile) -> Athlete:
    existing = session.scalar(select(Athlete.name).where(_same_name(profile.name)))
    if existing is not None:
        raise AlreadyExists(
            f"athlete={profile.name!r} already exists as {existing!r} (names are the same "
            "regardless of case): choose another name, or see it with `ironmiles athlete list`"
        )
    athlete = Athlete(
        name=profile.name,
        timezone=profile.timezone,
        body_weight_kg=profile.body_weight_kg,
        experience=profile.experience,
        sessions_per_week=profile.sessions_per_week,
        technique_controlled=profile.technique_controlled,
        prefers_single_leg=profile.prefers_single_leg,
        coach_id=ensure_coach(session, profile.coach).id if profile.coach else None,
        gym_weekday=profile.gym_weekday,
        rule_overrides={},
    )
    session.add(athlete)
    session.flush()
    return athlete


def ensure_coach(session: Session, name: str) -> Coach:
    coach = session.scalar(select(Coach).where(Coach.name == name))
    if coach is None:
        coach = Coach(name=name)
        session.add(coach)
        session.flush()
    return coach


def coach_name(session: Session, athlete: Athlete) -> str | None:
    if athlete.coach_id is None:
        return None
    return session.scalar(select(Coach.name).where(Coach.id == athlete.coach_id))


def upsert_race(session: Session, athlete_id: int, race: Race) -> None:
    """A race is keyed by its date and name: adding it again updates distance and priority."""
    upsert_rows(
        session,
        RaceRow.__table__,  # type: ignore[arg-type]
        [
            {
                "athlete_id": athlete_id,
                "race_date": race.race_date,
                "name": race.name,
                "distance_km": race.distance_km,
                "priority": race.priority,
            }
        ],
        key=("athlete_id", "race_date", "name"),
        update=("distance_km", "priority"),
    )


def races_between(session: Session, athlete_id: int, start: date, end: date) -> list[Race]:
    rows = session.scalars(
        select(RaceRow)
        .where(RaceRow.athlete_id == athlete_id)
        .where(RaceRow.race_date.between(start, end))
        .order_by(RaceRow.race_date)
    )
    return [
        Race(race_date=r.race_date, name=r.name, distance_km=r.distance_km, priority=r.priority)  # type: ignore[arg-type]
        for r in rows
    ]


def races_of(session: Session, athlete_id: int) -> Sequence[RaceRow]:
    return session.scalars(
        select(RaceRow).where(RaceRow.athlete_id == athlete_id).order_by(RaceRow.race_date)
    ).all()


def remove_race(session: Session, race_id: int) -> RaceRow:
    race = session.get(RaceRow, race_id)
    if race is None:
        raise NotFound(f"race={race_id} does not exist: find ids with `ironmiles race list NAME`")
    session.delete(race)
    session.flush()
    mark_dirty(session, race.athlete_id)
    return race


def record_body_weight(session: Session, athlete: Athlete, weight_kg: float, on: date) -> None:
    """A weigh-in typed by a person, dated `on` (one a day: the day's latest wins). The latest
    weigh-in is the athlete's body weight (the profile's value follows it)."""
    upsert_rows(
        session,
        BodyWeight.__table__,  # type: ignore[arg-type]
        [
            {
                "athlete_id": athlete.id,
                "source": "manual",
                "source_id": on.isoformat(),
                "measured_on": on,
                "weight_kg": weight_kg,
                "raw": {"command": "athlete set", "weight_kg": weight_kg},
            }
        ],
        key=("athlete_id", "source", "source_id"),
        update=("weight_kg", "raw"),
    )
    if latest_body_weight(session, athlete.id) == weight_kg:
        athlete.body_weight_kg = weight_kg
    mark_dirty(session, athlete.id)


def latest_body_weight(session: Session, athlete_id: int) -> float | None:
    """The latest weigh-in from any source (manual, Garmin), None when there is none."""
    return session.scalar(
        select(BodyWeight.weight_kg)
        .where(BodyWeight.athlete_id == athlete_id)
        .order_by(BodyWeight.measured_on.desc(), BodyWeight.id.desc())
        .limit(1)
    )


def remove_athlete(session: Session, athlete: Athlete) -> None:
    """The athlete and everything recorded for it (activities, lifts, plans, tokens) go."""
    session.execute(delete(Athlete).where(Athlete.id == athlete.id))
