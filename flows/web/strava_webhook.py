"""Strava's webhook: GET /strava/webhook answers the subscription check, POST /strava/webhook
receives events.

Strava wants a 200 within 2 s and retries otherwise, so the POST only checks the event and
writes it to the outbox (one short transaction) before answering; acting on it (a targeted
fetch, a deletion, a revocation: flows/strava_push.py) runs after the answer, in this process,
or as a run of the Prefect deployment `strava-event/push` when PREFECT_API_URL names a server.
The app gives the router `app.state.engine` and `app.state.settings` (flows/web/app.py).
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, HTTPException, Query, Request
from starlette.datastructures import State

from connectors.errors import InputError
from connectors.strava.push import parse_push_event
from flows.settings import Settings
from flows.source_runs import SyncDeps, config_from
from flows.strava_push import handle_pending
from warehouse.credentials import cipher_from_key
from warehouse.db import session_scope
from warehouse.strava_push import record_push_event

router = APIRouter()
log = logging.getLogger("ironmiles.webhook")
DEPLOYMENT = "strava-event/push"
_handling = threading.Lock()  # one handler at a time per process: events are acted on in order


@router.get("/strava/webhook")
def subscription_check(
    request: Request,
    mode: Annotated[str, Query(alias="hub.mode")],
    challenge: Annotated[str, Query(alias="hub.challenge")],
    verify_token: Annotated[str, Query(alias="hub.verify_token")],
) -> dict[str, str]:
    """Strava's check when a subscription is created: echo the challenge for our token only."""
    settings: Settings = request.app.state.settings
    expected = settings.strava_verify_token
    if expected is None or not expected.get_secret_value():
        raise HTTPException(403, "no IRONMILES_STRAVA_VERIFY_TOKEN is configured")
    given, wanted = verify_token.encode(), expected.get_secret_value().encode()
    if mode != "subscribe" or not hmac.compare_digest(given, wanted):
        raise HTTPException(403, "hub.verify_token does not match")
    return {"hub.challenge": challenge}


@router.post("/strava/webhook")
def receive_event(
    request: Request, background: BackgroundTasks, body: Annotated[Any, Body()] = None
) -> dict[str, Any]:
    """Record the event in the outbox, answer, then act on the pending events."""
    try:
        event = parse_push_event(body)
    except InputError as error:
        raise HTTPException(400, str(error)) from None
    now = datetime.now(UTC)
    with session_scope(request.app.state.engine) as session:
        recorded = record_push_event(
            session, event.dedupe_key, event.as_payload(), owner_id=event.owner_id, now=now
        )
    if recorded.event_id is None:
        return {"status": "duplicate"}
    if recorded.athlete is None:
        log.info("Strava push for unknown owner %s recorded and ignored", event.owner_id)
        return {"status": "ignored", "reason": "no athlete is connected to this Strava account"}
    background.add_task(act_on_pending, request.app.state)
    return {"status": "recorded", "event_id": recorded.event_id}


def act_on_pending(state: State) -> None:
    """Run after the answer: a Prefect deployment run when a server is configured, else here."""
    try:
        if os.environ.get("PREFECT_API_URL"):
            from prefect.deployments import run_deployment

            run_deployment(DEPLOYMENT, timeout=0)  # the worker acts on every pending event
            return
        with _handling:
            handle_pending(_deps(state))
    except Exception:  # the events stay pending: the next delivery or `ironmiles sync` goes on
        log.exception("acting on Strava push events failed; they stay pending")


def _deps(state: State) -> SyncDeps:
    """The app's sync dependencies, built once (one Strava rate budget for the process)."""
    deps: SyncDeps | None = getattr(state, "strava_push_deps", None)
    if deps is None:
        settings: Settings = state.settings
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        deps = SyncDeps(
            engine=state.engine, cipher=cipher_from_key(secret), config=config_from(settings)
        )
        state.strava_push_deps = deps
    return deps
