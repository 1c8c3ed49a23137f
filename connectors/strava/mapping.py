"""Pure mapping from Strava API JSON (SummaryActivity / DetailedActivity) to records.

`start_date` is UTC. `start_date_local` is the wall-clock time where the activity happened but
carries a `Z` suffix as if it were UTC: we drop the suffix and keep it naive. Responses from
before 2022 have `type` and no `sport_type`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.records import Activity, SportFamily
from connectors.source import MalformedItem

RUN_SUB_SPORTS: Mapping[str, str] = {"Run": "generic", "TrailRun": "trail", "VirtualRun": "virtual"}
_FAMILIES: Mapping[str, SportFamily] = {
    "Ride": "ride",
    "VirtualRide": "ride",
    "MountainBikeRide": "ride",
    "GravelRide": "ride",
    "EBikeRide": "ride",
    "EMountainBikeRide": "ride",
    "Handcycle": "ride",
    "Velomobile": "ride",
    "Walk": "walk",
    "Hike": "walk",
    "Swim": "swim",
    "WeightTraining": "strength",
    "Crossfit": "strength",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sport_of(sport_type: str, trainer: bool) -> tuple[SportFamily, str]:
    """(family, sub_sport). `trainer` on a run means a treadmill."""
    if sport_type in RUN_SUB_SPORTS:
        return "run", "treadmill" if trainer and sport_type == "Run" else RUN_SUB_SPORTS[sport_type]
    return _FAMILIES.get(sport_type, "other"), _snake(sport_type)


def parse_utc(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"start_date is not a string: {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"start_date has no zone: {value!r}")
    return parsed.astimezone(UTC)


def parse_local(value: object) -> datetime | None:
    """The wall-clock start; its `Z` is not a zone (Strava's quirk), so it is dropped."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"start_date_local is not a string: {value!r}")
    return datetime.fromisoformat(value.removesuffix("Z")).replace(tzinfo=None)


def _number(item: Mapping[str, Any], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} is not a number: {value!r}")
    return float(value)


def source_id_of(item: Mapping[str, Any]) -> str:
    value = item.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value) == "":
        raise MalformedItem("?", f"id missing: {value!r}")
    return str(value)


def map_activity(item: Mapping[str, Any]) -> Activity:
    source_id = source_id_of(item)
    try:
        sport_type = item.get("sport_type") or item.get("type")
        if not isinstance(sport_type, str):
            raise ValueError("neither sport_type nor type")
        sport, sub_sport = sport_of(sport_type, item.get("trainer") is True)
        avg_hr = _number(item, "average_heartrate")
        max_hr = _number(item, "max_heartrate")
        name = item.get("name")
        return Activity(
            source="strava",
            source_id=source_id,
            start_utc=parse_utc(item.get("start_date")),
            local_start=parse_local(item.get("start_date_local")),
            sport=sport,
            sub_sport=sub_sport,
            name=name if isinstance(name, str) else None,
            distance_m=_number(item, "distance"),
            moving_s=_number(item, "moving_time"),
            elapsed_s=_number(item, "elapsed_time"),
            avg_hr=None if avg_hr is None else round(avg_hr),
            max_hr=None if max_hr is None else round(max_hr),
            raw=item,
        )
    except (ValueError, TypeError) as err:
        raise MalformedItem(source_id, str(err)) from err
