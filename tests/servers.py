"""Local stand-ins for Garmin Connect and Strava that speak their real HTTP shapes.

The real `garminconnect` and `stravalib` clients are pointed at these servers, so the libraries'
own request building, token handling and error paths run in the tests. Every item a server
returns is built at run time from a real recorded response in ../shared/data (deep-copied, with
identity, times and sizes varied); nothing is copied into the repository.

Used by tests/ and by benchmarks/sync_calls.py.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Json = dict[str, Any]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


@dataclass
class Fault:
    """Answer the next `times` requests whose path matches with this status instead."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    after: int = 0
    """Let this many matching requests through first (a failure in the middle of paging)."""


class _FakeBase:
    def __init__(self, server: HTTPServer | None = None) -> None:
        """Runs on `server` if given (a running server is reused: starting one is cheap, but
        stopping one takes half a second), else on a new one to `start()`."""
        self.server = server or HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.server.clear()
        self.server.expect_request(re.compile(".*")).respond_with_handler(self._handle)
        self.calls: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        if self.server.is_running():
            self.server.stop()

    def fail(self, path: str, status: int, times: int = 1, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, times, **kwargs))

    def reset_counts(self) -> None:
        self.calls.clear()
        self.log.clear()

    def _fault_for(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and re.search(fault.path, path):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.log.append((request.method, request.full_path))
            return self._route(request)

    def _route(self, request: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Garmin Connect
# --------------------------------------------------------------------------------------------


def make_jwt(
    exp: float, client_id: str = "GARMIN_CONNECT_MOBILE_ANDROID_DI", nonce: int = 0
) -> str:
    """A token shaped like Garmin's DI JWT (garminconnect reads `exp` and `client_id`)."""

    def part(obj: Json) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return ".".join(
        [
            part({"alg": "RS256", "typ": "JWT"}),
            part({"exp": int(exp), "client_id": client_id, "n": nonce}),
            "c2ln",
        ]
    )


@dataclass
class GarminTemplates:
    """Real Garmin responses to vary: a 2026 list item and a 2021 list item (elapsed in ms)."""

    list_2026: Json
    list_2021: Json
    multisport_parent: Json
    multisport_child: Json
    detail_2026: Json

    @classmethod
    def load(cls, shared_data: Path) -> GarminTemplates:
        garth = shared_data / "garmin-connect_garth"
        export = shared_data / "garmin-connect_garmin-connect-export"
        return cls(
            list_2026=_load(garth / "extracted_activitylist_limit3_start0.json")[0],
            list_2021=_load(export / "activities-list.json")[2],
            multisport_parent=_load(export / "activity_multisport_detail.json"),
            multisport_child=_load(export / "activity_multisport_child.json"),
            detail_2026=_load(garth / "extracted_activity_21482825013.json"),
        )


def _garmin_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def garmin_item(
    templates: GarminTemplates,
    activity_id: int,
    start_utc: datetime,
    *,
    utc_offset_h: float = -6,
    type_key: str = "running",
    parent_type_id: int = 1,
    distance_m: float = 8000.0,
    duration_s: float = 2700.0,
    old_era: bool = False,
) -> Json:
    """A list item varied from a real one; the old era reports elapsedDuration in ms."""
    item = copy.deepcopy(templates.list_2021 if old_era else templates.list_2026)
    local = start_utc + timedelta(hours=utc_offset_h)
    elapsed = duration_s + 12.5
    item.update(
        activityId=activity_id,
        activityName=f"{type_key.replace('_', ' ').title()} {activity_id}",
        startTimeGMT=_garmin_time(start_utc),
        startTimeLocal=_garmin_time(local),
        beginTimestamp=int(start_utc.timestamp() * 1000),
        distance=distance_m,
        duration=duration_s,
        movingDuration=duration_s - 5,
        elapsedDuration=elapsed * 1000 if old_era else elapsed,
    )
    item["activityType"] = dict(item["activityType"], typeKey=type_key, parentTypeId=parent_type_id)
    return item


def exercise_sets_payload(
    activity_id: int, start_utc: datetime, sets: list[tuple[str, int, float]]
) -> Json:
    """The exerciseSets shape (weights in grams), ACTIVE sets separated by REST sets."""
    out: list[Json] = []
    moment = start_utc
    for index, (name, reps, weight_kg) in enumerate(sets):
        out.append(
            {
                "exercises": [
                    {
                        "category": name.split("_")[-1].upper(),
                        "name": name.upper(),
                        "probability": 97.5,
                    }
                ],
                "duration": 40.0,
                "repetitionCount": reps,
                "weight": weight_kg * 1000.0,
                "setType": "ACTIVE",
                "startTime": moment.strftime("%Y-%m-%dT%H:%M:%S.0"),
                "wktStepIndex": None,
                "messageIndex": 2 * index,
            }
        )
        moment += timedelta(seconds=40)
        out.append(
            {
                "exercises": [],
                "duration": 90.0,
                "repetitionCount": None,
                "weight": None,
                "setType": "REST",
                "startTime": moment.strftime("%Y-%m-%dT%H:%M:%S.0"),
                "wktStepIndex": None,
                "messageIndex": 2 * index + 1,
            }
        )
        moment += timedelta(seconds=90)
    return {"activityId": activity_id, "exerciseSets": out}


@dataclass
class GarminAccount:
    items: list[Json] = field(default_factory=list)
    details: dict[str, Json] = field(default_factory=dict)
    exercise_sets: dict[str, Json] = field(default_factory=dict)
    weigh_ins: list[Json] = field(default_factory=list)


class FakeGarmin(_FakeBase):
    """Garmin Connect's API, SSO login and DI token endpoint on one local server."""

    def __init__(self, templates: GarminTemplates, server: HTTPServer | None = None) -> None:
        super().__init__(server)
        self.templates = templates
        self.accounts: dict[str, GarminAccount] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.passwords: dict[str, tuple[str, str | None]] = {}
        self._nonce = itertools.count(1)
        self._pending_mfa: dict[str, str] = {}

    # -- accounts and tokens --

    def account(self, athlete: str) -> GarminAccount:
        return self.accounts.setdefault(athlete, GarminAccount())

    def issue_tokens(self, athlete: str, *, expired: bool = False) -> Json:
        """A garmin_tokens.json document for the athlete (as garminconnect dumps it)."""
        exp = 1000 if expired else time.time() + 86_400
        access = make_jwt(exp, nonce=next(self._nonce))
        refresh = f"refresh-{athlete}-{next(self._nonce)}"
        self.access[access] = athlete
        self.refresh[refresh] = athlete
        self.account(athlete)
        return {
            "di_token": access,
            "di_refresh_token": refresh,
            "di_client_id": "GARMIN_CONNECT_MOBILE_ANDROID_DI",
        }

    def revoke(self, athlete: str) -> None:
        for table in (self.access, self.refresh):
            for token in [t for t, who in table.items() if who == athlete]:
                del table[token]

    def add_runs(self, athlete: str, items: list[Json]) -> None:
        self.account(athlete).items.extend(items)

    # -- routing --

    def _route(self, request: Request) -> Response:
        path = request.path
        fault = self._fault_for(path)
        if fault is not None:
            self.calls[f"fault {fault.status}"] += 1
            return _json(
                fault.body or {"message": f"injected {fault.status}"}, fault.status, fault.headers
            )
        if path == "/di-oauth2-service/oauth/token":
            self.calls["token"] += 1
            return self._token(request)
        if path.startswith("/mobile/api/"):
            self.calls["sso"] += 1
            return self._sso(request)
        auth = request.headers.get("Authorization", "")
        athlete = self.access.get(auth.removeprefix("Bearer "))
        if athlete is None or self._expired(auth.removeprefix("Bearer ")):
            self.calls["unauthorised"] += 1
            return _json({"message": "Unauthorized"}, 401)
        account = self.accounts[athlete]
        if path == "/activitylist-service/activities/search/activities":
            self.calls["list"] += 1
            return _json(self._list(account, request.args))
        match = re.fullmatch(r"/activity-service/activity/(\d+)(/exerciseSets)?", path)
        if match and match.group(2):
            self.calls["exercise_sets"] += 1
            return _json(account.exercise_sets.get(match.group(1), {"exerciseSets": None}))
        if match:
            self.calls["activity"] += 1
            detail = account.details.get(match.group(1))
            return _json(detail) if detail else _json({"message": "not found"}, 404)
        match = re.fullmatch(r"/weight-service/weight/range/([\d-]+)/([\d-]+)", path)
        if match:
            self.calls["weigh_ins"] += 1
            return _json(self._weigh_ins(account, match.group(1), match.group(2)))
        if path == "/userprofile-service/socialProfile":
            self.calls["profile"] += 1
            return _json({"displayName": athlete, "fullName": athlete.title()})
        self.calls["unknown"] += 1
        return _json({"message": "no such endpoint"}, 404)

    def _expired(self, token: str) -> bool:
        payload = token.split(".")[1]
        exp = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]
        return bool(exp < time.time())

    @staticmethod
    def _list(account: GarminAccount, args: Any) -> list[Json]:
        start_date = args.get("startDate", "0000-00-00")
        end_date = args.get("endDate", "9999-99-99")
        items = [i for i in account.items if start_date <= i["startTimeLocal"][:10] <= end_date]
        items.sort(key=lambda i: i["startTimeGMT"], reverse=args.get("sortOrder") != "asc")
        start, limit = int(args.get("start", 0)), int(args.get("limit", 20))
        return items[start : start + limit]

    @staticmethod
    def _weigh_ins(account: GarminAccount, start: str, end: str) -> Json:
        days: dict[str, list[Json]] = {}
        for w in account.weigh_ins:
            if start <= w["calendarDate"] <= end:
                days.setdefault(w["calendarDate"], []).append(w)
        return {
            "dailyWeightSummaries": [
                {
                    "summaryDate": d,
                    "numOfWeightEntries": len(ws),
                    "latestWeight": ws[-1],
                    "allWeightMetrics": ws,
                }
                for d, ws in sorted(days.items())
            ],
            "totalAverage": {},
        }

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") == "refresh_token":
            athlete = self.refresh.pop(form.get("refresh_token", ""), None)
            if athlete is None:
                return _json({"error": "invalid_grant"}, 400)
        else:
            ticket = form.get("service_ticket", "")
            athlete = ticket.removeprefix("ST-") if ticket.startswith("ST-") else None
            if athlete is None:
                return _json({"error": "invalid_grant"}, 400)
        tokens = self.issue_tokens(athlete)
        return _json(
            {
                "access_token": tokens["di_token"],
                "refresh_token": tokens["di_refresh_token"],
                "token_type": "Bearer",
                "expires_in": 86_400,
            }
        )

    def _sso(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if request.path == "/mobile/api/login":
            email = body.get("username", "")
            known = self.passwords.get(email)
            if known is None or known[0] != body.get("password"):
                return _json({"responseStatus": {"type": "INVALID_USERNAME_PASSWORD"}})
            if known[1] is not None:
                self._pending_mfa[known[1]] = email
                return _json(
                    {
                        "responseStatus": {"type": "MFA_REQUIRED"},
                        "customerMfaInfo": {"mfaLastMethodUsed": "email"},
                    }
                )
            return _json(
                {"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": f"ST-{email}"}
            )
        if request.path == "/mobile/api/mfa/verifyCode":
            email = self._pending_mfa.pop(body.get("mfaVerificationCode", ""), None)
            if email is None:
                return _json({"responseStatus": {"type": "INVALID_MFA_CODE"}})
            return _json(
                {"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": f"ST-{email}"}
            )
        return _json({"message": "no such endpoint"}, 404)


# --------------------------------------------------------------------------------------------
# Strava
# --------------------------------------------------------------------------------------------


@dataclass
class StravaTemplates:
    summary: Json  # a real SummaryActivity (strava-offline page; new keys, templated values)
    detail_old: Json  # a real DetailedActivity of the old schema (no sport_type)

    @classmethod
    def load(cls, shared_data: Path) -> StravaTemplates:
        return cls(
            summary=_load(
                shared_data
                / "strava-api_strava-offline"
                / "extracted_athlete_activities_page1.json"
            )[0],
            detail_old=_load(shared_data / "strava-api_stravalib" / "activity.3.json"),
        )


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


class FakeStrava(_FakeBase):
    """Strava's API v3 and OAuth token endpoint, with per-application rate limits."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        read_limits: tuple[int, int] = (100, 1000),
        overall_limits: tuple[int, int] = (200, 2000),
        server: HTTPServer | None = None,
    ) -> None:
        super().__init__(server)
        self.now = now
        self.templates: StravaTemplates | None = None
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
            return _json(
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
            return _json(
                fault.body or {"message": "Server Error", "errors": []},
                fault.status,
                {**self._rate_headers(), **fault.headers},
            )
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        owner = self.access.get(token)
        if owner is None or owner[1] <= self.now().timestamp():
            self.calls["unauthorised"] += 1
            return _json(
                {
                    "message": "Authorization Error",
                    "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
                },
                401,
                self._rate_headers(),
            )
        athlete = owner[0]
        if path == "/api/v3/athlete/activities":
            self.calls["list"] += 1
            return _json(self._list(athlete, request.args), headers=self._rate_headers())
        match = re.fullmatch(r"/api/v3/activities/(\d+)", path)
        if match:
            self.calls["activity"] += 1
            found = [a for a in self.activities[athlete] if str(a["id"]) == match.group(1)]
            return (
                _json(found[0], headers=self._rate_headers())
                if found
                else _json({"message": "Record Not Found", "errors": []}, 404, self._rate_headers())
            )
        self.calls["unknown"] += 1
        return _json({"message": "Record Not Found", "errors": []}, 404, self._rate_headers())

    def _app_refused(self, fields: dict[str, str]) -> Response | None:
        if (
            fields.get("client_id") == str(self.client_id)
            and fields.get("client_secret") == self.client_secret
        ):
            return None
        return _json(
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
            return _json(list(self.subscriptions.values()))
        match = re.fullmatch(r"/api/v3/push_subscriptions/(\d+)", request.path)
        if request.method == "DELETE" and match:
            if self.subscriptions.pop(int(match.group(1)), None) is None:
                return _json({"message": "Record Not Found", "errors": []}, 404)
            return Response(status=204)
        if request.method != "POST":
            return _json({"message": "Record Not Found", "errors": []}, 404)
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
        return _json({"id": sub_id}, 201)

    @staticmethod
    def _bad_subscription(field_: str, code: str) -> Response:
        return _json(
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
            return _json(
                {
                    "message": "Bad Request",
                    "errors": [
                        {"resource": "Application", "field": "client_id", "code": "invalid"}
                    ],
                },
                400,
            )
        if field_.get("grant_type") == "refresh_token":
            athlete = self.refresh.pop(field_.get("refresh_token", ""), None)  # single use
        else:
            athlete = self.codes.pop(field_.get("code", ""), None)
        if athlete is None:
            return _json(
                {
                    "message": "Bad Request",
                    "errors": [
                        {"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}
                    ],
                },
                400,
            )
        tokens = self.issue_tokens(athlete)
        return _json(
            {
                "token_type": "Bearer",
                **tokens,
                "expires_in": 21_600,
                "athlete": {"id": self.athlete_ids[athlete], "resource_state": 2},
            }
        )
