"""The one place that talks to `stravalib`: a client built from stored tokens, pointed at a
configurable base URL, with explicit timeouts, our shared rate budget instead of stravalib's
sleeping limiter, token refresh on our clock with the new pair stored the moment it is issued,
and stravalib's exceptions turned into ours."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import requests
from stravalib import exc
from stravalib.client import Client
from stravalib.protocol import ApiV3, RequestMethod

from connectors.errors import AuthExpired, RateLimited, ServerBusy, UpstreamChanged
from connectors.source import (
    Clock,
    RetryPolicy,
    Sleep,
    TokenStore,
    call_with_retries,
    parse_retry_after,
)
from connectors.strava.budget import RateBudget

log = logging.getLogger(__name__)

T = TypeVar("T")

STRAVA_ORIGIN = "https://www.strava.com"
TOKEN_KEYS = ("access_token", "refresh_token", "expires_at")


@dataclass(frozen=True, slots=True)
class StravaApp:
    """The Strava application's credentials (from settings; the secret is never printed)."""

    client_id: int
    client_secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class StravaEndpoints:
    """Production keeps the default; tests and staging serve API and OAuth from one base."""

    base: str = STRAVA_ORIGIN

    @classmethod
    def from_base(cls, base: str | None) -> StravaEndpoints:
        return cls(base.rstrip("/")) if base else cls()

    def rewrite(self, url: str) -> str:
        if self.base != STRAVA_ORIGIN and url.startswith(STRAVA_ORIGIN):
            return self.base + url[len(STRAVA_ORIGIN) :]
        return url


class _Session(requests.Session):
    """A session with a default timeout (stravalib passes none) that records each response."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self.calls = 0
        self.last_status: int | None = None
        self.last_headers: Mapping[str, str] = {}
        self.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.last_status = response.status_code
        self.last_headers = dict(response.headers)

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout_s
        return super().request(method, url, *args, **kwargs)


class _Protocol(ApiV3):
    """stravalib's HTTP layer with our base URL and without its environment lookups (our
    settings supply the app credentials, and the refresh is driven by our clock)."""

    def __init__(self, endpoints: StravaEndpoints, **kwargs: Any) -> None:
        self._endpoints = endpoints
        super().__init__(**kwargs)

    def _check_credentials(self) -> None:
        return None

    def resolve_url(self, url: str) -> str:
        return self._endpoints.rewrite(super().resolve_url(url))


class _Client(Client):
    """stravalib's endpoint methods over our protocol object."""

    def __init__(self, protocol: _Protocol) -> None:
        self.log = logging.getLogger(f"{Client.__module__}.{Client.__name__}")
        self.protocol = protocol


def _tokens(access: Mapping[str, Any]) -> dict[str, Any]:
    return {key: access[key] for key in TOKEN_KEYS}


def validate_tokens(tokens: Mapping[str, Any]) -> dict[str, Any]:
    missing = [key for key in TOKEN_KEYS if not tokens.get(key)]
    if missing:
        raise AuthExpired(f"Strava tokens lack {', '.join(missing)}; connect Strava again")
    try:
        expires_at = int(tokens["expires_at"])
    except (TypeError, ValueError):
        raise AuthExpired("Strava expires_at is not an epoch time; connect again") from None
    return {
        "access_token": str(tokens["access_token"]),
        "refresh_token": str(tokens["refresh_token"]),
        "expires_at": expires_at,
    }


def build_client(
    endpoints: StravaEndpoints,
    session: _Session,
    rate_limiter: Callable[[dict[str, str], RequestMethod], None] | None = None,
    tokens: Mapping[str, Any] | None = None,
) -> _Client:
    protocol = _Protocol(
        endpoints,
        access_token=tokens["access_token"] if tokens else None,
        refresh_token=tokens["refresh_token"] if tokens else None,
        token_expires=tokens["expires_at"] if tokens else None,
        requests_session=session,
        rate_limiter=rate_limiter,
    )
    return _Client(protocol)


def translate_fault(what: str, err: Exception, session: _Session) -> Exception:
    """Our exception for a stravalib / requests failure (the message never quotes a token)."""
    if isinstance(err, requests.Timeout | requests.ConnectionError):
        return ServerBusy(f"Strava {what}: no response ({type(err).__name__})")
    status = session.last_status
    if isinstance(err, exc.AccessUnauthorized) or status in (401, 403):
        return AuthExpired(f"Strava rejected the token ({what}, HTTP {status})")
    if status is not None and status >= 500:
        wait = parse_retry_after(session.last_headers.get("Retry-After"))
        return ServerBusy(f"Strava {what} failed (HTTP {status})", retry_after=wait)
    if isinstance(err, ValueError) and not isinstance(err, exc.Fault):
        return UpstreamChanged(f"Strava {what} answered something that is not JSON")
    return UpstreamChanged(f"Strava {what} answered HTTP {status}")


