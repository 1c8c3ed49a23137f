"""Garmin Connect's workout service on the Garmin replay server: the workout library, the
schedule and the calendar month, holding state per account, so a test can count what a push
left on the athlete's calendar (exactly one workout per planned day). It refuses what Garmin's
service would refuse in a strength workout (no name, no category, a weight without its unit)."""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug import Request, Response

from connectors.replay.http import Json, json_response

_IDS = itertools.count(900_000_001)


@dataclass
class WorkoutCalendar:
    """One account's workouts, by workoutId, and its scheduled workouts, by workoutScheduleId."""

    workouts: dict[int, Json] = field(default_factory=dict)
    schedules: dict[int, Json] = field(default_factory=dict)
    """{"workoutId", "date"} per schedule id."""

    def scheduled_on(self, day: str) -> list[Json]:
        return [s for s in self.schedules.values() if s["date"] == day]


def is_workout_path(path: str) -> bool:
    return path.startswith(("/workout-service/", "/calendar-service/"))


def workout_service(calendar: WorkoutCalendar, request: Request, calls: Any) -> Response:
    """Answer one workout-service or calendar-service request; `calls` counts them by kind."""
    path, method = request.path, request.method
    if path == "/workout-service/workout" and method == "POST":
        calls["workout_upload"] += 1
        return _upload(calendar, request.get_json(silent=True))
    if path == "/workout-service/workouts" and method == "GET":
        calls["workout_list"] += 1
        start, limit = int(request.args.get("start", 0)), int(request.args.get("limit", 100))
        return json_response([dict(w) for w in calendar.workouts.values()][start : start + limit])
    match = re.fullmatch(r"/workout-service/workout/(\d+)", path)
    if match and method in ("GET", "DELETE"):
        workout_id = int(match.group(1))
        if workout_id not in calendar.workouts:
            return json_response({"message": "Workout not found"}, 404)
        if method == "GET":
            return json_response(calendar.workouts[workout_id])
        calls["workout_delete"] += 1
        del calendar.workouts[workout_id]
        # Garmin takes a deleted workout off the calendar too.
        for schedule_id in [
            k for k, v in calendar.schedules.items() if v["workoutId"] == workout_id
        ]:
            del calendar.schedules[schedule_id]
        return Response(status=204)
    match = re.fullmatch(r"/workout-service/schedule/(\d+)", path)
    if match and method == "POST":
        calls["workout_schedule"] += 1
        return _schedule(calendar, int(match.group(1)), request.get_json(silent=True))
    if match and method == "DELETE":
        calls["workout_unschedule"] += 1
        if calendar.schedules.pop(int(match.group(1)), None) is None:
            return json_response({"message": "Scheduled workout not found"}, 404)
        return Response(status=204)
    match = re.fullmatch(r"/calendar-service/year/(\d+)/month/(\d+)", path)
    if match and method == "GET":
        year, month = int(match.group(1)), int(match.group(2)) + 1  # Garmin's months: 0-11
        prefix = f"{year:04d}-{month:02d}-"
        items = [
            {"id": schedule_id, "itemType": "workout", "workoutId": s["workoutId"],
             "date": s["date"], "title": calendar.workouts[s["workoutId"]]["workoutName"]}
            for schedule_id, s in sorted(calendar.schedules.items())
            if s["date"].startswith(prefix)
        ]  # fmt: skip
        return json_response({"startDayOfMonth": 0, "numOfDaysInMonth": 31, "calendarItems": items})
    calls["unknown"] += 1
    return json_response({"message": "no such endpoint"}, 404)


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.0")


def _upload(calendar: WorkoutCalendar, body: Any) -> Response:
    problem = strength_workout_problem(body)
    if problem is not None:
        return json_response({"message": f"Invalid workout: {problem}"}, 400)
    workout_id = next(_IDS)
    stored = {**copy.deepcopy(body), "workoutId": workout_id, "ownerId": 10788552,
              "createdDate": _now_text(), "updatedDate": _now_text()}  # fmt: skip
    calendar.workouts[workout_id] = stored
    return json_response(stored)


def _schedule(calendar: WorkoutCalendar, workout_id: int, body: Any) -> Response:
    day = body.get("date") if isinstance(body, dict) else None
    if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return json_response({"message": "Invalid date"}, 400)
    workout = calendar.workouts.get(workout_id)
    if workout is None:
        return json_response({"message": "Workout not found"}, 404)
    schedule_id = next(_IDS)
    calendar.schedules[schedule_id] = {"workoutId": workout_id, "date": day}
    return json_response({"workoutScheduleId": schedule_id, "workout": workout,
                          "calendarDate": day, "createdDate": _now_text(),
                          "ownerId": 10788552})  # fmt: skip


def strength_workout_problem(body: Any) -> str | None:
    """What Garmin's workout service would refuse in a strength workout, or None."""
    if not isinstance(body, dict) or not body.get("workoutName"):
        return "no workoutName"
    if (body.get("sportType") or {}).get("sportTypeKey") != "strength_training":
        return "sportType is not strength_training"
    orders: list[int] = []

    def walk(steps: Any) -> str | None:
        for step in steps or []:
            orders.append(step.get("stepOrder"))
            if step.get("type") == "RepeatGroupDTO":
                if not isinstance(step.get("numberOfIterations"), int):
                    return "repeat group without numberOfIterations"
                found = walk(step.get("workoutSteps"))
                if found:
                    return found
            elif step.get("type") == "ExecutableStepDTO":
                key = (step.get("stepType") or {}).get("stepTypeKey")
                if key in ("interval", "warmup") and not step.get("category"):
                    return f"exercise step {step.get('stepOrder')} has no category"
                if "weightValue" in step and (step.get("weightUnit") or {}).get("factor") != 1000.0:
                    return "weightValue without the kilogram unit"
            else:
                return f"unknown step type {step.get('type')!r}"
        return None

    for segment in body.get("workoutSegments") or []:
        found = walk(segment.get("workoutSteps"))
        if found:
            return found
    if not orders or len(set(orders)) != len(orders):
        return "stepOrder missing or repeated"
    return None
