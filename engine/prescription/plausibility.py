"""Which logged sets may drive a plan: plausible loads, and exercise names a person stands by.

A load beyond plausibility (default: a squat above 2.5 x body weight or 300 kg, any set above
500 kg; all `RuleParams`) is a typo or a unit mix-up (1,100 lb logged as kg), not training:
manual entry refuses it (the CLI calls `implausible_reason`), and a set from a file or a sync
is kept but left out of the squat state until a person confirms it. A set whose exercise is
the watch's own guess (a FIT `set` message) drives the squat state only once confirmed, or
when the athlete's `trust_watch_exercise` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from engine.prescription.history import SetRow, squat_history, squat_weeks
from engine.prescription.params import RuleParams
from engine.prescription.state import IgnoredSet, SquatHistory, is_squat


def implausible_reason(
    exercise: str, weight_kg: float, body_weight_kg: float | None, params: RuleParams
) -> str | None:
    """Why `weight_kg` of `exercise` cannot be a real set, or None when it can.

    Single-leg squats carry the total external load, so the same squat bounds apply."""
    if weight_kg > params.plausible_set_max_kg:
        return f"{weight_kg:g} kg is above {params.plausible_set_max_kg:g} kg, more than any set"
    if not is_squat(exercise):
        return None
    if weight_kg > params.plausible_squat_max_kg:
        return (
            f"a squat of {weight_kg:g} kg is above {params.plausible_squat_max_kg:g} kg, "
            "beyond any runner's squat"
        )
    if body_weight_kg is not None and weight_kg > params.plausible_squat_bw_ratio * body_weight_kg:
        bound = round(params.plausible_squat_bw_ratio * body_weight_kg, 2)
        return (
            f"a squat of {weight_kg:g} kg is above {params.plausible_squat_bw_ratio:g} x "
            f"{body_weight_kg:g} kg body weight = {bound:g} kg"
        )
    return None


def ignored_because(row: SetRow, body_weight_kg: float | None, params: RuleParams) -> str | None:
    """Why the squat state leaves `row` out, or None when it counts. A confirmed set always
    counts: a person looked at it."""
    if row.confirmed:
        return None
    implausible = implausible_reason(row.exercise, row.weight_kg, body_weight_kg, params)
    if implausible is not None:
        return f"implausible: {implausible}"
    if row.exercise_guessed and is_squat(row.exercise) and not params.trust_watch_exercise:
        return "the exercise is the watch's guess"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class SquatInputs:
    """The squat part of `AthleteState`, from the sets that may drive a plan."""

    history: SquatHistory | None
    weeks: frozenset[str]
    ignored: tuple[tuple[int, IgnoredSet], ...]
    """(position in the given rows, what was ignored and why), oldest first."""


def squat_inputs(
    rows: Sequence[SetRow],
    planned_date: date,
    body_weight_kg: float | None,
    params: RuleParams,
) -> SquatInputs:
    """History and R15's weeks from the sets before the planned week that may drive a plan;
    the others are returned with the reason (only squat working sets: others never drive it)."""
    kept: list[SetRow] = []
    ignored: list[tuple[int, IgnoredSet]] = []
    for index, row in enumerate(rows):
        if row.performed_on >= _monday(planned_date):
            continue
        why = ignored_because(row, body_weight_kg, params)
        if why is None:
            kept.append(row)
        elif is_squat(row.exercise) and not row.warmup and row.reps > 0:
            ignored.append((index, _ignored(row, why)))
    return SquatInputs(
        history=squat_history(kept, planned_date),
        weeks=squat_weeks(kept),
        ignored=tuple(ignored),
    )


def _ignored(row: SetRow, why: str) -> IgnoredSet:
    return IgnoredSet(
        performed_on=row.performed_on,
        exercise=row.exercise,
        reps=row.reps,
        weight_kg=row.weight_kg,
        why=why,
    )


def _monday(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
