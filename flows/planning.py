"""Re-plan one athlete's squat week: warehouse inputs -> engine state -> stored plan.

Shared by `ironmiles plan` and the nightly re-plan. The clock is read by the caller and passed
in (`now`), like everything else with a side effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine.prescription import (
    AthleteState,
    Prescription,
    RaceDay,
    RuleParams,
    SetRow,
    WeekLoad,
    prescribe,
    squat_history,
    squat_weeks,
)
from engine.prescription.params import Experience, Priority
from engine.prescription.weeks import day_in_week, shift_week, week_monday
from engine.render import Change, plan_changes, plan_json
from engine.render.changes import changes_text
from flows.weekly_load import refresh_weekly_load
from warehouse.athletes import get_athlete
from warehouse.plans import PlanInputs, StoredPlan, latest_plan, plan_inputs, store_plan

EXPERIENCES: dict[str, Experience] = {
    "beginner": "beginner",
    "intermediate": "intermediate",
    "experienced": "experienced",
}
PRIORITIES: dict[str, Priority] = {"A": "A", "B": "B", "C": "C"}


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekPlan:
    athlete: str
    week: str
    prescription: Prescription
    changes: tuple[Change, ...]
    stored: StoredPlan
    """The stored version this plan is (a new one, or the unchanged latest)."""

    @property
    def payload(self) -> dict[str, Any]:
        return dict(self.stored.payload)


def athlete_state(inputs: PlanInputs, week: str) -> tuple[AthleteState, RuleParams]:
    """The engine's view of the warehouse inputs. Raises engine.errors.ParamError when the
    stored overrides no longer validate."""
    planned = day_in_week(week, inputs.gym_weekday - 1)
    rows = [
        SetRow(
            performed_on=row.performed_on,
            exercise=row.exercise,
            set_index=row.set_index,
            reps=row.reps,
            weight_kg=row.weight_kg,
            rir=row.rir,
            warmup=row.warmup,
        )
        for row in inputs.squat_sets
    ]
    load = inputs.last_week_load
    state = AthleteState(
        planned_date=planned,
        experience=EXPERIENCES.get(inputs.experience, "beginner"),
        technique_controlled=inputs.technique_controlled,
        prefers_single_leg=inputs.prefers_single_leg,
        sessions_per_week=inputs.sessions_per_week,
        body_weight_kg=inputs.body_weight_kg,
        squats=squat_history(rows, planned),
        last_week=WeekLoad()
        if load is None
        else WeekLoad(distance_km=load.distance_km, avg4_km=load.avg4_km, acwr=load.acwr),
        races=tuple(
            RaceDay(race_date=race.race_date, priority=PRIORITIES[race.priority], name=race.name)
            for race in inputs.races
            if race.priority in PRIORITIES
        ),
        squat_weeks=squat_weeks(row for row in rows if row.performed_on < week_monday(week)),
        history_start=inputs.history_start,
    )
    return state, RuleParams().with_overrides(inputs.rule_overrides)


def plan_week(
    session: Session, name: str, week: str, *, now: datetime, store: bool = True
) -> WeekPlan:
    """Prescribe `week` for athlete `name`, compare with last week's latest plan, and store it
    as a new version of the week when it differs from the latest one.

    Without `store` nothing is written (a read-only warehouse): the weekly load is read as it
    was last stored, and the plan is the version it would be."""
    athlete = get_athlete(session, name)
    if store:
        # The plan reads last week's load: bring it up to date with what was stored since.
        refresh_weekly_load(session, now=now, only={athlete.id})
    monday = week_monday(week)
    inputs = plan_inputs(
        session, athlete, before=monday, last_week_start=monday - timedelta(weeks=1)
    )
    state, params = athlete_state(inputs, week)
    prescription = prescribe(state, params)
    previous = latest_plan(session, athlete.id, shift_week(week, -1))
    changes = plan_changes(None if previous is None else previous.payload, prescription)
    payload = plan_json(athlete.name, week, prescription)
    if store:
        stored = store_plan(
            session,
            athlete.id,
            week,
            session_date=prescription.date,
            payload=payload,
            changes=changes_text(list(changes)),
            created_at=now,
        )
    else:
        latest = latest_plan(session, athlete.id, week)
        if latest is not None and dict(latest.payload) == dict(payload):
            stored = latest
        else:
            version = 1 if latest is None else latest.version + 1
            stored = StoredPlan(week=week, version=version, session_date=prescription.date,
                                payload=payload, changes=tuple(changes_text(list(changes))),
                                created_at=now)  # fmt: skip
    return WeekPlan(
        athlete=athlete.name,
        week=week,
        prescription=prescription,
        changes=changes,
        stored=stored,
    )
