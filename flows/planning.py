"""Re-plan one athlete's squat week: warehouse inputs -> engine state -> stored plan.

Shared by `ironmiles plan` and the nightly re-plan. The clock is read by the caller and passed
in (`now`), like everything else with a side effect.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.prescription import (
    AthleteState,
    Prescription,
    RaceDay,
    RuleParams,
    WeekLoad,
    prescribe,
    squat_inputs,
)
from engine.prescription.weeks import day_in_week, shift_week, week_monday, week_of
from engine.render import Change, notice_line, plan_changes, plan_json
from engine.render.changes import changes_text
from flows.lift_sets import engine_set
from flows.settings import Settings
from flows.workout_push import PushOutcome, push_with_settings
from warehouse.athletes import get_athlete
from warehouse.models import Athlete
from warehouse.plans import PlanInputs, StoredPlan, latest_plan, plan_inputs, store_plan
from warehouse.refresh_due import athletes_due, local_today


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekPlan:
    athlete: str
    week: str
    prescription: Prescription
    changes: tuple[Change, ...]
    stored: StoredPlan
    """The stored version this plan is (a new one, or the unchanged latest)."""
    athlete_id: int

    @property
    def notice(self) -> str | None:
        """What this version changed and why, in one line (None: nothing changed)."""
        return self.stored.notice

    @property
    def payload(self) -> dict[str, Any]:
        return dict(self.stored.payload)


def athlete_state(
    inputs: PlanInputs, week: str, *, provisional: bool = False
) -> tuple[AthleteState, RuleParams]:
    """The engine's view of the warehouse inputs. Raises engine.errors.ParamError when the
    stored overrides no longer validate. `provisional`: the week before is still running."""
    params = RuleParams().with_overrides(inputs.rule_overrides)
    planned = day_in_week(week, inputs.gym_weekday - 1)
    rows = [engine_set(stored) for stored in inputs.squat_sets]
    # Only sets that may drive a plan (plausible, or confirmed; not a watch guess unless the
    # athlete trusts it); the others are named in the plan with their ids (R16).
    squats = squat_inputs(rows, planned, inputs.body_weight_kg, params)
    ignored = tuple(
        dataclasses.replace(left_out, set_id=inputs.squat_sets[index].id)
        for index, left_out in squats.ignored
    )
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
        squats=squats.history,
        last_week=WeekLoad()
        if load is None
        else WeekLoad(distance_km=load.distance_km, avg4_km=load.avg4_km, acwr=load.acwr),
        races=tuple(
            RaceDay(race_date=race.race_date, priority=race.priority, name=race.name)
            for race in inputs.races
        ),
        squat_weeks=squats.weeks,
        history_start=inputs.history_start,
        ignored_sets=ignored,
        provisional=provisional,
    )
    return state, params


def deliver_stored_plans(
    engine: Engine, settings: Settings, *, now: datetime, only: set[int] | None = None
) -> list[PushOutcome]:
    """The step after plans are stored and committed (by `plan`, the nightly re-plan or an
    event-triggered one): opted-in athletes get them as Garmin workouts. Separate from
    `plan_week`'s transaction on purpose: a failed push is recorded and retried next run, and
    never takes the stored plan with it. `only`: these athlete ids (None: every opted-in one,
    which also retries earlier failures)."""
    return push_with_settings(engine, settings, now=now, only=only)


def plan_week(
    session: Session, name: str, week: str, *, now: datetime, store: bool = True
) -> WeekPlan:
    """Prescribe `week` for athlete `name`, compare with last week's latest plan, and store it
    as a new version of the week when it differs from the latest one.

    Reads last week's stored load as it is: the caller hands it fresh (the nightly job
    refreshes every changed athlete once before re-planning; `refresh_and_plan_week` refreshes
    the one athlete first). Without `store` nothing is written (a read-only warehouse): the
    plan is the version it would be."""
    athlete = get_athlete(session, name)
    monday = week_monday(week)
    inputs = plan_inputs(
        session, athlete, before=monday, last_week_start=monday - timedelta(weeks=1)
    )
    # Made before the athlete's week W-1 is over, the plan may still change: it says so, and
    # the nightly re-plan makes it again once W-1 has ended (`provisional_weeks_due`).
    provisional = local_today(now, athlete.timezone) < monday
    state, params = athlete_state(inputs, week, provisional=provisional)
    prescription = prescribe(state, params)
    previous = latest_plan(session, athlete.id, shift_week(week, -1))
    changes = plan_changes(None if previous is None else previous.payload, prescription)
    payload = plan_json(athlete.name, week, prescription)
    earlier = latest_plan(session, athlete.id, week)
    # A re-plan says what it changed from the version it replaces; a first plan, from last week.
    notice = (
        notice_line(changes, replan=False)
        if earlier is None
        else notice_line(plan_changes(earlier.payload, prescription), replan=True)
    )
    if store:
        stored = store_plan(
            session,
            athlete.id,
            week,
            session_date=prescription.date,
            payload=payload,
            changes=changes_text(list(changes)),
            created_at=now,
            notice=notice,
        )
    elif earlier is not None and dict(earlier.payload) == dict(payload):
        stored = earlier
    else:
        version = 1 if earlier is None else earlier.version + 1
        stored = StoredPlan(week=week, version=version, session_date=prescription.date,
                            payload=payload, changes=tuple(changes_text(list(changes))),
                            created_at=now, notice=notice)  # fmt: skip
    return WeekPlan(
        athlete=athlete.name,
        week=week,
        prescription=prescription,
        changes=changes,
        stored=stored,
        athlete_id=athlete.id,
    )


def refresh_and_plan_week(
    session: Session, name: str, week: str, *, now: datetime, store: bool = True
) -> WeekPlan:
    """`ironmiles plan`: bring the athlete's weekly load up to date with what was stored since,
    then plan (one athlete: one refresh). Without `store` (a read-only warehouse) nothing is
    refreshed or stored: the plan uses the weekly load as last stored."""
    athlete = get_athlete(session, name)
    if store and athlete.id in athletes_due(session, now=now):
        # Loaded only when there is something to refresh: the weekly load's computation needs
        # polars, which a plan made on current load does not pay for at start-up.
        from flows.weekly_load import refresh_weekly_load

        refresh_weekly_load(session, now=now, only={athlete.id})
    return plan_week(session, name, week, now=now, store=store)


def provisional_plan_due(session: Session, athlete: Athlete, *, now: datetime) -> bool:
    """Whether the athlete's latest plan for their current week was made while the week before
    was still running: that week has ended now, so the nightly re-plan replaces it."""
    latest = latest_plan(session, athlete.id, week_of(local_today(now, athlete.timezone)))
    return latest is not None and bool(latest.payload.get("provisional"))
