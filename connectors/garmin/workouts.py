"""A week's squat session as a Garmin Connect strength workout (the workout-service JSON).

Pure: `strength_workout_json` builds the document `POST /workout-service/workout` takes, in the
shape garminconnect's typed `StrengthWorkout` dumps (later releases; the recorded shapes under
tests/connectors/data/ were made with them). garminconnect 0.3.2 has no typed strength workout
and wrong step ids for one, so the document is built here for both releases; where the typed
model exists, GarminApi validates the document through it before the upload.

Garmin keeps a step's target weight in grams, tagged with the kilogram unit. Each block of sets
is a repeat group ("N sets" in the Garmin editor): the exercise, then a timed rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from connectors.errors import InputError, UpstreamChanged

# Garmin workout-service ids (from its /workout-service/workout/types).
STRENGTH_SPORT = {"sportTypeId": 5, "sportTypeKey": "strength_training", "displayOrder": 5}
_WARMUP = {"stepTypeId": 1, "stepTypeKey": "warmup", "displayOrder": 1}
_INTERVAL = {"stepTypeId": 3, "stepTypeKey": "interval", "displayOrder": 3}
_REST = {"stepTypeId": 5, "stepTypeKey": "rest", "displayOrder": 5}
_REPEAT = {"stepTypeId": 6, "stepTypeKey": "repeat", "displayOrder": 6}
_BY_REPS = {
    "conditionTypeId": 10,
    "conditionTypeKey": "reps",
    "displayOrder": 10,
    "displayable": True,
}
_BY_TIME = {
    "conditionTypeId": 2,
    "conditionTypeKey": "time",
    "displayOrder": 2,
    "displayable": True,
}
_ITERATIONS = {
    "conditionTypeId": 7,
    "conditionTypeKey": "iterations",
    "displayOrder": 7,
    "displayable": False,
}
_NO_TARGET = {"workoutTargetTypeId": 1, "workoutTargetTypeKey": "no.target", "displayOrder": 1}
_KILOGRAM = {"unitId": 8, "unitKey": "kilogram", "factor": 1000.0}

# Rest between sets: 2 min keeps the working sets at their RIR without cooling down; the
# warm-up needs less. Between the legs of a single-leg set there is no rest (switch legs).
REST_AFTER_WARMUP_S = 90.0
REST_BETWEEN_SETS_S = 120.0
DESCRIPTION_LIMIT = 1024  # Garmin Connect cuts longer workout descriptions


@dataclass(frozen=True, slots=True)
class GarminExercise:
    category: str
    name: str
    note: str | None = None
    """Said on the step when Garmin's catalogue has no exact entry."""


# Our exercise slugs (connectors/exercises.py) -> Garmin's exercise catalogue.
EXERCISES: Mapping[str, GarminExercise] = {
    "back_squat": GarminExercise("SQUAT", "BARBELL_BACK_SQUAT"),
    # Garmin's catalogue has no Smith-machine or guided squat: the plain squat, with a note.
    "guided_squat": GarminExercise("SQUAT", "SQUAT", "Guided (Smith machine) squat"),
    "bulgarian_split_squat": GarminExercise("LUNGE", "DUMBBELL_BULGARIAN_SPLIT_SQUAT"),
    "front_squat": GarminExercise("SQUAT", "BARBELL_FRONT_SQUAT"),
    "goblet_squat": GarminExercise("SQUAT", "GOBLET_SQUAT"),
}
BODY_WEIGHT_SQUAT = GarminExercise("SQUAT", "AIR_SQUAT")


