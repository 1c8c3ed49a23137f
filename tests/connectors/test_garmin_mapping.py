"""Garmin mapping on the real response shapes of both API eras (../shared/data)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.garmin.mapping import (
    child_ids,
    elapsed_seconds,
    is_multisport_parent,
    map_detail,
    map_exercise_sets,
    map_list_item,
    map_weigh_ins,
    sport_of,
)
from connectors.source import MalformedItem


def load(shared_data: Path, *parts: str) -> Any:
    return json.loads((shared_data.joinpath(*parts)).read_text(encoding="utf-8"))


@pytest.fixture
def list_2026(shared_data: Path) -> list[dict[str, Any]]:
    return load(shared_data, "garmin-connect_garth", "extracted_activitylist_limit3_start0.json")


@pytest.fixture
def list_2021(shared_data: Path) -> list[dict[str, Any]]:
    return load(shared_data, "garmin-connect_garmin-connect-export", "activities-list.json")


def test_2026_list_trail_run(list_2026: list[dict[str, Any]]) -> None:
    run = map_list_item(list_2026[0])
    assert run.source_id == "21482825013"
    assert (run.sport, run.sub_sport) == ("run", "trail")
    assert run.start_utc == datetime(2026, 1, 8, 14, 10, 21, tzinfo=UTC)
    assert run.local_start == datetime(2026, 1, 8, 8, 10, 21)
    assert run.distance_m == pytest.approx(4261.19, abs=0.01)
    assert run.moving_s == pytest.approx(2223.33, abs=0.01)
    assert run.elapsed_s == pytest.approx(2225.44, abs=0.01)  # seconds in this era
    assert (run.avg_hr, run.max_hr) == (142, 162)
    assert run.raw is list_2026[0]


def test_2026_list_other_families(list_2026: list[dict[str, Any]]) -> None:
    hike, paddle = map_list_item(list_2026[1]), map_list_item(list_2026[2])
    assert (hike.sport, hike.sub_sport) == ("walk", "hiking")
    assert paddle.sport == "other"


def test_2021_list_elapsed_is_milliseconds(list_2021: list[dict[str, Any]]) -> None:
    walk, _multi, run = list_2021
    mapped_walk = map_list_item(walk)
    assert mapped_walk.elapsed_s == pytest.approx(walk["elapsedDuration"] / 1000.0)
    assert mapped_walk.elapsed_s == pytest.approx(2702.589, abs=0.001)
    mapped_run = map_list_item(run)
    assert (mapped_run.sport, mapped_run.sub_sport) == ("run", "generic")
    assert mapped_run.elapsed_s == pytest.approx(4677.15, abs=0.01)
    assert mapped_run.moving_s == pytest.approx(3459.34, abs=0.01)
    assert mapped_run.local_start == datetime(2021, 4, 11, 7, 48, 33)
    assert mapped_run.start_utc == datetime(2021, 4, 11, 5, 48, 33, tzinfo=UTC)


def test_single_item_list_in_ms_too(shared_data: Path) -> None:
    (ski,) = load(shared_data, "garmin-connect_garmin-connect-export", "activitylist-service.json")
    detail = load(shared_data, "garmin-connect_garmin-connect-export", "activity_2541953812.json")
    # The list (ms) and the detail (s) of one activity agree once the unit is undone.
    assert map_list_item(ski).elapsed_s == pytest.approx(map_detail(detail).elapsed_s, abs=0.01)
    assert map_detail(detail).elapsed_s == pytest.approx(2627.38)


def test_detail_2026_same_as_list(shared_data: Path, list_2026: list[dict[str, Any]]) -> None:
    detail = load(shared_data, "garmin-connect_garth", "extracted_activity_21482825013.json")
    from_detail, from_list = map_detail(detail), map_list_item(list_2026[0])
    assert from_detail.source_id == from_list.source_id
    assert from_detail.start_utc == from_list.start_utc
    assert from_detail.local_start == from_list.local_start
    assert (from_detail.sport, from_detail.sub_sport) == ("run", "trail")
    assert from_detail.distance_m == pytest.approx(from_list.distance_m, abs=0.01)


def test_detail_with_emoji_name(shared_data: Path) -> None:
    run = map_detail(
        load(shared_data, "garmin-connect_garmin-connect-export", "activity_emoji.json")
    )
    assert run.name is not None
    assert "🏛" in run.name
    assert run.sport == "run"
    assert run.local_start == datetime(2018, 8, 24, 12, 1, 50)


def test_multisport_parent_and_child(shared_data: Path, list_2021: list[dict[str, Any]]) -> None:
    parent_detail = load(
        shared_data, "garmin-connect_garmin-connect-export", "activity_multisport_detail.json"
    )
    child = load(
        shared_data, "garmin-connect_garmin-connect-export", "activity_multisport_child.json"
    )
    assert is_multisport_parent(list_2021[1])
    assert is_multisport_parent(parent_detail)
    assert not is_multisport_parent(list_2021[0])
    assert child_ids(parent_detail) == [str(i) for i in parent_detail["metadataDTO"]["childIds"]]
    leg = map_detail(child)
    assert leg.parent_source_id == "6588349056" == str(list_2021[1]["activityId"])
    assert leg.sport == "walk"
    assert str(child["activityId"]) in child_ids(parent_detail)


@pytest.mark.parametrize(
    ("type_key", "parent_id", "expected"),
    [
        ("treadmill_running", 1, ("run", "treadmill")),
        ("indoor_running", 1, ("run", "indoor")),
        ("track_running", 1, ("run", "track")),
        ("ultra_run", 1, ("run", "ultra")),
        ("virtual_run", 1, ("run", "virtual")),
        ("some_new_running", 1, ("run", "some_new")),  # a future subtype of running
        ("road_biking", 2, ("ride", "road_biking")),
        ("strength_training", 29, ("strength", "strength_training")),
        ("lap_swimming", 26, ("swim", "lap_swimming")),
        ("yoga", 29, ("other", "yoga")),
    ],
)
def test_sport_of(type_key: str, parent_id: int, expected: tuple[str, str]) -> None:
    assert sport_of(type_key, parent_id) == expected


def test_every_running_type_in_the_real_catalogue_is_a_run(shared_data: Path) -> None:
    types = load(shared_data, "garmin-connect_garmin-connect-export", "activityTypes.json")
    runs = [t for t in types if t["parentTypeId"] == 1 or t["typeKey"] == "running"]
    assert len(runs) >= 9
    for t in runs:
        assert sport_of(t["typeKey"], t["parentTypeId"])[0] == "run", t["typeKey"]
    non_runs = [t for t in types if t not in runs]
    assert all(sport_of(t["typeKey"], t["parentTypeId"])[0] != "run" for t in non_runs)


def test_elapsed_units() -> None:
    assert elapsed_seconds(2627379.88, 2627.38) == pytest.approx(2627.37988)
    assert elapsed_seconds(932.7, 387.6) == 932.7  # a real long pause (open-water swim)
    assert elapsed_seconds(None, 100.0) is None
    assert elapsed_seconds(11183693.12, None) == pytest.approx(11183.69312)


def strength_item(list_2026: list[dict[str, Any]]) -> dict[str, Any]:
    item = copy.deepcopy(list_2026[0])
    item["activityId"] = 30000000001
    item["activityType"] = {"typeId": 13, "typeKey": "strength_training", "parentTypeId": 29}
    item["startTimeLocal"], item["startTimeGMT"] = "2026-01-07 18:30:00", "2026-01-08 00:30:00"
    return item


def test_exercise_sets_active_only_grams_to_kg(list_2026: list[dict[str, Any]]) -> None:
    session = map_list_item(strength_item(list_2026))
    assert session.sport == "strength"
    payload = {
        "activityId": 30000000001,
        "exerciseSets": [
            {
                "exercises": [
                    {"category": "SQUAT", "name": "BARBELL_BACK_SQUAT", "probability": 99.6}
                ],
                "duration": 41.0,
                "repetitionCount": 8,
                "weight": 60000.0,
                "setType": "ACTIVE",
                "startTime": "2026-01-08T00:31:00.0",
                "messageIndex": 0,
            },
            {
                "exercises": [],
                "duration": 90.0,
                "repetitionCount": None,
                "weight": None,
                "setType": "REST",
                "startTime": "2026-01-08T00:31:41.0",
                "messageIndex": 1,
            },
            {
                "exercises": [{"category": "LUNGE", "name": None, "probability": 80.0}],
                "duration": 35.0,
                "repetitionCount": 10,
                "weight": None,
                "setType": "ACTIVE",
                "startTime": "2026-01-08T00:33:11.0",
                "messageIndex": 2,
            },
        ],
    }
    sets = map_exercise_sets(session, payload)
    assert [(s.exercise, s.set_index, s.reps, s.weight_kg) for s in sets] == [
        ("back_squat", 1, 8, 60.0),
        ("lunge", 2, 10, 0.0),
    ]
    # Local date of the session (the 7th), not the UTC date of the set (the 8th).
    assert {s.performed_on for s in sets} == {date(2026, 1, 7)}
    assert [s.source_id for s in sets] == ["30000000001:0", "30000000001:2"]
    assert all(s.session_source_id == "30000000001" for s in sets)


def test_malformed_items_name_their_id(list_2026: list[dict[str, Any]]) -> None:
    broken = copy.deepcopy(list_2026[0])
    broken["startTimeLocal"] = "yesterday"
    with pytest.raises(MalformedItem) as caught:
        map_list_item(broken)
    assert caught.value.source_id == "21482825013"
    broken = copy.deepcopy(list_2026[0])
    broken["distance"] = "far"
    with pytest.raises(MalformedItem, match="distance"):
        map_list_item(broken)


def test_weigh_ins_grams() -> None:
    payload = {
        "dailyWeightSummaries": [
            {
                "summaryDate": "2026-01-05",
                "allWeightMetrics": [
                    {"samplePk": 1767600000000, "calendarDate": "2026-01-05", "weight": 71450.0},
                    {"samplePk": 1767610000000, "calendarDate": "2026-01-05", "weight": None},
                ],
            }
        ]
    }
    weights, bad = map_weigh_ins(payload)
    assert [(w.source_id, w.measured_on, w.weight_kg) for w in weights] == [
        ("1767600000000", date(2026, 1, 5), 71.45)
    ]
    assert [b.source_id for b in bad] == ["1767610000000"]
