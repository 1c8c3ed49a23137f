"""The Prefect flow `nightly_sync`: the nightly job of flows/nightly.py with its athlete-source
units as Prefect tasks, run concurrently (Strava's rate budget is shared and thread-safe), and
the outbox's events published to Prefect's event system. A unit that fails for an unexpected
reason is recorded in sync_state by the composition, which goes on with the others.

Deploy with a nightly cron (infra/prefect.yaml); add `ironmiles` to
PREFECT_LOGGING_EXTRA_LOGGERS to see the per-source lines in the Prefect UI.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from connectors.source import SOURCE_NAMES, SourceName
from flows.nightly import Unit, run_nightly
from flows.planning import deliver_stored_plans
from flows.settings import load_settings
from flows.source_runs import SourceOutcome, deps_from_settings, quiet_library_loggers
from flows.workout_push import push_line
from warehouse.models import Event

T = TypeVar("T")


@task(name="sync-source", cache_policy=NO_CACHE, retries=0)
def sync_source_task(
    run: Callable[[str, SourceName], SourceOutcome], athlete: str, source: SourceName
) -> SourceOutcome:
    """Fetch and store one athlete's new data from one source (network and database I/O)."""
    return run(athlete, source)


@task(name="nightly-step", cache_policy=NO_CACHE, retries=0)
def step_task(fn: Callable[[], T]) -> T:
    """One step after the units: the follow-up (weekly load, events, re-plans) or publishing."""
    return fn()


_STEP_RETRIES = {"publish-events": 2}  # publishing is idempotent per event id; the rest not


class PrefectTasks:
    """The flow's runner (flows.nightly.TaskRunner): every unit and step a Prefect task."""

    def __init__(self, *, concurrent: bool) -> None:
        self.concurrent = concurrent

    def each(
        self, run: Callable[[str, SourceName], SourceOutcome], units: Sequence[Unit]
    ) -> list[SourceOutcome | BaseException]:
        futures = []
        for athlete, source in units:
            future = sync_source_task.submit(run, athlete, source)
            if not self.concurrent:
                future.wait()
            futures.append(future)
        results: list[SourceOutcome | BaseException] = []
        for future in futures:
            result = future.result(raise_on_failure=False)
            if isinstance(result, SourceOutcome | BaseException):
                results.append(result)
            else:
                results.append(RuntimeError(result))
        return results

    def step(self, name: str, fn: Callable[[], T]) -> T:
        options = step_task.with_options(name=name, retries=_STEP_RETRIES.get(name, 0))
        return options(fn)


def emit_to_prefect(event: Event) -> None:
    emit_event(
        event=f"ironmiles.{event.kind}",
        resource={"prefect.resource.id": f"ironmiles.event.{event.id}",
                  "ironmiles.dedupe_key": event.dedupe_key},
        payload=dict(event.payload),
    )  # fmt: skip


def sources_of(choice: str) -> tuple[SourceName, ...]:
    if choice == "all":
        return SOURCE_NAMES
    if choice in SOURCE_NAMES:
        return (choice,)
    raise ValueError(f"source={choice!r} is not one of garmin, strava, all")


@flow(name="nightly-sync", log_prints=False)
def nightly_sync(athlete: str | None = None, source: str = "all") -> list[dict[str, Any]]:
    """Sync every connected source of every athlete (or of one athlete / one source)."""
    logger = get_run_logger()
    quiet_library_loggers()
    settings = load_settings()
    deps = deps_from_settings(settings)
    try:
        # SQLite takes one writer at a time (a second one fails at once with "database is
        # locked"), so there the tasks run one after the other; PostgreSQL runs them together.
        runner = PrefectTasks(concurrent=deps.engine.dialect.name != "sqlite")
        night = run_nightly(
            deps,
            athlete=athlete,
            sources=sources_of(source),
            runner=runner,
            publish=emit_to_prefect,
            deliver=lambda: deliver_stored_plans(deps.engine, settings, now=deps.clock()),
        )
        for outcome in night.outcomes:
            logger.info(
                "%s/%s: %s (%d new, %d calls)%s",
                outcome.athlete,
                outcome.source,
                outcome.status,
                outcome.activities_added,
                outcome.calls,
                f": {outcome.error}" if outcome.error else "",
            )
        logger.info(night.followed.summary())
        for push in night.pushed:
            logger.info("Garmin workouts of %s: %s", push.athlete, push_line(push))
        logger.info("%d event(s) published", night.published)
        return night.outcome_dicts()
    finally:
        deps.engine.dispose()
