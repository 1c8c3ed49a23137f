"""The Prefect flow `strava-event`: act on the pending Strava push events (flows/strava_push.py)
with their units as Prefect tasks and the new events published to Prefect. The webhook starts
a run of its deployment `strava-event/push` (infra/prefect.yaml) after each event it records,
when PREFECT_API_URL names a server."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from flows.nightly_flow import PrefectTasks, emit_to_prefect
from flows.settings import load_settings
from flows.source_runs import deps_from_settings, quiet_library_loggers
from flows.strava_push import handle_pending


@flow(name="strava-event", log_prints=False)
def strava_event() -> list[dict[str, Any]]:
    logger = get_run_logger()
    quiet_library_loggers()
    deps = deps_from_settings(load_settings())
    try:
        handled = handle_pending(
            deps, runner=PrefectTasks(concurrent=False), publish=emit_to_prefect
        )
        for h in handled:
            logger.info("push %d for %s: %s", h.event_id, h.athlete, h.outcome)
        return [
            {"event_id": h.event_id, "athlete": h.athlete, "outcome": h.outcome} for h in handled
        ]
    finally:
        deps.engine.dispose()
