"""The one place that talks to `garminconnect`: builds its client from stored tokens, points it at
a configurable base URL, records every response, persists rotated tokens, and turns the library's
exceptions into ours.

Two releases are supported (README, "Python versions"): 0.3.2 on Python 3.11 and the current
one on 3.12+. Both keep native DI OAuth tokens (`garmin_tokens.json`: di_token,
di_refresh_token, di_client_id) and refreshes them itself (before a request when the JWT expires
within 15 minutes, and once after a 401). It only writes refreshed tokens to a file path, so we
compare its state after each call and hand any change to our token store at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import garminconnect  # type: ignore[import-untyped,unused-ignore]  # later releases are typed
import requests
from garminconnect import client as gc_client

from connectors.errors import AuthExpired, RateLimited, ServerBusy, UpstreamChanged
from connectors.garmin.workouts import scheduled_id_of, workout_id_of
from connectors.source import (
    Pacer,
    RetryPolicy,
    Sleep,
    TokenStore,
    call_with_retries,
    parse_retry_after,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_BASE = "https://connectapi.garmin.com"
DEFAULT_SSO_BASE = "https://sso.garmin.com"
TOKEN_KEYS = ("di_token", "di_refresh_token", "di_client_id")
# When Garmin rate-limits without a Retry-After, come back in the next window.
DEFAULT_RATE_LIMIT_WAIT_S = 900.0


@dataclass(frozen=True, slots=True)
class GarminEndpoints:
    """Where the Garmin client goes. Production keeps the defaults; tests and staging set one
    base URL and everything (API, SSO login, token refresh) is served from it."""

    api_base: str = DEFAULT_API_BASE
    sso_base: str = DEFAULT_SSO_BASE
    token_url: str = gc_client.DI_TOKEN_URL

    @classmethod
    def from_base(cls, base: str | None) -> GarminEndpoints:
        if not base:
            return cls()
        base = base.rstrip("/")
        return cls(api_base=base, sso_base=base, token_url=f"{base}/di-oauth2-service/oauth/token")


class _Client(gc_client.Client):  # type: ignore[misc,unused-ignore]  # 0.3.2 is untyped
    """garminconnect's client with our endpoints, our timeout, and a response recorder."""

    def __init__(self, endpoints: GarminEndpoints, timeout_s: float) -> None:
        super().__init__(domain="garmin.com")
        self._connectapi = endpoints.api_base.rstrip("/")
        self._sso = endpoints.sso_base.rstrip("/")
        self._token_url = endpoints.token_url
        # Later releases keep the DI token URL per client (0.3.2: a module constant, below).
        self._di_token_url = endpoints.token_url
        self._timeout_s = timeout_s
        self.calls = 0
        self.last_status: int | None = None
        self.last_headers: Mapping[str, str] = {}
        # Later releases reuse one API session (0.3.2 makes a fresh one per call, below).
        api_session = getattr(self, "_api_session", None)
        if isinstance(api_session, requests.Session):
            api_session.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.last_status = response.status_code
        self.last_headers = dict(response.headers)

    def _fresh_api_session(self) -> requests.Session:
        session: requests.Session = super()._fresh_api_session()  # type: ignore[misc,unused-ignore]
        session.hooks["response"].append(self._record)
        return session

    def _run_request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self._timeout_s)
        self.last_status = None
        self.last_headers = {}
        return super()._run_request(method, path, **kwargs)

    def _http_post(self, url: str, **kwargs: Any) -> Any:
        # The DI token endpoint is a module constant in garminconnect; redirect it here.
        if url == gc_client.DI_TOKEN_URL:
            url = self._token_url
        kwargs["timeout"] = min(float(kwargs.get("timeout", self._timeout_s)), self._timeout_s)
        return super()._http_post(url, **kwargs)


def _typed_strength_workout(workout: Mapping[str, Any]) -> Any:
    """The document as garminconnect's typed StrengthWorkout (later releases), which checks
    it; None on 0.3.2, which has none (the document is uploaded as it is)."""
    try:
        from garminconnect.workout import (  # type: ignore[attr-defined,import-untyped,unused-ignore]
            StrengthWorkout,
        )
    except ImportError:
        return None
    return StrengthWorkout.model_validate(dict(workout))


def _tokens_of(client: _Client) -> dict[str, Any]:
    return {key: getattr(client, key) for key in TOKEN_KEYS}


def validate_tokens(tokens: Mapping[str, Any]) -> dict[str, Any]:
    """The token document we store, checked the way garminconnect reads it."""
    if not isinstance(tokens.get("di_token"), str) or not tokens["di_token"]:
        raise AuthExpired("Garmin token document has no di_token; run `ironmiles connect garmin`")
    return {key: tokens.get(key) for key in TOKEN_KEYS}


