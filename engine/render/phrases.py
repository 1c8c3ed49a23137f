"""Short phrases shared by the Markdown and the calendar renderings."""

from __future__ import annotations

from engine.prescription.model import Prescription, Warmup
from engine.prescription.rules import WEEKDAYS, label


def kg(value: float) -> str:
    return f"{value:g} kg"


def day_text(plan: Prescription) -> str:
    return f"{WEEKDAYS[plan.date.weekday()]} {plan.date.day} {plan.date:%b %Y}"


def headline(plan: Prescription) -> str:
    """`"Back squat: 2 x 8 @ 65 kg, RIR 2-3"`, or the skip line."""
    if plan.skip or plan.variant is None:
        return "No squats this week: just run."
    leg = "/leg" if plan.per_leg else ""
    total = " total" if plan.per_leg else ""
    rir = "" if plan.target_rir is None else f", RIR {_rir(plan.target_rir.text())}"
    weight = kg(plan.weight_kg or 0.0)
    name = label(plan.variant)
    return f"{name[0].upper()}{name[1:]}: {plan.sets} x {plan.reps}{leg} @ {weight}{total}{rir}"


def warmup_text(warmup: Warmup, per_leg: bool) -> str:
    leg = "/leg" if per_leg else ""
    if warmup.weight_kg == 0:
        return f"Warm-up: {warmup.sets} x {warmup.reps}{leg} body-weight squats"
    return f"Warm-up: {warmup.sets} x {warmup.reps}{leg} @ {kg(warmup.weight_kg)}"


def _rir(text: str) -> str:
    return text.replace(">=", "≥ ")