@dataclass(frozen=True, slots=True, kw_only=True)
class SetBlock:
    sets: int
    reps: int
    weight_kg: float
    """0.0: body weight (no target weight on the watch)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StrengthSession:
    """What the workout holds: one exercise, an optional warm-up block, the working sets."""

    name: str
    on: date
    exercise: str
    working: SetBlock
    warmup: SetBlock | None
    per_leg: bool
    """Reps per leg: each set is the left leg, then the right leg."""
    description: str


def garmin_exercise(exercise: str) -> GarminExercise:
    try:
        return EXERCISES[exercise]
    except KeyError:
        raise InputError(
            "exercise",
            exercise,
            f"Garmin workouts know {', '.join(sorted(EXERCISES))}; plan one of those",
        ) from None


def strength_workout_json(session: StrengthSession) -> dict[str, Any]:
    """The workout-service document of one session (stepOrder runs 1, 2, ... over every step,
    the repeat groups included, as the Garmin editor numbers them)."""
    exercise = garmin_exercise(session.exercise)
    steps: list[dict[str, Any]] = []
    order = 1
    if session.warmup is not None:
        warmup_exercise = exercise if session.warmup.weight_kg > 0 else BODY_WEIGHT_SQUAT
        group, order = _block(
            session.warmup, warmup_exercise, _WARMUP, REST_AFTER_WARMUP_S, session.per_leg, order
        )
        steps.append(group)
    group, order = _block(
        session.working, exercise, _INTERVAL, REST_BETWEEN_SETS_S, session.per_leg, order
    )
    steps.append(group)
    return {
        "workoutName": session.name,
        "sportType": dict(STRENGTH_SPORT),
        "estimatedDurationInSecs": estimated_duration_s(session),
        "workoutSegments": [
            {"segmentOrder": 1, "sportType": dict(STRENGTH_SPORT), "workoutSteps": steps}
        ],
        "author": {},
        "description": session.description[:DESCRIPTION_LIMIT],
    }


def estimated_duration_s(session: StrengthSession) -> int:
    """About 40 s of work per set (per leg) and the rests; Garmin shows it in the library."""
    blocks = [b for b in (session.warmup, session.working) if b is not None]
    legs = 2 if session.per_leg else 1
    work = sum(b.sets * legs * 40 for b in blocks)
    rest = (session.warmup.sets * REST_AFTER_WARMUP_S if session.warmup else 0) + (
        session.working.sets * REST_BETWEEN_SETS_S
    )
    return int(work + rest)


def _block(
    block: SetBlock,
    exercise: GarminExercise,
    step_type: Mapping[str, Any],
    rest_s: float,
    per_leg: bool,
    order: int,
) -> tuple[dict[str, Any], int]:
    if block.sets < 1 or block.reps < 1:
        raise InputError("sets", f"{block.sets} x {block.reps}", "a block needs a set and a rep")
    group_order = order
    order += 1
    inner: list[dict[str, Any]] = []
    for leg in ("Left leg", "Right leg") if per_leg else (None,):
        note = "; ".join(part for part in (exercise.note, leg) if part) or None
        inner.append(_exercise_step(exercise, step_type, order, block, note))
        order += 1
    inner.append(_rest_step(rest_s, order))
    order += 1
    group = {
        "type": "RepeatGroupDTO",
        "stepOrder": group_order,
        "stepType": dict(_REPEAT),
        "numberOfIterations": block.sets,
        "workoutSteps": inner,
        "endCondition": dict(_ITERATIONS),
        "endConditionValue": float(block.sets),
        "smartRepeat": False,
    }
    return group, order


def _exercise_step(
    exercise: GarminExercise,
    step_type: Mapping[str, Any],
    order: int,
    block: SetBlock,
    note: str | None,
) -> dict[str, Any]:
    step: dict[str, Any] = {
        "type": "ExecutableStepDTO",
        "stepOrder": order,
        "stepType": dict(step_type),
        "endCondition": dict(_BY_REPS),
        "endConditionValue": float(block.reps),
        "targetType": dict(_NO_TARGET),
    }
    if note:
        step["description"] = note
    step["category"] = exercise.category
    step["exerciseName"] = exercise.name
    if block.weight_kg > 0:
        step["weightValue"] = block.weight_kg * 1000.0
        step["weightUnit"] = dict(_KILOGRAM)
    return step


def _rest_step(seconds: float, order: int) -> dict[str, Any]:
    return {
        "type": "ExecutableStepDTO",
        "stepOrder": order,
        "stepType": dict(_REST),
        "endCondition": dict(_BY_TIME),
        "endConditionValue": float(seconds),
        "targetType": dict(_NO_TARGET),
    }


def scheduled_id_of(response: Any) -> str:
    """The id `schedule_workout` answers with (`workoutScheduleId`)."""
    if isinstance(response, Mapping) and response.get("workoutScheduleId") is not None:
        return str(response["workoutScheduleId"])
    raise UpstreamChanged("Garmin's workout schedule answer has no workoutScheduleId")


def workout_id_of(response: Any) -> str:
    """The id `upload_workout` answers with (`workoutId`)."""
    if isinstance(response, Mapping) and response.get("workoutId") is not None:
        return str(response["workoutId"])
    raise UpstreamChanged("Garmin's workout upload answer has no workoutId")
