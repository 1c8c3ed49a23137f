"""Connecting an athlete's Strava account: the OAuth authorisation-code flow, or tokens given
by hand (`--access-token --refresh-token --expires-at`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from stravalib import exc
from stravalib.protocol import Scope

from connectors.errors import AuthExpired
from connectors.source import TokenStore
from connectors.strava.client import (
    StravaApp,
    StravaEndpoints,
    _Session,
    build_client,
    translate_fault,
    validate_tokens,
)

# The athlete pastes the `code` from the address bar of this page; nothing needs to listen.
DEFAULT_REDIRECT_URI = "http://localhost/exchange_token"
SCOPES: list[Scope] = ["read", "activity:read_all"]


def authorization_url(
    app: StravaApp, endpoints: StravaEndpoints, redirect_uri: str = DEFAULT_REDIRECT_URI
) -> str:
    client = build_client(endpoints, _Session(10.0))
    url: str = client.authorization_url(
        client_id=app.client_id, redirect_uri=redirect_uri, scope=SCOPES, approval_prompt="auto"
    )
    return endpoints.rewrite(url)


def exchange_code(
    app: StravaApp,
    code: str,
    store: TokenStore,
    *,
    endpoints: StravaEndpoints,
    timeout_s: float = 20.0,
) -> str | None:
    """Trade the authorisation code for tokens and store them; returns the athlete's Strava id
    (the `owner_id` of their push events) when Strava says it."""
    session = _Session(timeout_s)
    client = build_client(endpoints, session)
    try:
        result = client.exchange_code_for_token(
            client_id=app.client_id,
            client_secret=app.client_secret,
            code=code.strip(),
            return_athlete=True,
        )
    except (exc.Fault, requests.RequestException, ValueError, KeyError) as err:
        if session.last_status in (400, 401, 403):
            raise AuthExpired("Strava refused the authorisation code; start again") from None
        raise translate_fault("code exchange", err, session) from None
    access, athlete = result if isinstance(result, tuple) else (result, None)
    store.save(validate_tokens(access))
    athlete_id = getattr(athlete, "id", None)
    return str(athlete_id) if athlete_id is not None else None


def store_given_tokens(tokens: Mapping[str, Any], store: TokenStore) -> None:
    store.save(validate_tokens(tokens))
