"""Pure mapping from Garmin Connect JSON to records.

Two eras of responses are in the wild: the activity list (`startTimeLocal "2026-01-08 08:10:21"`)
and the activity-service detail (`summaryDTO.startTimeLocal "2026-01-08T08:10:21.0"`). Older list
responses (before about 2022) report `elapsedDuration` in milliseconds while `duration` and
`movingDuration` are seconds; newer ones use seconds throughout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from connectors.exercises import normalise_exercise
from connectors.records import Activity, BodyWeight, LiftSet, SportFamily
from connectors.source import MalformedItem

# Garmin's running subtypes (parentTypeId 1) plus the parent itself. Anything whose parent is
# running counts too, so a new subtype is a run without a code change.
RUNNING_TYPE_ID = 1
RUN_SUB_SPORTS: Mapping[str, str] = {
    "running": "generic",
    "street_running": "street",
    "trail_running": "trail",
    "treadmill_running": "treadmill",
    "indoor_running": "indoor",
    "track_running": "track",
    "ultra_run": "ultra",
    "virtual_run": "virtual",
    "obstacle_run": "obstacle",
}
_FAMILY_BY_KEY: Mapping[str, SportFamily] = {
    "cycling": "ride",
    "walking": "walk",
    "casual_walking": "walk",
    "speed_walking": "walk",
    "hiking": "walk",
    "rucking": "walk",
    "swimming": "swim",
    "lap_swimming": "swim",
    "open_water_swimming": "swim",
    "strength_training": "strength",
}
_FAMILY_BY_PARENT_ID: Mapping[int, SportFamily] = {2: "ride", 9: "walk", 3: "walk", 26: "swim"}
MULTISPORT_KEY = "multi_sport"
STRENGTH_KEY = "strength_training"

# Seconds in two days: an elapsed time above this with no timer duration to compare can only
# be milliseconds (no single activity of ours lasts 48 h).
_MAX_PLAUSIBLE_ELAPSED_S = 2 * 86_400.0
# Elapsed in ms is ~1000x the timer duration; a real pause ratio never reaches 20x.
_MS_RATIO = 20.0


def sport_of(type_key: str, parent_type_id: int | None) -> tuple[SportFamily, str | None]:
    """(family, sub_sport) for a Garmin activity type."""
    if type_key in RUN_SUB_SPORTS:
        return "run", RUN_SUB_SPORTS[type_key]
    if parent_type_id == RUNNING_TYPE_ID:
        return "run", type_key.removesuffix("_running").removesuffix("_run")
    family = _FAMILY_BY_KEY.get(type_key)
    if family is None and parent_type_id is not None:
        family = _FAMILY_BY_PARENT_ID.get(parent_type_id)
    return (family or "other"), type_key


def elapsed_seconds(elapsed: float | None, duration: float | None) -> float | None:
    """Elapsed time in seconds, undoing the old list's milliseconds."""
    if elapsed is None:
        return None
    if duration is not None and duration > 0:
        return elapsed / 1000.0 if elapsed > duration * _MS_RATIO else elapsed
    return elapsed / 1000.0 if elapsed > _MAX_PLAUSIBLE_ELAPSED_S else elapsed


_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$")


def parse_naive(value: object) -> datetime:
    """'2026-01-08 08:10:21' (list) or '2026-01-08T08:10:21.0' (detail) -> naive datetime."""
    if not isinstance(value, str):
        raise ValueError(f"expected a time string, got {value!r}")
    match = _TIME_RE.match(value.strip())
    if match is None:
        raise ValueError(f"unrecognised time {value!r}")
    day, clock, fraction = match.groups()
    parsed = datetime.fromisoformat(f"{day}T{clock}")
    if fraction:
        parsed = parsed.replace(microsecond=round(float(fraction) * 1_000_000) % 1_000_000)
    return parsed


def _as_float(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is not a number: {value!r}")
    return float(value)


def _as_int(value: object, name: str) -> int | None:
    number = _as_float(value, name)
    return None if number is None else round(number)


def activity_id_of(item: Mapping[str, Any]) -> str:
    value = item.get("activityId")
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value) == "":
        raise MalformedItem("?", f"activityId missing or not an id: {value!r}")
    return str(value)


def type_of(item: Mapping[str, Any]) -> tuple[str, int | None]:
    """(typeKey, parentTypeId) from a list item (`activityType`) or detail (`activityTypeDTO`)."""
    dto = item.get("activityType") or item.get("activityTypeDTO")
    if not isinstance(dto, Mapping) or not isinstance(dto.get("typeKey"), str):
        raise ValueError(f"activity type missing: {dto!r}")
    parent = dto.get("parentTypeId")
    return dto["typeKey"], parent if isinstance(parent, int) else None


def is_multisport_parent(item: Mapping[str, Any]) -> bool:
    """A multisport parent sums its legs; it is never stored as an activity itself."""
    if item.get("parent") is True or item.get("isMultiSportParent") is True:
        return True
    try:
        return type_of(item)[0] == MULTISPORT_KEY
    except ValueError:
        return False


def is_strength(item: Mapping[str, Any]) -> bool:
    try:
        return type_of(item)[0] == STRENGTH_KEY
    except ValueError:
        return False


def child_ids(detail: Mapping[str, Any]) -> list[str]:
    """The legs of a multisport parent, from its detail's metadataDTO (or the list's childIds)."""
    meta = detail.get("metadataDTO")
    ids = meta.get("childIds") if isinstance(meta, Mapping) else None
    if ids is None:
        ids = detail.get("childIds")
    return [str(i) for i in ids or ()]


