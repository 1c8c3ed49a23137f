"""Rules that set the working weight from last time: R6, R7, R9, R8 and R10's progression hold.

R10's other half, the safety cut that no rule passes, lives in `safety.py`.
"""

from __future__ import annotations

from engine.prescription.model import Effect
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import Basis, kg, last_rir, round_down
from engine.prescription.state import AthleteState


def r6_failure(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    if last_rir(state) != 0:
        return None
    weight = max(
        basis.floor_kg, round_down(basis.weight_kg - params.failure_drop_kg, params.round_kg)
    )
    return Effect(
        rule="R6",
        reason=(
            f"last working set at RIR 0 (failure or lost form): {kg(params.failure_drop_kg)} "
            f"less, {kg(weight)}"
        ),
        weight_kg=weight,
    )


def r7_hard(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    rir = last_rir(state)
    if rir is None or not 1 <= rir < params.moderate_rir:
        return None
    return Effect(
        rule="R7",
        reason=f"last working set at RIR {rir}: hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
    )


def r9_rir_unknown(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    if state.squats is None:
        return Effect(
            rule="R9",
            reason=f"no squat session logged yet: start with the empty bar, {kg(basis.weight_kg)}",
            weight_kg=basis.weight_kg,
            advice="Log the reps in reserve (RIR) of your last working set, so next week's "
            "weight can be set.",
        )
    if state.squats.last_rir is not None:
        return None
    return Effect(
        rule="R9",
        reason=f"no RIR logged for the last session: hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
        advice="How many more reps could you have done on your last working set? "
        "Log the RIR with your sets so the weight can progress.",
    )


def r8_progression(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """Called only in a normal week (nothing blocked progression)."""
    history = state.squats
    rir = last_rir(state)
    if history is None or rir is None or rir < params.moderate_rir:
        return None
    weeks = history.weeks_since_increase
    needed = params.easy_weeks if rir >= params.easy_rir else params.moderate_weeks
    if weeks < needed:
        return Effect(
            rule="R8",
            reason=(
                f"hold at {kg(basis.weight_kg)}: {weeks} of {needed} weeks since the last "
                f"increase with RIR {rir}"
            ),
            weight_kg=basis.weight_kg,
        )
    return Effect(
        rule="R8",
        reason=(
            f"RIR {rir} and {weeks} weeks since the last increase (>= {needed}): "
            f"+{kg(params.step_kg)}, {kg(basis.weight_kg + params.step_kg)}"
        ),
        weight_kg=basis.weight_kg + params.step_kg,
    )


def r10_cap(
    state: AthleteState, basis: Basis, progression: Effect | None, params: RuleParams
) -> Effect | None:
    """Holds a progression that would pass the cap; says so when no body weight is known."""
    if basis.cap_kg is None:
        return Effect(
            rule="R10",
            reason="no body weight logged: no cap applied",
            advice="No body weight on record, so the 150 % body-weight cap is not applied: "
            "log your body weight.",
        )
    if (
        progression is None
        or progression.weight_kg is None
        or progression.weight_kg <= basis.weight_kg
    ):
        return None
    if progression.weight_kg <= basis.cap_kg:
        return None
    bw = state.body_weight_kg
    return Effect(
        rule="R10",
        reason=(
            f"{kg(progression.weight_kg)} would pass the cap of {kg(round(basis.cap_kg, 2))} "
            f"({params.cap_ratio:g} x {kg(bw or 0)} body weight, {params.cap_basis}): "
            f"hold at {kg(basis.weight_kg)}"
        ),
        weight_kg=basis.weight_kg,
    )
