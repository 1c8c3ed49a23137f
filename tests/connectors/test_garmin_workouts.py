"""Garmin strength workouts: the pure builder against the recorded shapes, and the real
garminconnect client (0.3.2 on Python 3.11, the current release on 3.12+) uploading,
scheduling, unscheduling and deleting them on the local Garmin server."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import date

import pytest

from connectors.errors import AuthExpired, InputError, RateLimited, UpstreamChanged
from connectors.garmin.client import GarminApi, GarminEndpoints
from connectors.garmin.workouts import SetBlock, strength_workout_json
from connectors.source import RetryPolicy
from tests.connectors.garmin_workout_shapes import SESSIONS, library_built, recorded
from tests.servers import FakeGarmin
from tests.sync_fixtures import FakeClock, MemoryStore

TYPED = importlib.util.find_spec("garminconnect.workout") is not None and hasattr(
    importlib.import_module("garminconnect.workout"), "StrengthWorkout"
)


def api_for(fake: FakeGarmin, store: MemoryStore, clock: FakeClock) -> GarminApi:
    return GarminApi(
        store,
        endpoints=GarminEndpoints.from_base(fake.base_url),
        sleep=clock.sleep,
        retry=RetryPolicy(attempts=3, base_delay_s=1.0),
    )


def without_estimate(payload: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in payload.items() if k != "estimatedDurationInSecs"}


@pytest.mark.parametrize("variant", sorted(SESSIONS))
def test_payload_matches_the_recorded_shape(variant: str) -> None:
    built = strength_workout_json(SESSIONS[variant])
    assert without_estimate(built) == recorded(variant)
    assert isinstance(built["estimatedDurationInSecs"], int)
    assert built["estimatedDurationInSecs"] > 0


@pytest.mark.skipif(not TYPED, reason="garminconnect 0.3.2 (Python 3.11) has no typed strength")
@pytest.mark.parametrize("variant", sorted(SESSIONS))
def test_recorded_shapes_are_what_garminconnect_builds(variant: str) -> None:
    assert library_built(variant) == recorded(variant)


def test_payload_details_an_athlete_sees() -> None:
    bss = strength_workout_json(SESSIONS["bulgarian_split_squat"])
    warmup, working = bss["workoutSegments"][0]["workoutSteps"]  # type: ignore[index]
    assert working["numberOfIterations"] == 3
    left, right, rest = working["workoutSteps"]
    assert (left["description"], right["description"]) == ("Left leg", "Right leg")
    assert left["endConditionValue"] == 8.0 and left["weightValue"] == 24_000.0
    assert rest["stepType"]["stepTypeKey"] == "rest" and rest["endConditionValue"] == 120.0
    assert warmup["workoutSteps"][0]["stepType"]["stepTypeKey"] == "warmup"
    orders = [warmup["stepOrder"], *[s["stepOrder"] for s in warmup["workoutSteps"]]]
    orders += [working["stepOrder"], *[s["stepOrder"] for s in working["workoutSteps"]]]
    assert orders == list(range(1, 9))
    guided = strength_workout_json(SESSIONS["guided_squat"])
    warm = guided["workoutSegments"][0]["workoutSteps"][0]["workoutSteps"][0]  # type: ignore[index]
    assert warm["exerciseName"] == "AIR_SQUAT" and "weightValue" not in warm
    assert bss["description"] == SESSIONS["bulgarian_split_squat"].description


def test_unknown_exercise_and_empty_block_are_refused() -> None:
    with pytest.raises(InputError, match="exercise='deadlift'"):
        strength_workout_json(replace(SESSIONS["back_squat"], exercise="deadlift"))
    with pytest.raises(InputError, match="sets"):
        strength_workout_json(
            replace(SESSIONS["back_squat"], working=SetBlock(sets=0, reps=8, weight_kg=60))
        )


@pytest.mark.parametrize("variant", sorted(SESSIONS))
def test_upload_schedule_unschedule_delete(
    fake_garmin: FakeGarmin, clock: FakeClock, variant: str
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    api = api_for(fake_garmin, store, clock)
    account = fake_garmin.account("ana")
    payload = strength_workout_json(SESSIONS[variant])
    workout_id = api.upload_strength_workout(payload)
    stored = account.workouts[int(workout_id)]
    assert stored["workoutId"] == int(workout_id)
    assert stored["workoutSegments"] == payload["workoutSegments"]
    schedule_id = api.schedule_workout(workout_id, date(2026, 12, 2))
    assert account.scheduled_on("2026-12-02") == [
        {"workoutId": int(workout_id), "date": "2026-12-02"}
    ]
    listed = api.workouts()
    assert [w["workoutId"] for w in listed] == [int(workout_id)]
    api.unschedule_workout(schedule_id)
    assert account.schedules == {}
    api.unschedule_workout(schedule_id)  # already gone: fine
    api.delete_workout(workout_id)
    api.delete_workout(workout_id)
    assert account.workouts == {}


def test_rejected_payload_is_upstream_error(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    api = api_for(fake_garmin, store, clock)
    payload = strength_workout_json(SESSIONS["back_squat"])
    payload["sportType"] = {"sportTypeId": 1, "sportTypeKey": "running"}
    with pytest.raises(UpstreamChanged, match="HTTP 400"):
        api.upload_strength_workout(payload)
    assert fake_garmin.account("ana").workouts == {}


def test_upload_under_429_is_rate_limited_and_not_retried(
    fake_garmin: FakeGarmin, clock: FakeClock
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    api = api_for(fake_garmin, store, clock)
    fake_garmin.fail("/workout-service/workout$", 429, headers={"Retry-After": "300"})
    with pytest.raises(RateLimited) as caught:
        api.upload_strength_workout(strength_workout_json(SESSIONS["back_squat"]))
    assert caught.value.retry_after == 300
    assert fake_garmin.account("ana").workouts == {}
    assert clock.slept == []  # a write is sent once
    assert api.upload_strength_workout(strength_workout_json(SESSIONS["back_squat"]))


def test_rejected_token_is_auth_expired(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    tokens = fake_garmin.issue_tokens("ana")
    store = MemoryStore(tokens)
    api = api_for(fake_garmin, store, clock)
    fake_garmin.revoke("ana")
    with pytest.raises(AuthExpired) as caught:
        api.upload_strength_workout(strength_workout_json(SESSIONS["back_squat"]))
    assert tokens["di_token"] not in str(caught.value)
    assert fake_garmin.account("ana").workouts == {}
