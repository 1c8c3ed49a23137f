"""The Prefect flow `nightly_sync`: one task per athlete and connected source, run concurrently
(Strava's rate budget is shared and thread-safe). A task that fails for an unexpected reason is
recorded in sync_state by the flow, which goes on with the others.

The plain functions live in flows.sync_core, which the CLI calls without starting Prefect.
Deploy with a nightly cron (infra/prefect.yaml); add `ironmiles` to
PREFECT_LOGGING_EXTRA_LOGGERS to see the per-source lines in the Prefect UI.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from flows.after_sync import FollowUp, follow_up
from flows.planning import deliver_stored_plans
from flows.settings import load_settings
from flows.sync_core import (
    SOURCES,
    Source,
    SourceOutcome,
    SyncDeps,
    deps_from_settings,
    plan_runs,
    quiet_library_loggers,
    record_failure,
    sync_source,
)
from flows.workout_push import push_line
from warehouse.db import session_scope
from warehouse.events import mark_published, unpublished


@task(name="sync-source", cache_policy=NO_CACHE, retries=0)
def sync_source_task(deps: SyncDeps, athlete: str, source: Source) -> SourceOutcome:
    """Fetch and store one athlete's new data from one source (network and database I/O)."""
    return sync_source(deps, athlete, source)


def sources_of(choice: str) -> tuple[Source, ...]:
    if choice == "all":
        return SOURCES
    if choice in SOURCES:
        return (choice,)
    raise ValueError(f"source={choice!r} is not one of garmin, strava, all")


@task(name="follow-up", cache_policy=NO_CACHE, retries=0)
def follow_up_task(deps: SyncDeps, since: datetime) -> FollowUp:
    """Weekly load, outbox events and re-plans for the athletes whose data changed."""
    return follow_up(deps.engine, now=datetime.now(UTC), since=since)


@task(name="publish-events", cache_policy=NO_CACHE, retries=2)
def publish_events_task(deps: SyncDeps) -> int:
    """Send the outbox's unpublished events to Prefect's event system, then mark them sent.
    A crash in between sends some twice at most (their ids say which), never loses one."""
    with session_scope(deps.engine) as session:
        pending = unpublished(session)
        for event in pending:
            emit_event(
                event=f"ironmiles.{event.kind}",
                resource={"prefect.resource.id": f"ironmiles.event.{event.id}",
                          "ironmiles.dedupe_key": event.dedupe_key},
                payload=dict(event.payload),
            )  # fmt: skip
        mark_published(session, [event.id for event in pending], datetime.now(UTC))
    return len(pending)


@flow(name="nightly-sync", log_prints=False)
def nightly_sync(athlete: str | None = None, source: str = "all") -> list[dict[str, Any]]:
    """Sync every connected source of every athlete (or of one athlete / one source)."""
    logger = get_run_logger()
    quiet_library_loggers()
    deps = deps_from_settings(load_settings())
    started = datetime.now(UTC)
    try:
        planned = plan_runs(deps, athlete, sources_of(source))
        # SQLite takes one writer at a time (a second one fails at once with "database is
        # locked"), so there the tasks run one after the other; PostgreSQL runs them together.
        concurrent = deps.engine.dialect.name != "sqlite"
        futures = []
        for name, src in planned:
            future = sync_source_task.submit(deps, name, src)
            if not concurrent:
                future.wait()
            futures.append((name, src, future))
        outcomes: list[SourceOutcome] = []
        for name, src, future in futures:
            result = future.result(raise_on_failure=False)
            if isinstance(result, SourceOutcome):
                outcomes.append(result)
            else:  # the task failed: record it here, at the boundary, and go on
                error = result if isinstance(result, BaseException) else RuntimeError(result)
                outcomes.append(record_failure(deps, name, src, error))
        for outcome in outcomes:
            logger.info(
                "%s/%s: %s (%d new, %d calls)%s",
                outcome.athlete,
                outcome.source,
                outcome.status,
                outcome.activities_added,
                outcome.calls,
                f": {outcome.error}" if outcome.error else "",
            )
        followed = follow_up_task(deps, started)
        logger.info(followed.summary())
        for push in deliver_stored_plans(deps.engine, load_settings(), now=datetime.now(UTC)):
            logger.info("Garmin workouts of %s: %s", push.athlete, push_line(push))
        logger.info("%d event(s) published", publish_events_task(deps))
        return [outcome.as_dict() for outcome in outcomes]
    finally:
        deps.engine.dispose()
