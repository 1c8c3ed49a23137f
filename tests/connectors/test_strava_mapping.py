"""Strava mapping on the real response shapes (../shared/data)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.source import MalformedItem
from connectors.strava.mapping import map_activity, sport_of


def load(shared_data: Path, *parts: str) -> Any:
    return json.loads((shared_data.joinpath(*parts)).read_text(encoding="utf-8"))


def test_old_schema_detail_run(shared_data: Path) -> None:
    raw = load(shared_data, "strava-api_stravalib", "activity.3.json")
    assert "sport_type" not in raw  # the old schema this test is about
    run = map_activity(raw)
    assert (run.source, run.source_id, run.sport, run.sub_sport) == (
        "strava",
        "99895560",
        "run",
        "generic",
    )
    assert run.start_utc == datetime(2013, 12, 12, 19, 36, 41, tzinfo=UTC)
    # start_date_local ends in Z but is Los Angeles wall-clock time.
    assert run.local_start == datetime(2013, 12, 12, 11, 36, 41)
    assert (run.distance_m, run.moving_s, run.elapsed_s) == (5781.1, 2892.0, 3140.0)


def test_manual_hike(shared_data: Path) -> None:
    hike = map_activity(load(shared_data, "strava-api_stravalib", "activity-manual.3.json"))
    assert (hike.sport, hike.sub_sport) == ("walk", "hike")
    assert hike.local_start == datetime(2013, 11, 17, 8, 0)


def test_summary_page_items(shared_data: Path) -> None:
    page = load(shared_data, "strava-api_strava-offline", "extracted_athlete_activities_page1.json")
    mapped = [map_activity(item) for item in page]
    assert len(mapped) == len(page) == 14
    first = mapped[0]
    assert first.sport == "ride"
    assert first.start_utc == datetime(2020, 1, 1, 8, 0, tzinfo=UTC)
    assert first.local_start == datetime(2020, 1, 1, 9, 0)  # utc_offset 3600, despite the Z
    assert len({m.source_id for m in mapped}) == 14


@pytest.mark.parametrize(
    ("sport_type", "trainer", "expected"),
    [
        ("Run", False, ("run", "generic")),
        ("Run", True, ("run", "treadmill")),
        ("TrailRun", False, ("run", "trail")),
        ("VirtualRun", True, ("run", "virtual")),
        ("VirtualRide", True, ("ride", "virtual_ride")),
        ("WeightTraining", False, ("strength", "weight_training")),
        ("Yoga", False, ("other", "yoga")),
    ],
)
def test_sport_of(sport_type: str, trainer: bool, expected: tuple[str, str]) -> None:
    assert sport_of(sport_type, trainer) == expected


def test_sport_type_wins_over_type(shared_data: Path) -> None:
    raw = copy.deepcopy(load(shared_data, "strava-api_stravalib", "activity.3.json"))
    raw["sport_type"], raw["type"] = "TrailRun", "Run"
    assert map_activity(raw).sub_sport == "trail"


def test_malformed_item_keeps_its_id(shared_data: Path) -> None:
    raw = copy.deepcopy(load(shared_data, "strava-api_stravalib", "activity.3.json"))
    raw["start_date"] = None
    with pytest.raises(MalformedItem) as caught:
        map_activity(raw)
    assert caught.value.source_id == "99895560"
