"""Connecting an athlete's Garmin account once, interactively (MFA supported), or by importing a
`garmin_tokens.json` written elsewhere. The nightly sync never logs in with a password."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import garminconnect  # type: ignore[import-untyped,unused-ignore]  # later releases are typed

from connectors.errors import AuthExpired, RateLimited, UpstreamUnavailable
from connectors.garmin.client import (
    DEFAULT_RATE_LIMIT_WAIT_S,
    GarminEndpoints,
    _Client,
    _tokens_of,
    tokens_from_file_text,
)
from connectors.source import TokenStore


def login_with_password(
    email: str,
    password: str,
    prompt_mfa: Callable[[], str],
    store: TokenStore,
    *,
    endpoints: GarminEndpoints,
    timeout_s: float = 30.0,
) -> None:
    """Log in through garminconnect's SSO flow and store the resulting tokens.

    `prompt_mfa` is called only when Garmin asks for a one-time code.
    """
    client = _Client(endpoints, timeout_s)
    try:
        client.login(email, password, prompt_mfa=prompt_mfa)
    except garminconnect.GarminConnectAuthenticationError:
        raise AuthExpired("Garmin refused the login (email, password or MFA code)") from None
    except garminconnect.GarminConnectTooManyRequestsError:
        raise RateLimited(DEFAULT_RATE_LIMIT_WAIT_S, "(Garmin login)") from None
    except garminconnect.GarminConnectConnectionError:
        raise UpstreamUnavailable("Garmin login failed on every strategy; try later") from None
    tokens: dict[str, Any] = _tokens_of(client)
    if not tokens.get("di_token"):
        # garminconnect may fall back to a web cookie; that cannot run unattended at night.
        raise AuthExpired("Garmin login gave no native token; the nightly sync needs one")
    store.save(tokens)


def import_token_file(text: str, store: TokenStore) -> None:
    """Store the tokens of a `garmin_tokens.json` (its text; the caller reads the file)."""
    tokens = tokens_from_file_text(text)
    # Checked the same way garminconnect will read it at night.
    probe = garminconnect.client.Client()
    try:
        probe.loads(json.dumps(tokens))
    except garminconnect.GarminConnectConnectionError:
        raise AuthExpired("the Garmin token file is not a garminconnect token document") from None
    store.save(tokens)
