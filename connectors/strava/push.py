"""Strava's push (webhook) API: the events it sends, and the application's one subscription
(create, view, delete) through stravalib's push-subscription calls.

An event is checked here, at the edge: anything that is not the documented shape is refused
(`InputError`) before it reaches the outbox. Its dedupe key is made of Strava's own fields, so a
redelivery (Strava retries an event it did not get a 200 for within 2 s) is the same event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
from stravalib import exc

from connectors.errors import InputError, UpstreamChanged
from connectors.strava.client import StravaApp, StravaEndpoints, _Session, build_client

ObjectType = Literal["activity", "athlete"]
AspectType = Literal["create", "update", "delete"]
_OBJECT_TYPES = ("activity", "athlete")
_ASPECT_TYPES = ("create", "update", "delete")


@dataclass(frozen=True, slots=True)
class PushEvent:
    """One Strava webhook event (https://developers.strava.com/docs/webhooks/)."""

    object_type: ObjectType
    object_id: int
    aspect_type: AspectType
    owner_id: int
    event_time: int
    subscription_id: int | None = None
    updates: Mapping[str, Any] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        # `updates` is free-form (title, type, private, authorized): hashed so the key stays short.
        updates = json.dumps(dict(self.updates), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(updates.encode()).hexdigest()[:16]
        return (
            f"strava.push:{self.object_type}:{self.object_id}:{self.aspect_type}:"
            f"{self.event_time}:{self.owner_id}:{digest}"
        )

    @property
    def revokes_access(self) -> bool:
        """The athlete deauthorised the application (Strava's `authorized: "false"`)."""
        return (
            self.object_type == "athlete"
            and self.aspect_type == "update"
            and str(self.updates.get("authorized", "")).lower() == "false"
        )

    def as_payload(self) -> dict[str, Any]:
        return {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "aspect_type": self.aspect_type,
            "owner_id": self.owner_id,
            "event_time": self.event_time,
            "subscription_id": self.subscription_id,
            "updates": dict(self.updates),
        }


def _int(body: Mapping[str, Any], name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    # bool is an int in Python; Strava never sends one for an id or a time.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(name, value, "Strava sends a non-negative integer here")
    return value


def parse_push_event(body: Any) -> PushEvent:
    """The event in a webhook POST body (already decoded JSON), or InputError naming the field."""
    if not isinstance(body, Mapping):
        raise InputError("body", type(body).__name__, "send a JSON object (a Strava push event)")
    object_type = body.get("object_type")
    if object_type not in _OBJECT_TYPES:
        raise InputError("object_type", object_type, "one of activity, athlete")
    aspect_type = body.get("aspect_type")
    if aspect_type not in _ASPECT_TYPES:
        raise InputError("aspect_type", aspect_type, "one of create, update, delete")
    updates = body.get("updates", {})
    if updates is None:
        updates = {}
    if not isinstance(updates, Mapping):
        raise InputError("updates", updates, "an object of the changed fields, or {}")
    object_id, owner_id, event_time = (
        _int(body, n) for n in ("object_id", "owner_id", "event_time")
    )
    assert object_id is not None and owner_id is not None and event_time is not None
    return PushEvent(
        object_type=object_type,
        object_id=object_id,
        aspect_type=aspect_type,
        owner_id=owner_id,
        event_time=event_time,
        subscription_id=_int(body, "subscription_id", required=False),
        updates=dict(updates),
    )


# -- the application's subscription --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    callback_url: str
    created_at: str | None = None


class SubscriptionRefused(Exception):
    """Strava refused the call; the message says why and what to do (no secret in it)."""


def _client(endpoints: StravaEndpoints, timeout_s: float) -> tuple[Any, _Session]:
    session = _Session(timeout_s)
    return build_client(endpoints, session), session


def _refusal(what: str, err: Exception, session: _Session) -> Exception:
    if isinstance(err, requests.Timeout | requests.ConnectionError):
        return SubscriptionRefused(f"Strava {what}: no response ({type(err).__name__})")
    detail = ""
    if isinstance(err, exc.Fault):
        detail = str(err)
    status = session.last_status
    if status == 401 or ("client_id" in detail and "invalid" in detail):
        return SubscriptionRefused(
            f"Strava refused the application's credentials ({what}, HTTP {status}): check "
            "IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET"
        )
    if "already exists" in detail:
        return SubscriptionRefused(
            "Strava allows one push subscription per application and this one has it already: "
            "see it with `ironmiles strava subscription`, remove it with "
            "`ironmiles strava unsubscribe`"
        )
    if "callback" in detail.lower() or "verify" in detail.lower():
        return SubscriptionRefused(
            f"Strava could not verify the callback ({detail}): the address must be reachable "
            "from Strava and answer the check (run `ironmiles serve` there with "
            "IRONMILES_STRAVA_VERIFY_TOKEN set)"
        )
    if isinstance(err, ValueError) and not isinstance(err, exc.Fault):
        return UpstreamChanged(f"Strava {what} answered something that is not JSON")
    return SubscriptionRefused(f"Strava {what} failed (HTTP {status}): {detail or err}")


def create_subscription(
    app: StravaApp,
    callback_url: str,
    verify_token: str,
    *,
    endpoints: StravaEndpoints,
    timeout_s: float = 20.0,
) -> Subscription:
    """Ask Strava to push to `callback_url`; Strava checks it (GET with the challenge) first."""
    client, session = _client(endpoints, timeout_s)
    try:
        made = client.create_subscription(
            client_id=app.client_id,
            client_secret=app.client_secret,
            callback_url=callback_url,
            verify_token=verify_token,
        )
    except (exc.Fault, requests.RequestException, ValueError) as err:
        raise _refusal("subscription create", err, session) from None
    return Subscription(int(made.id or 0), str(made.callback_url or callback_url))


def list_subscriptions(
    app: StravaApp, *, endpoints: StravaEndpoints, timeout_s: float = 20.0
) -> list[Subscription]:
    client, session = _client(endpoints, timeout_s)
    try:
        found = list(client.list_subscriptions(app.client_id, app.client_secret))
    except (exc.Fault, requests.RequestException, ValueError) as err:
        raise _refusal("subscription list", err, session) from None
    return [
        Subscription(
            int(s.id or 0),
            str(s.callback_url or ""),
            s.created_at.isoformat() if s.created_at else None,
        )
        for s in found
    ]


def delete_subscription(
    app: StravaApp, subscription_id: int, *, endpoints: StravaEndpoints, timeout_s: float = 20.0
) -> None:
    client, session = _client(endpoints, timeout_s)
    try:
        client.delete_subscription(subscription_id, app.client_id, app.client_secret)
    except (exc.Fault, requests.RequestException, ValueError) as err:
        raise _refusal("subscription delete", err, session) from None
