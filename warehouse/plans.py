"""What the squat planner reads from the warehouse, and the plans it writes back.

Knows nothing of the engine: it returns plain frozen rows, and stores a plan as the JSON
document the engine rendered. Every re-plan that changes a week's plan is a new version, so
the history of a week's plan is kept; an unchanged re-plan writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.records import EXPERIENCES, PRIORITIES, Experience, Priority
from warehouse.errors import UnknownStoredValue
from warehouse.lift_links import linked_copies
from warehouse.lifts import StoredLiftSet, stored_lift_set
from warehouse.linking import lock_linking
from warehouse.models import (
    Activity,
    Athlete,
    BodyWeight,
    LiftSession,
    LiftSet,
    Plan,
    Race,
    WeeklyLoad,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceRow:
    race_date: date
    name: str
    priority: Priority


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadRow:
    """The `weekly_load` row of one week; absent when the load pipeline has not run."""

    week: str
    distance_km: float
    avg4_km: float | None
    acwr: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInputs:
    """Everything the planner reads for one athlete and one planned week."""

    athlete_id: int
    name: str
    experience: Experience
    technique_controlled: bool
    prefers_single_leg: bool
    sessions_per_week: int
    gym_weekday: int
    """ISO weekday, 1 = Monday ... 7 = Sunday."""
    rule_overrides: Mapping[str, Any]
    body_weight_kg: float | None
    squat_sets: tuple[StoredLiftSet, ...]
    """Each squat set once (its canonical copy), as the linked copies complete it."""
    last_week_load: LoadRow | None
    races: tuple[RaceRow, ...]
    history_start: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPlan:
    week: str
    version: int
    session_date: date | None
    payload: Mapping[str, Any]
    changes: tuple[str, ...]
    created_at: datetime
    notice: str | None = None
    """One line: what this version changed and why."""


def plan_inputs(
    session: Session, athlete: Athlete, *, before: date, last_week_start: date
) -> PlanInputs:
    """The inputs for a plan made from what happened before `before` (the Monday of the
    planned week). Body weight: the latest measurement before then, else the profile's."""
    measured = session.scalar(
        select(BodyWeight.weight_kg)
        .where(BodyWeight.athlete_id == athlete.id, BodyWeight.measured_on < before)
        .order_by(BodyWeight.measured_on.desc(), BodyWeight.id.desc())
        .limit(1)
    )
    sets = session.scalars(
        select(LiftSet)
        .where(
            LiftSet.athlete_id == athlete.id,
            LiftSet.performed_on < before,
            LiftSet.exercise.like("%squat%"),
            # Each set once, however many sources it came from; deleted sets not at all.
            LiftSet.canonical_id == LiftSet.id,
            LiftSet.deleted_at.is_(None),
        )
        .order_by(LiftSet.performed_on, LiftSet.set_index, LiftSet.id)
    ).all()
    overruled = _guesses_overruled_by_the_api(session, athlete.id, sets)
    # Each set counts once through its canonical copy; the copies still say what the canonical
    # one lacks: the watch records no RIR (a typed copy's is taken), and a copy a person typed
    # (manual entry, confirmed) or confirmed vouches for the watch's guess of the same set.
    copies = linked_copies(session, [row.id for row in sets])
    rir = {
        row.id: row.rir if row.rir is not None else _copied_rir(copies.get(row.id, []))
        for row in sets
    }
    vouched = {
        row.id
        for row in sets
        if any(c.confirmed and c.deleted_at is None for c in copies.get(row.id, []))
    }
    load = session.scalar(
        select(WeeklyLoad).where(
            WeeklyLoad.athlete_id == athlete.id, WeeklyLoad.week_start == last_week_start
        )
    )
    races = session.scalars(
        select(Race).where(Race.athlete_id == athlete.id).order_by(Race.race_date, Race.name)
    )
    first_activity = session.scalar(
        select(func.min(Activity.local_date)).where(Activity.athlete_id == athlete.id)
    )
    first_lift = session.scalar(
        select(func.min(LiftSet.performed_on)).where(LiftSet.athlete_id == athlete.id)
    )
    starts = [day for day in (first_activity, first_lift) if day is not None]
    return PlanInputs(
        athlete_id=athlete.id,
        name=athlete.name,
        experience=stored_experience(athlete),
        technique_controlled=athlete.technique_controlled,
        prefers_single_leg=athlete.prefers_single_leg,
        sessions_per_week=athlete.sessions_per_week,
        gym_weekday=athlete.gym_weekday,
        rule_overrides=dict(athlete.rule_overrides or {}),
        body_weight_kg=measured if measured is not None else athlete.body_weight_kg,
        squat_sets=tuple(
            _completed(stored_lift_set(row), rir=rir[row.id], vouched=row.id in vouched)
            for row in sets
            if row.session_id not in overruled
        ),
        last_week_load=None
        if load is None
        else LoadRow(
            week=load.week, distance_km=load.distance_km, avg4_km=load.avg4_km, acwr=load.acwr
        ),
        races=tuple(
            RaceRow(race_date=r.race_date, name=r.name, priority=stored_priority(athlete, r))
            for r in races
        ),
        history_start=min(starts) if starts else None,
    )