def tokens_from_file_text(text: str) -> dict[str, Any]:
    """Tokens from the contents of a `garmin_tokens.json` written by garminconnect."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise AuthExpired(f"Garmin token file is not JSON (line {err.lineno})") from None
    if not isinstance(data, dict):
        raise AuthExpired("Garmin token file is not a JSON object")
    return validate_tokens(data)


class GarminApi:
    """The calls the sync needs, each one translated, retried when transient, and counted."""

    def __init__(
        self,
        store: TokenStore,
        *,
        endpoints: GarminEndpoints,
        sleep: Sleep,
        timeout_s: float = 20.0,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        tokens = store.load()
        if not tokens:
            raise AuthExpired("no Garmin tokens stored; run `ironmiles connect garmin NAME`")
        self._store = store
        self._sleep = sleep
        self._retry = retry or RetryPolicy()
        self._pacer = pacer
        self._garmin = garminconnect.Garmin()
        # Later releases retry 5xx themselves with time.sleep; ours (below) takes the injected
        # sleep and honours Retry-After, so theirs is off. 0.3.2 has no such attribute to read.
        self._garmin.retry_attempts = 0
        self._client = _Client(endpoints, timeout_s)
        self._garmin.client = self._client
        try:
            self._client.loads(json.dumps(validate_tokens(tokens)))
        except garminconnect.GarminConnectConnectionError:
            raise AuthExpired("stored Garmin tokens are unreadable; connect again") from None
        self._saved = _tokens_of(self._client)

    @property
    def calls(self) -> int:
        return int(self._client.calls)

    # -- the endpoints we use (garminconnect's own methods and URL constants) --

    def activities_page(self, start_date: str, end_date: str | None, start: int, limit: int) -> Any:
        """One page of the activity list between two local dates, oldest first."""
        params = {"startDate": start_date, "start": str(start), "limit": str(limit)}
        if end_date is not None:
            params["endDate"] = end_date
        params["sortOrder"] = "asc"
        url = self._garmin.garmin_connect_activities
        return self._call("activity list", lambda: self._garmin.connectapi(url, params=params))

    def activity(self, activity_id: str) -> Any:
        return self._call("activity", lambda: self._garmin.get_activity(activity_id))

    def exercise_sets(self, activity_id: str) -> Any:
        return self._call(
            "exercise sets", lambda: self._garmin.get_activity_exercise_sets(activity_id)
        )

    def weigh_ins(self, start_date: str, end_date: str) -> Any:
        return self._call("weigh-ins", lambda: self._garmin.get_weigh_ins(start_date, end_date))

    # -- the workout service (connectors/garmin/workouts.py builds the documents) --

    def upload_strength_workout(self, workout: Mapping[str, Any]) -> str:
        """Add a strength workout to the athlete's library; its workoutId. Writes are sent once
        (no retry: a lost answer must not leave a second copy); the caller records progress."""
        typed = _typed_strength_workout(workout)
        if typed is not None:
            response = self._once(
                "workout upload", lambda: self._garmin.upload_strength_workout(typed)
            )
        else:
            response = self._once(
                "workout upload", lambda: self._garmin.upload_workout(dict(workout))
            )
        return workout_id_of(response)

    def schedule_workout(self, workout_id: str, on: date) -> str:
        """Put a library workout on the calendar; the schedule's id."""
        response = self._once(
            "workout schedule", lambda: self._garmin.schedule_workout(workout_id, on.isoformat())
        )
        return scheduled_id_of(response)

    def unschedule_workout(self, schedule_id: str) -> None:
        """Take a workout off the calendar; one already gone is fine."""
        self._forgiving_delete(
            "workout unschedule", lambda: self._garmin.unschedule_workout(schedule_id)
        )

    def delete_workout(self, workout_id: str) -> None:
        """Remove a workout from the library (Garmin drops its schedules with it)."""
        self._forgiving_delete("workout delete", lambda: self._garmin.delete_workout(workout_id))

    def workouts(self, limit: int = 100) -> Any:
        return self._call("workout list", lambda: self._garmin.get_workouts(0, limit))

    def _forgiving_delete(self, what: str, request: Callable[[], Any]) -> None:
        try:
            self._once(what, request)
        except UpstreamChanged:
            if self._client.last_status != 404:
                raise

    # -- translation --

    def _call(self, what: str, request: Callable[[], T]) -> T:
        return call_with_retries(lambda: self._once(what, request), self._retry, self._sleep)

    def _once(self, what: str, request: Callable[[], T]) -> T:
        if self._pacer is not None:
            self._pacer.wait()
        try:
            return request()
        except garminconnect.GarminConnectAuthenticationError:
            raise AuthExpired(f"Garmin rejected the stored token ({what})") from None
        except garminconnect.GarminConnectTooManyRequestsError:
            raise self._rate_limited(what) from None
        except garminconnect.GarminConnectConnectionError as err:
            raise self._translate(what, err) from None
        finally:
            self._persist_if_rotated()

    def _rate_limited(self, what: str) -> RateLimited:
        wait = parse_retry_after(self._client.last_headers.get("Retry-After"))
        return RateLimited(DEFAULT_RATE_LIMIT_WAIT_S if wait is None else wait, f"(Garmin {what})")

    def _translate(self, what: str, err: Exception) -> Exception:
        # garminconnect folds every HTTP failure into one exception without the response; the
        # recorder saw the status. Its message may quote the body, so it is not passed on.
        status = self._client.last_status
        if status in (401, 403):
            return AuthExpired(f"Garmin rejected the stored token ({what}, HTTP {status})")
        if status == 429:
            return self._rate_limited(what)
        if status is None or status >= 500:
            wait = parse_retry_after(self._client.last_headers.get("Retry-After"))
            detail = f"HTTP {status}" if status else f"no response: {type(err.__cause__).__name__}"
            return ServerBusy(f"Garmin {what} failed ({detail})", retry_after=wait)
        if status < 300:
            return UpstreamChanged(f"Garmin {what} answered something that is not JSON")
        return UpstreamChanged(f"Garmin {what} answered HTTP {status}")

    def _persist_if_rotated(self) -> None:
        current = _tokens_of(self._client)
        if current != self._saved and current.get("di_token"):
            # A refresh token may be single-use: store the new pair before anything else.
            self._store.save(current)
            self._saved = current
            log.info("Garmin tokens refreshed and stored")
