"""The `plan --format json` document, exactly the architecture doc's shape."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.prescription.model import Fired, Prescription, TargetRir, Warmup


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


SINGLE_LEG_VARIANTS = frozenset({"bulgarian_split_squat"})
"""Variants whose reps are counted per leg (R5); the JSON does not repeat it."""


def plan_from_json(document: Mapping[str, Any]) -> Prescription:
    """The prescription a stored `plan_json` document describes (for rendering it again: the
    feed shows stored plans). The rules keep their id and reason; which fields each decided is
    not in the document."""
    warmup = document.get("warmup")
    rir = document.get("target_rir")
    variant = document.get("variant")
    return Prescription(
        date=date.fromisoformat(str(document["date"])),
        skip=bool(document.get("skip")),
        variant=variant,
        per_leg=variant in SINGLE_LEG_VARIANTS,
        warmup=None
        if not warmup
        else Warmup(
            sets=int(warmup["sets"]),
            reps=int(warmup["reps"]),
            weight_kg=float(warmup["weight_kg"] or 0.0),
        ),
        sets=document.get("sets"),
        reps=document.get("reps"),
        weight_kg=document.get("weight_kg"),
        target_rir=None if not rir else _rir(str(rir)),
        supervised=bool(document.get("supervised")),
        rules=tuple(
            Fired(rule=str(r["id"]), reason=str(r["reason"]), advice=advice)
            for r, advice in _with_advice(document)
        ),
    )


def _with_advice(document: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str | None]]:
    # Each advice line came from one fired rule, in rule order, so there are never more advice
    # lines than rules; handing them back in order keeps `Prescription.advice` the same.
    rules = list(document.get("rules") or ())
    advice: list[str | None] = [str(text) for text in document.get("advice") or ()]
    advice += [None] * (len(rules) - len(advice))
    return list(zip(rules, advice, strict=False))


def _rir(text: str) -> TargetRir:
    if text.startswith(">="):
        return TargetRir(int(text[2:]))
    low, _, high = text.partition("-")
    return TargetRir(int(low), int(high) if high else None)
