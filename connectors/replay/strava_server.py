"""Strava replayed: API v3 (athlete activities, activity), the OAuth token endpoint, push
subscriptions (creating one checks the callback as Strava does) and per-application rate limits
with Strava's headers, on one local server, in the shapes `stravalib` speaks. Items are varied
from templates given by the caller (real recorded responses in the tests, the hand-written ones
of connectors/replay/templates.py in the demo)."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import requests
from werkzeug import Request, Response

from connectors.replay.http import Json, ReplayServer, ReplayService, json_response


@dataclass
class StravaTemplates:
    summary: Json  # a real SummaryActivity (strava-offline page; new keys, templated values)
    detail_old: Json  # a real DetailedActivity of the old schema (no sport_type)


def strava_item(
    templates: StravaTemplates,
    activity_id: int,
    start_utc: datetime,
    *,
    utc_offset_s: int = -21_600,
    sport_type: str | None = "Run",
    distance_m: float = 8000.0,
    moving_s: float = 2690.0,
    elapsed_s: float = 2712.0,
    trainer: bool = False,
    old_schema: bool = False,
) -> Json:
    """A SummaryActivity varied from a real one; `start_date_local` keeps Strava's false Z."""
    item = copy.deepcopy(templates.summary)
    if old_schema:
        item.pop("sport_type", None)
    elif sport_type is not None:
        item["sport_type"] = sport_type
    local = start_utc + timedelta(seconds=utc_offset_s)
    item.update(
        id=activity_id,
        external_id=f"garmin_ping_{activity_id}",
        upload_id=activity_id + 1,
        upload_id_str=str(activity_id + 1),
        name=f"{sport_type or 'Run'} {activity_id}",
        type="Run" if (sport_type or "Run").endswith("Run") else (sport_type or "Run"),
        start_date=start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        start_date_local=local.strftime("%Y-%m-%dT%H:%M:%SZ"),
        utc_offset=utc_offset_s,
        distance=distance_m,
        moving_time=int(moving_s),
        elapsed_time=int(elapsed_s),
        trainer=trainer,
    )
    return item


