"""Acting on Strava push events, driven from the outbox (warehouse/strava_push.py).

Each pending event, oldest first, goes through the nightly job's composition
(flows/nightly.run_nightly) for its athlete: a created or updated activity syncs that athlete's
Strava source at once with one targeted call (GET /activities/{id}, within the shared rate
budget), then weekly load, events and the re-plan follow; a deleted activity or a revocation is
applied in the warehouse first (with the event marked handled in the same transaction), then
the composition's follow-up recomputes and re-plans. Every step is idempotent, so an event
acted on twice (a crash before it was marked) changes nothing more.

Who runs it: the webhook, right after it answered Strava (in-process, or as a run of the
Prefect deployment `strava-event/push` when PREFECT_API_URL names a server), and `ironmiles
sync` before its nightly run, which picks up whatever a crash left pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from connectors.strava.push import PushEvent, parse_push_event
from flows.nightly import Publish, TaskRunner, run_nightly
from flows.source_runs import SyncDeps
from warehouse.db import session_scope
from warehouse.models import Credential
from warehouse.strava_push import (
    delete_source_activity,
    mark_handled,
    pending_push_events,
    revoke_source,
)

log = logging.getLogger("ironmiles.strava_push")

RETRY_LATER = ("rate_limited", "error", "locked")
"""A fetch that ended so stays pending: the next round (or `ironmiles sync`) tries again
(`locked`: another run was syncing that Strava source, which may have passed the activity)."""


@dataclass(frozen=True, slots=True)
class Handled:
    event_id: int
    athlete: str
    outcome: str


def handle_pending(
    deps: SyncDeps, *, runner: TaskRunner | None = None, publish: Publish | None = None
) -> list[Handled]:
    """Act on every pending push event in order; stops at a fetch that must be retried later
    (a spent budget or a failure), leaving it and the later ones pending."""
    with session_scope(deps.engine) as session:
        pending = [(e.id, e.athlete_id, dict(e.payload)) for e in pending_push_events(session)]
    handled: list[Handled] = []
    for event_id, athlete_id, payload in pending:
        event = parse_push_event(payload)
        athlete = str(payload.get("athlete"))
        if athlete_id is None:  # recorded before its owner was known: nothing to act on
            outcome = "ignored: no athlete is connected to this Strava account"
            with session_scope(deps.engine) as session:
                mark_handled(session, event_id, deps.clock(), outcome)
        elif event.object_type == "activity" and event.aspect_type in ("create", "update"):
            outcome = _fetch(deps, event_id, athlete_id, athlete, event, runner, publish)
            if outcome in RETRY_LATER:
                log.warning("Strava push %s for %s left pending: %s", event_id, athlete, outcome)
                break
        else:
            outcome = _apply(deps, event_id, athlete_id, event)
            run_nightly(deps, athlete=athlete, sources=(), runner=runner, publish=publish)
        log.info("Strava push %s for %s: %s", event_id, athlete, outcome)
        handled.append(Handled(event_id, athlete, outcome))
    return handled


def _fetch(
    deps: SyncDeps,
    event_id: int,
    athlete_id: int,
    athlete: str,
    event: PushEvent,
    runner: TaskRunner | None,
    publish: Publish | None,
) -> str:
    with session_scope(deps.engine) as session:
        connected = session.get(Credential, (athlete_id, "strava")) is not None
    if not connected:
        outcome = "ignored: Strava is not connected for this athlete"
    else:
        night = run_nightly(
            deps,
            athlete=athlete,
            sources=("strava",),
            runner=runner,
            publish=publish,
            only_ids=(str(event.object_id),),
        )
        result = night.outcomes[0] if night.outcomes else None
        if result is not None and result.status in RETRY_LATER:
            return result.status
        outcome = (
            f"fetched: {result.activities_added} new, {result.activities_seen} stored, "
            f"{result.calls} call(s); {night.followed.summary()}"
            if result is not None and result.status == "ok"
            else f"not fetched: {result.status if result else 'no unit'}"
        )
    with session_scope(deps.engine) as session:
        mark_handled(session, event_id, deps.clock(), outcome)
    return outcome


def _apply(deps: SyncDeps, event_id: int, athlete_id: int, event: PushEvent) -> str:
    """A deletion or a revocation, with the event marked handled in the same transaction."""
    with session_scope(deps.engine) as session:
        if event.revokes_access:
            deleted = revoke_source(session, athlete_id, "strava", now=deps.clock())
            outcome = f"revoked: Strava tokens and {deleted} Strava activities deleted"
        elif event.object_type == "activity" and event.aspect_type == "delete":
            found = delete_source_activity(session, athlete_id, "strava", str(event.object_id))
            outcome = "deleted" if found else "deleted: it was not stored"
        else:
            outcome = f"nothing to do for {event.object_type} {event.aspect_type}"
        mark_handled(session, event_id, deps.clock(), outcome)
    return outcome
