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
from engine.prescription.weeks import day_in_week, shift_week, week_monday
from engine.render import Change, plan_changes, plan_json
from engine.render.changes import changes_text
from flows.weekly_load import refresh_weekly_load
from warehouse.athletes import get_athlete
from warehouse.plans import PlanInputs, StoredPlan, latest_plan, plan_inputs, store_plan


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
        # The warehouse hands a known experience and priorities (connectors.records' vocabulary:
        # the engine's Literal types are the same, as mypy checks here), never a default.
        experience=inputs.experience,
        technique_controlled=inputs.technique_controlled,
        prefers_single_leg=inputs.prefers_single_leg,
        sessions_per_week=inputs.sessions_per_week,
        body_weight_kg=inputs.body_weight_kg,
        squats=squat_history(rows, planned),
        last_week=WeekLoad()
        if load is None
        else WeekLoad(distance_km=load.distance_km, avg4_km=load.avg4_km, acwr=load.acwr),
        races=tuple(
            RaceDay(race_date=race.race_date, priority=race.priority, name=race.name)
            for race in inputs.races
        ),
        squat_weeks=squat_weeks(row for row in rows if row.performed_on < week_monday(week)),
        history_start=inputs.history_start,
    )
    return state, RuleParams().with_overrides(inputs.rule_overrides)


def plan_week(session: Session, name: str, week: str, *, now: datetime) -> WeekPlan:
    """Prescribe `week` for athlete `name`, compare with last week's latest plan, and store it
    as a new version of the week when it differs from the latest one.

    Reads last week's stored load as it is: the caller hands it fresh (the nightly job
    refreshes every changed athlete once before re-planning; `refresh_and_plan_week` refreshes
    the one athlete first)."""
    athlete = get_athlete(session, name)
    monday = week_monday(week)
    inputs = plan_inputs(
        session, athlete, before=monday, last_week_start=monday - timedelta(weeks=1)
    )
    state, params = athlete_state(inputs, week)
    prescription = prescribe(state, params)
    previous = latest_plan(session, athlete.id, shift_week(week, -1))
    changes = plan_changes(None if previous is None else previous.payload, prescription)
    stored = store_plan(
        session,
        athlete.id,
        week,
        session_date=prescription.date,
        payload=plan_json(athlete.name, week, prescription),
        changes=changes_text(list(changes)),
        created_at=now,
    )
    return WeekPlan(
        athlete=athlete.name,
        week=week,
        prescription=prescription,
        changes=changes,
        stored=stored,
    )


def refresh_and_plan_week(session: Session, name: str, week: str, *, now: datetime) -> WeekPlan:
    """`ironmiles plan`: bring the athlete's weekly load up to date with what was stored since,
    then plan (one athlete: one refresh)."""
    athlete = get_athlete(session, name)
    refresh_weekly_load(session, now=now, only={athlete.id})
    return plan_week(session, name, week, now=now)