class StravaReplay(ReplayService):
    """Strava's API v3 and OAuth token endpoint, with per-application rate limits."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        read_limits: tuple[int, int] = (100, 1000),
        overall_limits: tuple[int, int] = (200, 2000),
        server: ReplayServer | None = None,
        templates: StravaTemplates | None = None,
    ) -> None:
        super().__init__(server)
        self.now = now
        self.templates = templates
        self.read_limits = read_limits
        self.overall_limits = overall_limits
        self.activities: dict[str, list[Json]] = {}
        self.access: dict[str, tuple[str, int]] = {}
        self.refresh: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.client_id, self.client_secret = 4242, "app-secret-3f9c"
        self.athlete_ids: dict[str, int] = {}
        self.subscriptions: dict[int, Json] = {}
        self._subscription_ids = itertools.count(120_000)
        self._nonce = itertools.count(1)
        self._superseded: dict[str, str] = {}
        """new access token -> the refresh token it replaces (valid until that one is used)"""
        self._usage: dict[str, list[int]] = {"read": [0, 0], "overall": [0, 0]}
        self._window: tuple[int, date] | None = None

    def issue_tokens(self, athlete: str, *, expires_in: int = 21_600) -> Json:
        n = next(self._nonce)
        access, refresh = f"strava-access-{athlete}-{n}", f"strava-refresh-{athlete}-{n}"
        expires_at = int(self.now().timestamp()) + expires_in
        self.access[access] = (athlete, expires_at)
        self.refresh[refresh] = athlete
        self.activities.setdefault(athlete, [])
        self.athlete_ids.setdefault(athlete, 7_000_000 + len(self.athlete_ids) + 1)
        return {"access_token": access, "refresh_token": refresh, "expires_at": expires_at}

    def revoke(self, athlete: str) -> None:
        self.access = {t: v for t, v in self.access.items() if v[0] != athlete}
        self.refresh = {t: a for t, a in self.refresh.items() if a != athlete}

    def add(self, athlete: str, items: list[Json]) -> None:
        self.activities.setdefault(athlete, []).extend(items)

    def _roll(self) -> None:
        now = self.now().astimezone(UTC)
        window = (int(now.timestamp()) // 900, now.date())
        if self._window is not None and window != self._window:
            for usage in self._usage.values():
                usage[0] = 0
                if window[1] != self._window[1]:
                    usage[1] = 0
        self._window = window

    def _rate_headers(self) -> dict[str, str]:
        r, o = self._usage["read"], self._usage["overall"]
        return {
            "X-RateLimit-Limit": f"{self.overall_limits[0]},{self.overall_limits[1]}",
            "X-RateLimit-Usage": f"{o[0]},{o[1]}",
            "X-ReadRateLimit-Limit": f"{self.read_limits[0]},{self.read_limits[1]}",
            "X-ReadRateLimit-Usage": f"{r[0]},{r[1]}",
        }

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/oauth/token":
            self.calls["token"] += 1
            return self._token(request)
        if path.startswith("/api/v3/push_subscriptions"):
            self.calls["push_subscriptions"] += 1
            return self._push_subscriptions(request)
        self._roll()
        read, overall = self._usage["read"], self._usage["overall"]
        for usage in (overall, read) if request.method == "GET" else (overall,):
            usage[0] += 1
            usage[1] += 1
        over = (
            overall[0] > self.overall_limits[0]
            or overall[1] > self.overall_limits[1]
            or read[0] > self.read_limits[0]
            or read[1] > self.read_limits[1]
        )
        if over:
            self.calls["429"] += 1
            return json_response(
                {
                    "message": "Rate Limit Exceeded",
                    "errors": [
                        {"resource": "Application", "field": "rate limit", "code": "exceeded"}
                    ],
                },
                429,
                self._rate_headers(),
            )
        fault = self._fault_for(path)
        if fault is not None:
            self.calls[f"fault {fault.status}"] += 1
            return json_response(
                fault.body or {"message": "Server Error", "errors": []},
                fault.status,
                {**self._rate_headers(), **fault.headers},
            )
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        owner = self.access.get(token)
        if owner is None or owner[1] <= self.now().timestamp():
            self.calls["unauthorised"] += 1
            return json_response(
                {
                    "message": "Authorization Error",
                    "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
                },
                401,
                self._rate_headers(),
            )
        athlete = owner[0]
        superseded = self._superseded.pop(token, None)
        if superseded is not None:
            self.refresh.pop(superseded, None)
        if path == "/api/v3/athlete/activities":
            self.calls["list"] += 1
            return json_response(self._list(athlete, request.args), headers=self._rate_headers())
        match = re.fullmatch(r"/api/v3/activities/(\d+)", path)
        if match:
            self.calls["activity"] += 1
            found = [a for a in self.activities[athlete] if str(a["id"]) == match.group(1)]
            return (
                json_response(found[0], headers=self._rate_headers())
                if found
                else json_response(
                    {"message": "Record Not Found", "errors": []}, 404, self._rate_headers()
                )
            )
        self.calls["unknown"] += 1
        return json_response(
            {"message": "Record Not Found", "errors": []}, 404, self._rate_headers()
        )

    def _app_refused(self, fields: dict[str, str]) -> Response | None:
        if (
            fields.get("client_id") == str(self.client_id)
            and fields.get("client_secret") == self.client_secret
        ):
            return None
        return json_response(
            {
                "message": "Authorization Error",
                "errors": [{"resource": "Application", "field": "client_id", "code": "invalid"}],
            },
            401,
        )

    def _push_subscriptions(self, request: Request) -> Response:
        """The application's one push subscription; creating one checks the callback the way
        Strava does (a GET with hub.challenge that must be echoed within 2 s)."""
        if request.method == "GET":
            fields = {k: str(v) for k, v in request.args.items()}
        else:
            fields = {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}
        refused = self._app_refused(fields)
        if refused is not None:
            return refused
        if request.method == "GET":
            return json_response(list(self.subscriptions.values()))
        match = re.fullmatch(r"/api/v3/push_subscriptions/(\d+)", request.path)
        if request.method == "DELETE" and match:
            if self.subscriptions.pop(int(match.group(1)), None) is None:
                return json_response({"message": "Record Not Found", "errors": []}, 404)
            return Response(status=204)
        if request.method != "POST":
            return json_response({"message": "Record Not Found", "errors": []}, 404)
        if self.subscriptions:
            return self._bad_subscription("", "already exists")
        callback = fields.get("callback_url", "")
        challenge = f"challenge-{next(self._nonce)}"
        try:
            answer = requests.get(
                callback,
                params={
                    "hub.mode": "subscribe",
                    "hub.challenge": challenge,
                    "hub.verify_token": fields.get("verify_token", ""),
                },
                timeout=2,
            )
            verified = answer.status_code == 200 and answer.json() == {"hub.challenge": challenge}
        except (requests.RequestException, ValueError):
            verified = False
        if not verified:
            return self._bad_subscription("callback url", "GET to callback URL does not return 200")
        sub_id = next(self._subscription_ids)
        moment = self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        self.subscriptions[sub_id] = {
            "id": sub_id,
            "resource_state": 2,
            "application_id": self.client_id,
            "callback_url": callback,
            "created_at": moment,
            "updated_at": moment,
        }
        return json_response({"id": sub_id}, 201)

    @staticmethod
    def _bad_subscription(field_: str, code: str) -> Response:
        return json_response(
            {
                "message": "Bad Request",
                "errors": [{"resource": "PushSubscription", "field": field_, "code": code}],
            },
            400,
        )

    def _list(self, athlete: str, args: Any) -> list[Json]:
        after = int(args.get("after", 0))
        items = [
            a
            for a in self.activities[athlete]
            if datetime.fromisoformat(a["start_date"].replace("Z", "+00:00")).timestamp() > after
        ]
        items.sort(key=lambda a: a["start_date"])  # with `after`, Strava lists oldest first
        page, per_page = int(args.get("page", 1)), int(args.get("per_page", 30))
        return items[(page - 1) * per_page : page * per_page]

    def _token(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        field_ = {k: v[0] for k, v in form.items()}
        if (
            field_.get("client_id") != str(self.client_id)
            or field_.get("client_secret") != self.client_secret
        ):
            return json_response(
                {
                    "message": "Bad Request",
                    "errors": [
                        {"resource": "Application", "field": "client_id", "code": "invalid"}
                    ],
                },
                400,
            )
        refresh_token = None
        if field_.get("grant_type") == "refresh_token":
            refresh_token = field_.get("refresh_token", "")
            athlete = self.refresh.get(refresh_token)
        else:
            athlete = self.codes.pop(field_.get("code", ""), None)
        if athlete is None:
            return json_response(
                {
                    "message": "Bad Request",
                    "errors": [
                        {"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}
                    ],
                },
                400,
            )
        tokens = self.issue_tokens(athlete)
        if refresh_token is not None:
            # As Strava does: the old refresh token stays valid until the new access token is
            # first used, so a client that lost the answer (or died before storing it) can
            # refresh again with the token it has.
            self._superseded[tokens["access_token"]] = refresh_token
        return json_response(
            {
                "token_type": "Bearer",
                **tokens,
                "expires_in": 21_600,
                "athlete": {"id": self.athlete_ids[athlete], "resource_state": 2},
            }
        )
