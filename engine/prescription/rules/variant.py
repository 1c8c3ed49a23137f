"""Rules that choose the variant (exactly one of R3, R5, R4 fires) and the session basis it
starts from, including a switch between variants and the beginner's empty bar."""

from __future__ import annotations

from engine.prescription.model import Effect, TargetRir
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import Basis, athlete_text, cap_kg, kg, label, round_down
from engine.prescription.state import AthleteState, is_single_leg


def r3_guided(state: AthleteState, params: RuleParams) -> Effect | None:
    if state.technique_controlled:
        return None
    return Effect(
        rule="R3",
        reason=(
            "technique not signed off: guided squat in a rack, supervised, "
            f"{params.base_sets(state.experience)} x {params.reps}, "
            f"RIR >= {params.guided_target_rir}, no progression"
        ),
        variant="guided_squat",
        supervised=True,
        per_leg=False,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.guided_target_rir),
        blocks_progression=True,
    )


def r5_single_leg(state: AthleteState, params: RuleParams) -> Effect | None:
    if not (
        state.technique_controlled
        and state.experience == "experienced"
        and state.prefers_single_leg
    ):
        return None
    return Effect(
        rule="R5",
        reason=(
            f"experienced and prefers single leg: Bulgarian split squat, {params.reps} reps "
            "per leg, weight = total external load"
        ),
        variant="bulgarian_split_squat",
        supervised=False,
        per_leg=True,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.target_rir_min, params.target_rir_max),
    )


def r4_free_bar(state: AthleteState, params: RuleParams) -> Effect | None:
    if not state.technique_controlled:
        return None
    return Effect(
        rule="R4",
        reason=(
            f"technique controlled: back squat with a free bar, "
            f"{params.base_sets(state.experience)} x {params.reps} for "
            f"{athlete_text(state.experience)}, "
            f"RIR {params.target_rir_min}-{params.target_rir_max}"
        ),
        variant="back_squat",
        supervised=False,
        per_leg=False,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.target_rir_min, params.target_rir_max),
    )


def choose_variant(state: AthleteState, params: RuleParams) -> Effect:
    chosen = r3_guided(state, params) or r5_single_leg(state, params) or r4_free_bar(state, params)
    assert chosen is not None  # technique is either controlled or not
    return chosen


def basis_for(
    state: AthleteState, chosen: Effect, params: RuleParams
) -> tuple[Basis, Effect | None]:
    """The starting session for the chosen variant, and the effect of a switch (if any).

    A switch between bilateral and single-leg variants converts the load by
    `single_leg_factor` (the doc: single-leg total external load = 0.5 x bilateral) and holds.
    Whatever weight the switch gives, the safety rule still cuts it to the cap.
    """
    assert chosen.variant is not None
    assert chosen.sets is not None
    variant = chosen.variant
    single_leg = is_single_leg(variant)
    cap = cap_kg(state, params, single_leg=single_leg)
    history = state.squats
    if history is None:
        weight, switched, switch = params.bar_kg, False, None
    elif history.variant == variant:
        weight, switched, switch = history.working_weight_kg, False, None
    else:
        switched = True
        weight = history.working_weight_kg
        was_single = is_single_leg(history.variant)
        if single_leg and not was_single:
            weight = round_down(weight * params.single_leg_factor, params.round_kg)
            how = f"load {kg(history.working_weight_kg)} x {params.single_leg_factor:g}"
        elif was_single and not single_leg:
            weight = round_down(weight / params.single_leg_factor, params.round_kg)
            if cap is not None:
                weight = min(weight, round_down(cap, params.round_kg))
            how = f"bilateral equivalent of {kg(history.working_weight_kg)}"
        else:
            how = f"same load as the {label(history.variant)}"
        switch = Effect(
            rule=chosen.rule,
            reason=(
                f"switch from {label(history.variant)} to {label(variant)}: "
                f"{how} = {kg(weight)}, no progression on the switch session"
            ),
            weight_kg=weight,
            blocks_progression=True,
        )
    basis = Basis(
        variant=variant,
        single_leg=single_leg,
        switched=switched,
        weight_kg=weight,
        floor_kg=min(params.bar_kg, weight),
        sets=chosen.sets,
        cap_kg=cap,
    )
    return basis, switch


def r3_beginner_bar(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """The weight half of R3: a beginner without technique works with the empty bar."""
    if state.technique_controlled or state.experience != "beginner":
        return None
    return Effect(
        rule="R3",
        reason=f"a beginner works with the empty bar, {kg(min(params.bar_kg, basis.weight_kg))}",
        weight_kg=min(params.bar_kg, basis.weight_kg),
    )


def r3_hold(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """The hold half of R3 for athletes past beginner level."""
    if state.technique_controlled or state.experience == "beginner":
        return None
    return Effect(
        rule="R3",
        reason=f"hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
    )
