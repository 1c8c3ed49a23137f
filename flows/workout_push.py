"""The step after plans are stored: put each opted-in athlete's plans on their Garmin calendar.

For every week from the athlete's current week on, the latest stored plan is compared with what
`workout_pushes` says is on Garmin. A changed plan replaces the workout (the old one is
unscheduled and deleted first, so a day never holds two); a skipped week removes it; an
unchanged one costs no call. Each Garmin call's effect is committed before the next call, so a
failure part-way (a 429, a rejected token, a crash) is resumed by the next run from the plan,
which stays stored whatever happens here. The outcome per athlete is also kept in sync_state
under the source `garmin_workouts`, beside the sync's own health.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from connectors.errors import AuthExpired, ConnectorError, RateLimited
from connectors.garmin.workouts import SetBlock, StrengthSession, strength_workout_json
from connectors.source import Sleep
from engine.prescription.weeks import week_of
from flows.settings import Settings
from warehouse.db import session_scope
from warehouse.deliveries import LatestPlan, latest_plans, push_athletes, push_state, push_states
from warehouse.refresh_due import local_today
from warehouse.sync_state import finish_run

# garminconnect (and its HTTP stack) and cryptography are loaded when a push is due: `ironmiles
# plan` stores a plan through here, and an athlete who did not opt in costs it nothing.
if TYPE_CHECKING:
    from cryptography.fernet import Fernet

    from connectors.garmin.client import GarminApi, GarminEndpoints

SOURCE = "garmin_workouts"
SINGLE_LEG = frozenset({"bulgarian_split_squat"})
"""Variants whose reps are per leg (the plan JSON's reps; the weight is the total load)."""

log = logging.getLogger("ironmiles.workout_push")

ApiFor = Callable[[int], "GarminApi"]
"""Builds the Garmin client of one athlete (by id) from their stored tokens."""


@dataclass(slots=True)
class PushOutcome:
    athlete: str
    status: str = "ok"
    """ok | needs_reauth | rate_limited | error"""
    scheduled: int = 0
    removed: int = 0
    unchanged: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def workout_description(plan: Mapping[str, Any], notice: str | None) -> str:
    """What changed (if anything) first, then the session, then why: the watch shows the top."""
    lines = [notice] if notice else []
    lines.append(_headline(plan))
    reasons = "; ".join(f"{rule['id']}: {rule['reason']}" for rule in plan.get("rules") or ())
    if reasons:
        lines.append(f"Why: {reasons}")
    return "\n".join(lines)


def _headline(plan: Mapping[str, Any]) -> str:
    leg = "/leg" if plan.get("variant") in SINGLE_LEG else ""
    variant = str(plan.get("variant") or "squat").replace("_", " ")
    rir = f", RIR {plan['target_rir']}" if plan.get("target_rir") else ""
    return (
        f"{variant[0].upper()}{variant[1:]}: {plan.get('sets')} x {plan.get('reps')}{leg} "
        f"@ {float(plan.get('weight_kg') or 0):g} kg{rir}"
    )


def strength_session(plan: LatestPlan) -> StrengthSession | None:
    """The Garmin workout of a stored plan; None for a skipped week (nothing to do that day)."""
    payload = plan.payload
    if payload.get("skip") or plan.session_date is None:
        return None
    warmup = payload.get("warmup")
    return StrengthSession(
        name=f"ironmiles squats {plan.week}",
        on=plan.session_date,
        exercise=str(payload["variant"]),
        working=SetBlock(
            sets=int(payload["sets"]),
            reps=int(payload["reps"]),
            weight_kg=float(payload["weight_kg"] or 0.0),
        ),
        warmup=None
        if not warmup
        else SetBlock(
            sets=int(warmup["sets"]),
            reps=int(warmup["reps"]),
            weight_kg=float(warmup["weight_kg"] or 0.0),
        ),
        per_leg=payload["variant"] in SINGLE_LEG,
        description=workout_description(payload, plan.notice),
    )


def push_workouts(
    engine: Engine, api_for: ApiFor, *, now: datetime, only: Collection[int] | None = None
) -> list[PushOutcome]:
    """Bring every opted-in athlete's Garmin calendar in line with their stored plans (`only`:
    just these athlete ids). One athlete's failure is recorded and the others go on."""
    with session_scope(engine) as session:
        athletes = [
            (a.id, a.name, a.timezone)
            for a in push_athletes(session, None if only is None else set(only))
        ]
    from warehouse.credentials import CredentialUnreadable

    outcomes = []
    for athlete_id, name, zone in athletes:
        outcome = PushOutcome(athlete=name)
        try:
            _push_athlete(engine, api_for, athlete_id, week_of(local_today(now, zone)), outcome)
        except (AuthExpired, CredentialUnreadable) as err:
            outcome.status, outcome.error = "needs_reauth", str(err)
        except RateLimited as err:
            outcome.status, outcome.error = "rate_limited", str(err)
        except Exception as err:  # the boundary: record it for this athlete, go on
            reason = str(err) if isinstance(err, ConnectorError) else f"{type(err).__name__}: {err}"
            outcome.status, outcome.error = "error", reason[:2000]
        with session_scope(engine) as session:
            state = finish_run(session, athlete_id, SOURCE, outcome.status, error=outcome.error)
            state.last_run_at = now
        level = logging.INFO if outcome.status == "ok" else logging.WARNING
        log.log(level, "%s: workouts %s", name, push_line(outcome))
        outcomes.append(outcome)
    return outcomes


def push_line(o: PushOutcome) -> str:
    line = f"{o.status}; {o.scheduled} scheduled, {o.removed} removed, {o.unchanged} unchanged"
    return f"{line}; {o.error}" if o.error else line


def _push_athlete(
    engine: Engine, api_for: ApiFor, athlete_id: int, this_week: str, outcome: PushOutcome
) -> None:
    with session_scope(engine) as session:
        plans = latest_plans(session, athlete_id, from_week=this_week)
        states = {
            week: (s.plan_version, s.status) for week, s in push_states(session, athlete_id).items()
        }
    done = {(p.week, p.version, status) for p in plans for status in ("scheduled", "removed")}
    due = [p for p in plans if (p.week, *states.get(p.week, (None, None))) not in done]
    outcome.unchanged = len(plans) - len(due)
    if not due:
        return
    api = api_for(athlete_id)
    for plan in due:
        try:
            _push_week(engine, api, athlete_id, plan, outcome)
        except Exception as err:
            with session_scope(engine) as session:
                state = push_state(session, athlete_id, plan.week)
                state.status = "failed"
                state.last_error = str(err)[:2000]
            raise


def _push_week(
    engine: Engine, api: GarminApi, athlete_id: int, plan: LatestPlan, outcome: PushOutcome
) -> None:
    def save(**fields: Any) -> None:
        with session_scope(engine) as session:
            state = push_state(session, athlete_id, plan.week)
            for key, value in fields.items():
                setattr(state, key, value)

    with session_scope(engine) as session:
        state = push_state(session, athlete_id, plan.week)
        state.attempts += 1
        old_schedule, old_workout = state.schedule_id, state.workout_id
    # Off the calendar and out of the library first: never two workouts on one day.
    if old_schedule is not None:
        api.unschedule_workout(old_schedule)
        save(schedule_id=None, scheduled_on=None)
    if old_workout is not None:
        # Also the way out of a push cut off between upload and schedule: Garmin drops a
        # deleted workout's schedules, so nothing half-done survives.
        api.delete_workout(old_workout)
        save(workout_id=None, plan_version=None)
    session_plan = strength_session(plan)
    if session_plan is None:
        save(plan_version=plan.version, status="removed", last_error=None)
        outcome.removed += 1
        return
    workout_id = api.upload_strength_workout(strength_workout_json(session_plan))
    save(workout_id=workout_id, status="pending")
    schedule_id = api.schedule_workout(workout_id, session_plan.on)
    save(
        schedule_id=schedule_id,
        scheduled_on=session_plan.on,
        plan_version=plan.version,
        status="scheduled",
        last_error=None,
    )
    outcome.scheduled += 1


def garmin_api_for(
    engine: Engine,
    cipher: Fernet,
    endpoints: GarminEndpoints,
    *,
    sleep: Sleep = time.sleep,
    timeout_s: float = 20.0,
) -> ApiFor:
    """The Garmin client of an athlete from their encrypted tokens (as the sync builds it)."""
    from connectors.garmin.client import GarminApi
    from warehouse.credentials import CredentialStore

    def build(athlete_id: int) -> GarminApi:
        store = CredentialStore(engine, cipher, athlete_id, "garmin")
        return GarminApi(store, endpoints=endpoints, sleep=sleep, timeout_s=timeout_s)

    return build


def push_with_settings(
    engine: Engine, settings: Settings, *, now: datetime, only: Collection[int] | None = None
) -> list[PushOutcome]:
    """`push_workouts` with the Garmin client built from settings; nothing is built (and no
    key is needed) when nobody opted in."""
    with session_scope(engine) as session:
        if not push_athletes(session, None if only is None else set(only)):
            return []
    from connectors.garmin.client import GarminEndpoints
    from warehouse.credentials import cipher_from_key

    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    cipher = cipher_from_key(secret)
    endpoints = GarminEndpoints.from_base(settings.garmin_api_base)
    return push_workouts(engine, garmin_api_for(engine, cipher, endpoints), now=now, only=only)