def _completed(stored: StoredLiftSet, *, rir: int | None, vouched: bool) -> StoredLiftSet:
    """The canonical copy with what its linked copies add: their RIR where it has none, and a
    person's word for the watch's guess of the exercise."""
    record = dataclasses.replace(
        stored.record, rir=rir, exercise_guessed=stored.record.exercise_guessed and not vouched
    )
    return dataclasses.replace(stored, record=record, confirmed=stored.confirmed or vouched)


def _guesses_overruled_by_the_api(
    session: Session, athlete_id: int, sets: Sequence[LiftSet]
) -> set[int]:
    """Lift sessions whose exercise names are the watch's guess while the Garmin API also holds
    the same session (their activities are linked): the API's names, which the athlete can
    correct in Garmin Connect, win, so the guessed copy is left out of the plan inputs."""
    guessed = {row.session_id for row in sets if row.exercise_guessed and not row.confirmed}
    if not guessed:
        return set()
    group = func.coalesce(Activity.canonical_id, Activity.id)
    guessed_groups: dict[int, int] = {
        session_id: grp
        for session_id, grp in session.execute(
            select(LiftSession.id, group)
            .join(Activity, LiftSession.activity_id == Activity.id)
            .where(LiftSession.id.in_(guessed))
        )
    }
    api_groups = set(
        session.scalars(
            select(group)
            .select_from(LiftSession)
            .join(Activity, LiftSession.activity_id == Activity.id)
            .where(LiftSession.athlete_id == athlete_id, LiftSession.source == "garmin")
        )
    )
    return {sid for sid, grp in guessed_groups.items() if grp in api_groups}


def _copied_rir(copies: list[LiftSet]) -> int | None:
    known = [c.rir for c in copies if c.rir is not None and c.deleted_at is None]
    return min(known) if known else None


def stored_experience(athlete: Athlete) -> Experience:
    """The athlete's experience, one of connectors.records.EXPERIENCES; any other stored value
    is an error naming it (never read as some default)."""
    found = next((known for known in EXPERIENCES if known == athlete.experience), None)
    if found is None:
        raise UnknownStoredValue(
            f"athlete {athlete.name!r}",
            "experience",
            athlete.experience,
            EXPERIENCES,
            f"set it with `ironmiles athlete set {athlete.name} --experience LEVEL`",
        )
    return found


def stored_priority(athlete: Athlete, race: Race) -> Priority:
    """The race's priority, one of connectors.records.PRIORITIES; any other stored value is an
    error naming it (never a race silently left out of the plan)."""
    found = next((known for known in PRIORITIES if known == race.priority), None)
    if found is None:
        raise UnknownStoredValue(
            f"race {race.name!r} on {race.race_date} of athlete {athlete.name!r}",
            "priority",
            race.priority,
            PRIORITIES,
            f"record it again with `ironmiles race add {athlete.name} --date {race.race_date} "
            f"--name {race.name!r} --distance-km {race.distance_km:g} --priority A|B|C`",
        )
    return found


def latest_plan(session: Session, athlete_id: int, week: str) -> StoredPlan | None:
    row = session.scalar(
        select(Plan)
        .where(Plan.athlete_id == athlete_id, Plan.week == week)
        .order_by(Plan.version.desc())
        .limit(1)
    )
    return None if row is None else _stored(row)


def plan_history(session: Session, athlete_id: int, week: str) -> list[StoredPlan]:
    """Every version of one week's plan, oldest first."""
    rows = session.scalars(
        select(Plan).where(Plan.athlete_id == athlete_id, Plan.week == week).order_by(Plan.version)
    )
    return [_stored(row) for row in rows]


def store_plan(
    session: Session,
    athlete_id: int,
    week: str,
    *,
    session_date: date | None,
    payload: Mapping[str, Any],
    changes: Sequence[str],
    created_at: datetime,
    notice: str | None = None,
) -> StoredPlan:
    """Keep the plan as a new version of the week, unless the latest version is the same plan
    (then that version is returned and nothing is written).

    Two runs re-planning one athlete at once (two syncs on PostgreSQL) would both read version
    N and both insert N + 1: the athlete's row lock (the one linking takes) makes the second
    wait, then read the first's committed version (a no-op on SQLite, whose writers are
    serialised already)."""
    lock_linking(session, athlete_id)
    latest = latest_plan(session, athlete_id, week)
    if latest is not None and dict(latest.payload) == dict(payload):
        return latest
    row = Plan(
        athlete_id=athlete_id,
        week=week,
        version=1 if latest is None else latest.version + 1,
        session_date=session_date,
        payload=dict(payload),
        changes=list(changes),
        notice=notice,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return _stored(row)


def set_rule_overrides(session: Session, athlete: Athlete, overrides: Mapping[str, Any]) -> None:
    """Replace the athlete's rule overrides (already validated by the caller)."""
    athlete.rule_overrides = dict(overrides)
    session.flush()


def _stored(row: Plan) -> StoredPlan:
    return StoredPlan(
        week=row.week,
        version=row.version,
        session_date=row.session_date,
        payload=dict(row.payload),
        changes=tuple(row.changes or ()),
        created_at=row.created_at,
        notice=row.notice,
    )