class StravaApi:
    """The calls the sync needs for one athlete."""

    def __init__(
        self,
        store: TokenStore,
        app: StravaApp,
        *,
        endpoints: StravaEndpoints,
        budget: RateBudget,
        clock: Clock,
        sleep: Sleep,
        timeout_s: float = 20.0,
        retry: RetryPolicy | None = None,
        refresh_margin_s: float = 120.0,
    ) -> None:
        stored = store.load()
        if not stored:
            raise AuthExpired("no Strava tokens stored; run `ironmiles connect strava NAME`")
        self._tokens = validate_tokens(stored)
        self._store = store
        self._app = app
        self._budget = budget
        self._clock = clock
        self._sleep = sleep
        self._retry = retry or RetryPolicy()
        self._margin = refresh_margin_s
        self._session = _Session(timeout_s)
        self._client = build_client(endpoints, self._session, self._observe, self._tokens)

    @property
    def calls(self) -> int:
        return self._session.calls

    def _observe(self, headers: dict[str, str], method: RequestMethod) -> None:
        # stravalib's rate-limiter hook: called with every API response's headers.
        self._budget.observe(headers, self._clock())

    def activities_page(self, after: datetime, page: int, per_page: int) -> Any:
        """Raw JSON of one page of /athlete/activities?after=... (oldest first)."""

        def fetch() -> Any:
            fetcher = self._client.get_activities(after=after).result_fetcher
            return fetcher(page=page, per_page=per_page)

        return self._call("activity list", fetch)

    def activity(self, activity_id: str) -> Any:
        """Raw JSON of /activities/{id} (the detail; not needed by the nightly list sync)."""
        return self._call(
            "activity", lambda: self._client.protocol.get("/activities/{id}", id=activity_id)
        )

    def activity_if_any(self, activity_id: str) -> Any | None:
        """The detail, or None when Strava has no such activity for this athlete any more (a
        404: deleted, or made private to the app, since the push)."""
        try:
            return self.activity(activity_id)
        except UpstreamChanged:
            if self._session.last_status == 404:
                return None
            raise

    def _call(self, what: str, request: Callable[[], T]) -> T:
        return call_with_retries(lambda: self._authorised(what, request), self._retry, self._sleep)

    def _authorised(self, what: str, request: Callable[[], T]) -> T:
        refreshed = False
        if self._clock().timestamp() >= self._tokens["expires_at"] - self._margin:
            self.refresh()
            refreshed = True
        try:
            return self._once(what, request)
        except AuthExpired:
            if refreshed:
                raise
            # A token can be rejected before its expiry; one refresh tells stale from revoked.
            self.refresh()
            return self._once(what, request)

    def _once(self, what: str, request: Callable[[], T]) -> T:
        self._budget.acquire(self._clock())
        self._session.last_status = None
        try:
            return request()
        except (exc.Fault, requests.RequestException, ValueError) as err:
            if self._session.last_status == 429:
                raise self._rate_limited() from None
            raise translate_fault(what, err, self._session) from None

    def _rate_limited(self) -> RateLimited:
        # The window is marked spent either way; Strava's own Retry-After, when it sends one,
        # says when to come back (the retry policy sleeps it if it is short enough).
        limited = self._budget.exhausted(self._clock())
        header = parse_retry_after(self._session.last_headers.get("Retry-After"))
        return limited if header is None else RateLimited(header, "(Strava answered 429)")

    def refresh(self) -> None:
        """Exchange the refresh token; the new pair is stored before anything else happens,
        because Strava invalidates the old refresh token as soon as it issues a new one."""
        self._session.last_status = None
        try:
            access = self._client.protocol.refresh_access_token(
                client_id=self._app.client_id,
                client_secret=self._app.client_secret,
                refresh_token=self._tokens["refresh_token"],
            )
        except (exc.Fault, requests.RequestException, ValueError, KeyError) as err:
            if self._session.last_status in (400, 401, 403):
                raise AuthExpired("Strava refused the refresh token; connect again") from None
            raise translate_fault("token refresh", err, self._session) from None
        self._tokens = validate_tokens(_tokens(access))
        self._store.save(self._tokens)
        self._client.protocol.access_token = self._tokens["access_token"]
        log.info("Strava token refreshed and stored")
