"""The nightly job, composed once: sync each athlete's connected sources -> store -> weekly
load -> events -> re-plan (architecture steps 3 to 6). `ironmiles sync` and the Prefect flow
(flows/nightly_flow.py) both call `run_nightly`; what differs between them is passed in: the
clock (SyncDeps.clock), the task runner that runs the athlete-source units (in sequence for the
CLI, Prefect tasks in the flow), the HTTP seams (SyncDeps.config) and the event publisher (the
CLI has none: events wait in the outbox).

Weekly load is refreshed once per night for every athlete whose data changed; each re-plan is
then handed that fresh load (plan_week reads the stored rows) instead of refreshing again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine

from connectors.source import SOURCE_NAMES, SourceName
from engine.prescription.weeks import next_week, week_of
from flows.planning import plan_week, provisional_plan_due
from flows.source_runs import SourceOutcome, SyncDeps, plan_runs, record_failure, sync_source
from flows.weekly_load import local_today, refresh_weekly_load
from flows.workout_push import PushOutcome
from warehouse.athletes import list_athletes
from warehouse.db import session_scope
from warehouse.dirty import clear_dirty
from warehouse.events import mark_published, unpublished
from warehouse.models import Athlete, Event
from warehouse.strava_push import revoked_states

T = TypeVar("T")
Unit = tuple[str, SourceName]
"""One athlete-source unit of work: (athlete name, source)."""
Publish = Callable[[Event], None]
"""Sends one outbox event on (the flow's: to Prefect's event system)."""
Deliver = Callable[[], list[PushOutcome]]
"""Sends the stored plans on to the athletes' watches (Garmin workouts), after the re-plans."""


class TaskRunner(Protocol):
    """How the composition's work is run: the units, and the steps after them."""

    def each(
        self, run: Callable[[str, SourceName], SourceOutcome], units: Sequence[Unit]
    ) -> list[SourceOutcome | BaseException]:
        """`run` for every unit; a unit that failed gives its exception, in the units' order."""
        ...

    def step(self, name: str, fn: Callable[[], T]) -> T:
        """One step of the night (follow-up, publish); its failure propagates."""
        ...


class InSequence:
    """The CLI's runner: one unit after the other, in this process, no orchestration."""

    def each(
        self, run: Callable[[str, SourceName], SourceOutcome], units: Sequence[Unit]
    ) -> list[SourceOutcome | BaseException]:
        results: list[SourceOutcome | BaseException] = []
        for athlete, source in units:
            try:
                results.append(run(athlete, source))
            except Exception as err:  # the boundary: the composition records it, goes on
                results.append(err)
        return results

    def step(self, name: str, fn: Callable[[], T]) -> T:
        return fn()


@dataclass
class FollowUp:
    refreshed: tuple[int, ...] = ()
    plans: list[tuple[str, str, int]] = field(default_factory=list)
    """(athlete, week, stored version) of each re-plan."""
    events: int = 0

    def summary(self) -> str:
        return (
            f"weekly load recomputed for {len(self.refreshed)} athlete(s); "
            f"{len(self.plans)} squat plan(s) made; {self.events} new event(s)"
        )


@dataclass
class Night:
    """What one run of the nightly job did."""

    outcomes: list[SourceOutcome]
    followed: FollowUp
    published: int = 0
    pushed: list[PushOutcome] = field(default_factory=list)
    """The Garmin workout pushes of the stored plans (opted-in athletes only)."""

    def outcome_dicts(self) -> list[dict[str, Any]]:
        return [outcome.as_dict() for outcome in self.outcomes]


