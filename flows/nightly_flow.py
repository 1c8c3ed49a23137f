"""The Prefect flow `nightly_sync`: the nightly job of flows/nightly.py with its athlete-source
units as Prefect tasks, run concurrently (Strava's rate budget is shared and thread-safe), and
the outbox's events published to Prefect's event system. A unit that fails for an unexpected
reason is recorded in sync_state by the composition, which goes on with the others.

Deploy with a nightly cron (infra/prefect.yaml); add `ironmiles` to
PREFECT_LOGGING_EXTRA_LOGGERS to see the per-source lines in the Prefect UI.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from connectors.source import SOURCE_NAMES, SourceName
from flows.nightly import Unit, run_nightly
from flows.planning import deliver_stored_plans
from flows.settings import Settings, load_settings
from flows.source_runs import (
    SourceOutcome,
    SyncDeps,
    deps_from_settings,
    quiet_library_loggers,
    sync_source,
)
from flows.workout_push import push_line
from warehouse.db import session_scope
from warehouse.models import Event
from warehouse.scheduling import athletes_in_sync_hour

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
    """The flow's runner (flows.nightly.TaskRunner): every unit and step a Prefect task, on
    the flow's own thread pool, or on a Dask cluster when `dask` is given."""

    def __init__(self, *, concurrent: bool, dask: Any | None = None) -> None:
        self.concurrent = concurrent
        self.dask = dask
        """A prefect_dask.DaskTaskRunner: the units fan out over its cluster."""

    def each(
        self, run: Callable[[str, SourceName], SourceOutcome], units: Sequence[Unit]
    ) -> list[SourceOutcome | BaseException]:
        if self.dask is not None:
            # A Dask worker may be another process or machine: it gets names, not this
            # process's engine, and builds its own dependencies from the same settings. The
            # Strava budget is shared through the warehouse / Prefect, not this memory.
            with self.dask as runner:
                futures = [
                    runner.submit(sync_unit_task, {"athlete": athlete, "source": source})
                    for athlete, source in units
                ]
                return [_result(future) for future in futures]
        futures = []
        for athlete, source in units:
            future = sync_source_task.submit(run, athlete, source)
            if not self.concurrent:
                future.wait()
            futures.append(future)
        return [_result(future) for future in futures]

    def step(self, name: str, fn: Callable[[], T]) -> T:
        options = step_task.with_options(name=name, retries=_STEP_RETRIES.get(name, 0))
        return options(fn)


def _result(future: Any) -> SourceOutcome | BaseException:
    result = future.result(raise_on_failure=False)
    if isinstance(result, SourceOutcome | BaseException):
        return result
    return RuntimeError(result)


@functools.lru_cache(maxsize=4)
def _worker_deps(settings: Settings) -> SyncDeps:
    """One set of dependencies per worker process and settings, from the environment (as the
    flow's): the engine's pool is reused by every unit the worker runs."""
    quiet_library_loggers()
    return deps_from_settings(settings)


@task(name="sync-source", cache_policy=NO_CACHE, retries=0)
def sync_unit_task(athlete: str, source: SourceName) -> SourceOutcome:
    """One unit on a Dask worker: the worker's own dependencies, the same `sync_source`."""
    return sync_source(_worker_deps(load_settings()), athlete, source)


def dask_runner(settings: Settings) -> Any | None:
    """The Dask task runner IRONMILES_TASK_RUNNER=dask asks for (None: the flow's threads):
    an existing scheduler at IRONMILES_DASK_ADDRESS, or a local cluster of
    IRONMILES_DASK_WORKERS workers for the run."""
    if settings.task_runner != "dask":
        return None
    from prefect_dask.task_runners import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.dask_workers,
            "threads_per_worker": 1,
            "processes": False,
            "dashboard_address": None,
            # The scheduler still serves its health/metrics HTTP on 8787 unless told otherwise:
            # a second cluster on the host (two runs at once) would warn and move. Loopback, any
            # free port: nothing here is meant to be reached from outside.
            "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
        }
    )


def summary_table(outcomes: Sequence[SourceOutcome]) -> list[dict[str, Any]]:
    """The flow run's artifact: one row per athlete and source."""
    return [
        {"athlete": o.athlete, "source": o.source, "status": o.status,
         "new activities": o.activities_added, "calls": o.calls, "note": o.error or ""}
        for o in outcomes
    ]  # fmt: skip


EVENT_NAMESPACE = uuid.UUID("5b1d1c9e-4f0e-4e0b-9a51-6a2f3f1c0b11")


def prefect_event_id(event: Event) -> uuid.UUID:
    """The Prefect event's id, derived from the outbox event's dedupe key: a re-emit after a
    crash between emit and mark carries the same id, so a consumer can drop it."""
    return uuid.uuid5(EVENT_NAMESPACE, event.dedupe_key)


def emit_to_prefect(event: Event) -> None:
    payload = dict(event.payload)
    athlete = str(payload.get("athlete", ""))
    emit_event(
        event=f"ironmiles.{event.kind}",
        resource={"prefect.resource.id": f"ironmiles.athlete.{athlete}",
                  "ironmiles.athlete": athlete,
                  "ironmiles.week": str(payload.get("week", "")),
                  "ironmiles.event_id": str(event.id)},
        payload=payload,
        id=prefect_event_id(event),
    )  # fmt: skip


def sources_of(choice: str) -> tuple[SourceName, ...]:
    if choice == "all":
        return SOURCE_NAMES
    if choice in SOURCE_NAMES:
        return (choice,)
    raise ValueError(f"source={choice!r} is not one of garmin, strava, all")


@flow(name="nightly-sync", log_prints=False)
def nightly_sync(
    athlete: str | None = None, source: str = "all", due_only: bool = False
) -> list[dict[str, Any]]:
    """Sync every connected source of every athlete (or of one athlete / one source). The
    hourly schedule passes `due_only`: then only the athletes whose local clock is in their
    sync hour (their own night) are taken; a manual run takes everyone asked for."""
    logger = get_run_logger()
    quiet_library_loggers()
    settings = load_settings()
    deps = deps_from_settings(settings)
    try:
        athletes = None
        if due_only:
            with session_scope(deps.engine) as session:
                athletes = list(athletes_in_sync_hour(session, now=deps.clock()))
            logger.info("in their sync hour now: %s", ", ".join(athletes) or "nobody")
        # SQLite takes one writer at a time (a second one fails at once with "database is
        # locked"), so there the tasks run one after the other; PostgreSQL runs them together.
        sqlite = deps.engine.dialect.name == "sqlite"
        dask = dask_runner(settings)
        if dask is not None and sqlite:
            logger.warning("SQLite takes one writer at a time: the units run in sequence here")
            dask = None
        runner = PrefectTasks(concurrent=not sqlite, dask=dask)
        night = run_nightly(
            deps,
            athlete=athlete,
            athletes=athletes,
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
        create_table_artifact(
            key="nightly-sync-summary",
            table=summary_table(night.outcomes),
            description=f"{night.followed.summary()}; {night.published} event(s) published",
        )
        return night.outcome_dicts()
    finally:
        deps.engine.dispose()