def _activity(item: Mapping[str, Any], summary: Mapping[str, Any], parent_id: object) -> Activity:
    source_id = activity_id_of(item)
    try:
        type_key, parent_type_id = type_of(item)
        sport, sub_sport = sport_of(type_key, parent_type_id)
        local_start = parse_naive(summary.get("startTimeLocal"))
        begin = summary.get("beginTimestamp")
        if summary.get("startTimeGMT") is not None:
            start_utc = parse_naive(summary.get("startTimeGMT")).replace(tzinfo=UTC)
        elif isinstance(begin, int | float) and not isinstance(begin, bool):
            start_utc = datetime.fromtimestamp(begin / 1000.0, tz=UTC)
        else:
            raise ValueError("no start time in GMT")
        duration = _as_float(summary.get("duration"), "duration")
        name = item.get("activityName")
        return Activity(
            source="garmin",
            source_id=source_id,
            start_utc=start_utc,
            local_start=local_start,
            sport=sport,
            sub_sport=sub_sport,
            name=name if isinstance(name, str) else None,
            distance_m=_as_float(summary.get("distance"), "distance"),
            moving_s=duration,
            elapsed_s=elapsed_seconds(
                _as_float(summary.get("elapsedDuration"), "elapsedDuration"), duration
            ),
            avg_hr=_as_int(summary.get("averageHR"), "averageHR"),
            max_hr=_as_int(summary.get("maxHR"), "maxHR"),
            parent_source_id=str(parent_id) if parent_id is not None else None,
            raw=item,
        )
    except (ValueError, TypeError, KeyError) as err:
        raise MalformedItem(source_id, str(err)) from err


def map_list_item(item: Mapping[str, Any]) -> Activity:
    """One item of /activitylist-service/activities/search/activities."""
    return _activity(item, item, item.get("parentId"))


def map_detail(detail: Mapping[str, Any]) -> Activity:
    """An /activity-service/activity/{id} response (used for multisport legs)."""
    summary = detail.get("summaryDTO")
    if not isinstance(summary, Mapping):
        raise MalformedItem(activity_id_of(detail), "summaryDTO missing")
    return _activity(detail, summary, detail.get("parentId"))


def exercise_slug(exercises: object) -> str:
    """The first (most probable) candidate's name, else its category, as our slug
    (`BARBELL_BACK_SQUAT` -> `back_squat`, shared synonyms in connectors.exercises)."""
    if not isinstance(exercises, list) or not exercises or not isinstance(exercises[0], Mapping):
        return "unknown"
    first = exercises[0]
    return normalise_exercise(str(first.get("name") or first.get("category") or "unknown"))


def map_exercise_sets(session: Activity, payload: Mapping[str, Any]) -> list[LiftSet]:
    """ACTIVE sets of a strength activity (`get_activity_exercise_sets`); weights are grams."""
    if session.local_start is None:
        raise MalformedItem(session.source_id, "strength session without a local start")
    performed_on: date = session.local_start.date()
    raw_sets = payload.get("exerciseSets")
    if raw_sets is None:
        return []
    if not isinstance(raw_sets, list):
        raise MalformedItem(session.source_id, "exerciseSets is not a list")
    lifts: list[LiftSet] = []
    for position, raw_set in enumerate(raw_sets):
        if not isinstance(raw_set, Mapping) or raw_set.get("setType") != "ACTIVE":
            continue
        try:
            weight_g = _as_float(raw_set.get("weight"), "weight") or 0.0
            reps = _as_int(raw_set.get("repetitionCount"), "repetitionCount") or 0
            if weight_g < 0 or reps < 0:
                raise ValueError(f"negative weight or reps: {weight_g!r} g, {reps!r}")
            start = raw_set.get("startTime")
            start_utc = parse_naive(start).replace(tzinfo=UTC) if start is not None else None
        except ValueError as err:
            raise MalformedItem(f"{session.source_id}#{position}", str(err)) from err
        index = raw_set.get("messageIndex")
        set_key = index if isinstance(index, int) else position
        lifts.append(
            LiftSet(
                source="garmin",
                source_id=f"{session.source_id}:{set_key}",
                performed_on=performed_on,
                exercise=exercise_slug(raw_set.get("exercises")),
                set_index=len(lifts) + 1,
                reps=reps,
                weight_kg=weight_g / 1000.0,
                start_utc=start_utc,
                session_source_id=session.source_id,
                raw=raw_set,
            )
        )
    return lifts


def map_weigh_ins(payload: Mapping[str, Any]) -> tuple[list[BodyWeight], list[MalformedItem]]:
    """`get_weigh_ins` (dailyWeightSummaries[].allWeightMetrics[]); weights are grams."""
    weights: list[BodyWeight] = []
    bad: list[MalformedItem] = []
    summaries = payload.get("dailyWeightSummaries") or []
    for summary in summaries if isinstance(summaries, list) else []:
        metrics = summary.get("allWeightMetrics") if isinstance(summary, Mapping) else None
        for metric in metrics or []:
            sample = str(metric.get("samplePk", "?")) if isinstance(metric, Mapping) else "?"
            try:
                if not isinstance(metric, Mapping):
                    raise ValueError("weigh-in is not an object")
                grams = _as_float(metric.get("weight"), "weight")
                if grams is None or grams <= 0 or sample == "?":
                    raise ValueError(f"weigh-in without weight or id: {grams!r}")
                day = date.fromisoformat(str(metric.get("calendarDate")))
            except ValueError as err:
                bad.append(MalformedItem(sample, str(err)))
                continue
            weights.append(
                BodyWeight(
                    source="garmin",
                    source_id=sample,
                    measured_on=day,
                    weight_kg=grams / 1000.0,
                    raw=metric,
                )
            )
    return weights, bad
