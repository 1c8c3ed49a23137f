"""The strength workouts of the tests, built with garminconnect's own typed builders (the
releases for Python 3.12+ have them). `python -m tests.connectors.garmin_workout_shapes` on
3.12+ writes tests/connectors/data/garmin_workout_*.json, the recorded shapes that the pure
builder is compared with on every Python; on 3.12+ the test also rebuilds them here, so a
garminconnect upgrade that changes Garmin's shape fails loudly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from connectors.garmin.workouts import SetBlock, StrengthSession

DATA = Path(__file__).parent / "data"

SESSIONS = {
    "back_squat": StrengthSession(
        name="Squats 2026-W49",
        on=date(2026, 12, 2),
        exercise="back_squat",
        warmup=SetBlock(sets=1, reps=8, weight_kg=32.5),
        working=SetBlock(sets=2, reps=8, weight_kg=65.0),
        per_leg=False,
        description="Back squat: 2 x 8 @ 65 kg, RIR 2-3",
    ),
    "guided_squat": StrengthSession(
        name="Squats 2026-W49",
        on=date(2026, 12, 2),
        exercise="guided_squat",
        warmup=SetBlock(sets=1, reps=10, weight_kg=0.0),
        working=SetBlock(sets=2, reps=10, weight_kg=20.0),
        per_leg=False,
        description="Guided squat: 2 x 10 @ 20 kg, RIR >= 3",
    ),
    "bulgarian_split_squat": StrengthSession(
        name="Squats 2026-W50",
        on=date(2026, 12, 9),
        exercise="bulgarian_split_squat",
        warmup=SetBlock(sets=1, reps=6, weight_kg=10.0),
        working=SetBlock(sets=3, reps=8, weight_kg=24.0),
        per_leg=True,
        description="Bulgarian split squat: 3 x 8/leg @ 24 kg total, RIR 2-3",
    ),
}

# The library's garmin exercise names for our variants (what the typed builder is given).
_CATALOGUE = {
    "back_squat": ("SQUAT", "BARBELL_BACK_SQUAT", None),
    "guided_squat": ("SQUAT", "SQUAT", "Guided (Smith machine) squat"),
    "bulgarian_split_squat": ("LUNGE", "DUMBBELL_BULGARIAN_SPLIT_SQUAT", None),
}


def library_built(variant: str) -> dict[str, Any]:
    """The session built step by step with garminconnect.workout (3.12+ releases only)."""
    from garminconnect import exercises
    from garminconnect.workout import (  # type: ignore[attr-defined]
        StepType,
        StrengthWorkout,
        WorkoutSegment,
        create_repeat_group,
        create_strength_exercise_step,
        create_strength_rest_step,
    )

    session = SESSIONS[variant]
    category, name, note = _CATALOGUE[variant]
    # Our names are in Garmin's catalogue as the library knows it.
    assert any(e["exercise"] == name for e in exercises.find(name.replace("_", " ").title()))
    warmup_type = {"stepTypeId": StepType.WARMUP, "stepTypeKey": "warmup", "displayOrder": 1}
    order = 1
    groups = []
    blocks = [(session.warmup, 90.0, True), (session.working, 120.0, False)]
    for block, rest, is_warmup in blocks:
        assert block is not None
        group_order, order = order, order + 1
        steps = []
        legs = ("Left leg", "Right leg") if session.per_leg else (None,)
        body_weight = block.weight_kg == 0
        for leg in legs:
            text = "; ".join(p for p in (None if body_weight else note, leg) if p) or None
            step = create_strength_exercise_step(
                "SQUAT" if body_weight else category,
                order,
                block.reps,
                exercise_name="AIR_SQUAT" if body_weight else name,
                weight_kg=None if body_weight else block.weight_kg,
                description=text,
            )
            if is_warmup:
                step = step.model_copy(update={"stepType": warmup_type})
            steps.append(step)
            order += 1
        steps.append(create_strength_rest_step(rest, order))
        order += 1
        groups.append(create_repeat_group(block.sets, steps, group_order))
    workout = StrengthWorkout(
        workoutName=session.name,
        estimatedDurationInSecs=0,
        description=session.description,
        workoutSegments=[
            WorkoutSegment(
                segmentOrder=1,
                sportType={
                    "sportTypeId": 5,
                    "sportTypeKey": "strength_training",
                    "displayOrder": 5,
                },
                workoutSteps=groups,
            )
        ],
    )
    payload: dict[str, Any] = workout.to_dict()
    payload.pop("estimatedDurationInSecs")  # our estimate, not Garmin's shape
    return payload


def recorded(variant: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DATA / f"garmin_workout_{variant}.json").read_text(encoding="utf-8")
    )
    return data


if __name__ == "__main__":
    for variant in SESSIONS:
        path = DATA / f"garmin_workout_{variant}.json"
        path.write_text(json.dumps(library_built(variant), indent=2) + "\n", encoding="utf-8")
        print(path)
