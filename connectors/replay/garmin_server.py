"""Garmin Connect replayed: its API (activity list, activity, exercise sets, weigh-ins,
profile), SSO login with MFA and the DI token endpoint, on one local server, in the shapes the
real `garminconnect` client speaks. Items are varied from templates given by the caller: the
tests give real recorded responses, the demo the hand-written ones of
connectors/replay/templates.py."""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from werkzeug import Request, Response

from connectors.replay.garmin_workouts import WorkoutCalendar, is_workout_path, workout_service
from connectors.replay.http import Json, ReplayServer, ReplayService, json_response


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
    """Garmin responses to vary: a 2026 list item, a 2021 list item (elapsed in ms), a multisport
    parent and child, and a 2026 activity detail."""

    list_2026: Json
    list_2021: Json
    multisport_parent: Json
    multisport_child: Json
    detail_2026: Json


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
class GarminAccount(WorkoutCalendar):
    """One Garmin account: its activities, their details and sets, weigh-ins, and (from
    WorkoutCalendar) its workout library and scheduled workouts."""

    items: list[Json] = field(default_factory=list)
    details: dict[str, Json] = field(default_factory=dict)
    exercise_sets: dict[str, Json] = field(default_factory=dict)
    weigh_ins: list[Json] = field(default_factory=list)


class GarminReplay(ReplayService):
    """Garmin Connect's API, SSO login and DI token endpoint on one local server."""

    def __init__(self, templates: GarminTemplates, server: ReplayServer | None = None) -> None:
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
            return json_response(
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
            return json_response({"message": "Unauthorized"}, 401)
        account = self.accounts[athlete]
        if path == "/activitylist-service/activities/search/activities":
            self.calls["list"] += 1
            return json_response(self._list(account, request.args))
        match = re.fullmatch(r"/activity-service/activity/(\d+)(/exerciseSets)?", path)
        if match and match.group(2):
            self.calls["exercise_sets"] += 1
            return json_response(account.exercise_sets.get(match.group(1), {"exerciseSets": None}))
        if match:
            self.calls["activity"] += 1
            detail = account.details.get(match.group(1))
            return json_response(detail) if detail else json_response({"message": "not found"}, 404)
        match = re.fullmatch(r"/weight-service/weight/range/([\d-]+)/([\d-]+)", path)
        if match:
            self.calls["weigh_ins"] += 1
            return json_response(self._weigh_ins(account, match.group(1), match.group(2)))
        if is_workout_path(path):
            return workout_service(account, request, self.calls)
        if path == "/userprofile-service/socialProfile":
            self.calls["profile"] += 1
            return json_response({"displayName": athlete, "fullName": athlete.title()})
        self.calls["unknown"] += 1
        return json_response({"message": "no such endpoint"}, 404)

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
                return json_response({"error": "invalid_grant"}, 400)
        else:
            ticket = form.get("service_ticket", "")
            athlete = ticket.removeprefix("ST-") if ticket.startswith("ST-") else None
            if athlete is None:
                return json_response({"error": "invalid_grant"}, 400)
        tokens = self.issue_tokens(athlete)
        return json_response(
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
                return json_response({"responseStatus": {"type": "INVALID_USERNAME_PASSWORD"}})
            if known[1] is not None:
                self._pending_mfa[known[1]] = email
                return json_response(
                    {
                        "responseStatus": {"type": "MFA_REQUIRED"},
                        "customerMfaInfo": {"mfaLastMethodUsed": "email"},
                    }
                )
            return json_response(
                {"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": f"ST-{email}"}
            )
        if request.path == "/mobile/api/mfa/verifyCode":
            email = self._pending_mfa.pop(body.get("mfaVerificationCode", ""), None)
            if email is None:
                return json_response({"responseStatus": {"type": "INVALID_MFA_CODE"}})
            return json_response(
                {"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": f"ST-{email}"}
            )
        return json_response({"message": "no such endpoint"}, 404)