def run_nightly(
    deps: SyncDeps,
    *,
    athlete: str | None = None,
    athletes: Sequence[str] | None = None,
    sources: Sequence[SourceName] = SOURCE_NAMES,
    runner: TaskRunner | None = None,
    publish: Publish | None = None,
    deliver: Deliver | None = None,
    only_ids: tuple[str, ...] = (),
) -> Night:
    """Sync every connected source of the chosen athletes (`athlete`, or those in
    `athletes`, or all when both are None), then recompute,
    announce and re-plan for the athletes whose data changed, then publish the new events
    when a publisher is given. One unit's failure is recorded and never stops the others.
    `only_ids`: a push named these activities; the units fetch just them."""
    runner = runner or InSequence()
    units = plan_runs(deps, athlete, sources)
    if athletes is not None:
        chosen = set(athletes)
        units = [unit for unit in units if unit[0] in chosen]
    results = runner.each(partial(sync_source, deps, only_ids=only_ids), units)
    outcomes = [
        result if isinstance(result, SourceOutcome) else record_failure(deps, name, src, result)
        for (name, src), result in zip(units, results, strict=True)
    ]
    outcomes += revoked_sources(deps, athlete, sources)
    followed = runner.step("follow-up", lambda: follow_up(deps.engine, now=deps.clock()))
    followed.events += sum(outcome.events for outcome in outcomes)
    pushed = [] if deliver is None else runner.step("deliver-workouts", deliver)
    published = 0
    if publish is not None:
        published = runner.step(
            "publish-events", lambda: publish_events(deps.engine, publish, now=deps.clock())
        )
    return Night(outcomes=outcomes, followed=followed, published=published, pushed=pushed)


def revoked_sources(
    deps: SyncDeps, athlete: str | None, sources: Sequence[SourceName]
) -> list[SourceOutcome]:
    """The sync health of sources the athlete revoked access to (nothing to run: no tokens)."""
    with session_scope(deps.engine) as session:
        rows = revoked_states(session, athlete, sources)
    return [
        SourceOutcome(athlete=name, source=source, status="revoked", error=error)
        for name, source, error in rows
    ]


def follow_up(engine: Engine, *, now: datetime) -> FollowUp:
    """Recompute (once), announce and re-plan for every athlete whose data changed.

    The events are written by the weekly-load refresh in its own transaction (week.big,
    race.upcoming) and by the page stores before it (activity.created): each with its change.
    An athlete's dirty mark is cleared in the transaction of its re-plan, so a crash between
    the refresh and the plan leaves the athlete due: the next run makes the plan."""
    with session_scope(engine) as session:
        refreshed = refresh_weekly_load(session, now=now, keep_marks=True)
    result = FollowUp(refreshed=refreshed.athlete_ids, events=refreshed.events)
    for athlete_id in refreshed.athlete_ids:
        # One transaction per athlete: a failed plan for one never holds back the others' rows.
        with session_scope(engine) as session:
            athlete = session.get_one(Athlete, athlete_id)
            today = local_today(now, athlete.timezone)
            plan = plan_week(session, athlete.name, next_week(today), now=now)
            mark = refreshed.marks.get(athlete_id)
            if mark is not None:
                clear_dirty(session, {athlete_id: mark})
            result.plans.append((athlete.name, plan.week, plan.stored.version))
    # A plan made while its week W-1 was running is provisional: once W-1 has ended, make it
    # again (changed data or not), so the week's final plan replaces it.
    with session_scope(engine) as session:
        due = [a.id for a in list_athletes(session) if provisional_plan_due(session, a, now=now)]
    for athlete_id in due:
        with session_scope(engine) as session:
            athlete = session.get_one(Athlete, athlete_id)
            week = week_of(local_today(now, athlete.timezone))
            plan = plan_week(session, athlete.name, week, now=now)
            result.plans.append((athlete.name, plan.week, plan.stored.version))
    return result


def publish_events(engine: Engine, publish: Publish, *, now: datetime) -> int:
    """Send the outbox's unpublished events on, each marked sent in the same step as it is
    sent (its own transaction). A crash between the send and the mark sends that one event
    again, with the same event id (publishers derive it from the dedupe key, so a consumer
    drops the copy); none is ever lost."""
    with session_scope(engine) as session:
        pending = unpublished(session)
    for event in pending:
        with session_scope(engine) as session:
            publish(event)
            mark_published(session, [event.id], now)
    return len(pending)
