"""The `plan --format json` document, exactly the architecture doc's shape."""

from __future__ import annotations

from typing import Any

from engine.prescription.model import Prescription


def plan_json(athlete: str, week: str, plan: Prescription) -> dict[str, Any]:
    """`{"athlete", "week", "date", "skip", "variant", "warmup", "sets", "reps", "weight_kg",
    "target_rir", "supervised", "rules": [{"id", "reason"}], "advice": [...], "provisional"}`
    (true while the week before is still running); a skipped
    week has null variant, warm-up, sets, reps, weight and target RIR."""
    warmup = (
        None
        if plan.warmup is None
        else {
            "sets": plan.warmup.sets,
            "reps": plan.warmup.reps,
            "weight_kg": plan.warmup.weight_kg,
        }
    )
    return {
        "athlete": athlete,
        "week": week,
        "date": plan.date.isoformat(),
        "skip": plan.skip,
        "variant": plan.variant,
        "warmup": warmup,
        "sets": plan.sets,
        "reps": plan.reps,
        "weight_kg": plan.weight_kg,
        "target_rir": None if plan.target_rir is None else plan.target_rir.text(),
        "supervised": plan.supervised,
        "rules": [{"id": fired.rule, "reason": fired.reason} for fired in plan.rules],
        "advice": list(plan.advice),
        "provisional": plan.provisional,
    }
