"""Safety, above every rule: the cap cut (R10 extended) and the loads the plan ignored (R16).

Whatever rule produced the session weight (a hold, a re-entry, a reduced session, a variant
switch, R6), it never passes the cap: it is cut to the cap, rounded down to `round_kg`, and the
plan says so. The warm-up is derived from the cut weight, so it stays under the cap too.
"""

from __future__ import annotations

from engine.prescription.model import Effect, TargetRir
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import Basis, cap_kg, kg, label, round_down
from engine.prescription.state import AthleteState


def r10_safety_cut(
    state: AthleteState,
    basis: Basis,
    weight_kg: float,
    reps: int,
    target: TargetRir,
    params: RuleParams,
) -> Effect | None:
    """Cut the composed working weight to the cap of the session actually prescribed."""
    cap = cap_kg(state, params, single_leg=basis.single_leg, reps=reps, rir=target.low)
    if cap is None or weight_kg <= cap:
        return None
    cut = round_down(cap, params.round_kg)
    below_bar = (
        f"; that is below the {kg(params.bar_kg)} bar: use a lighter bar or dumbbells"
        if cut < params.bar_kg and not basis.single_leg
        else ""
    )
    return Effect(
        rule="R10",
        reason=(
            f"safety: {kg(weight_kg)} of {label(basis.variant)} would pass the cap of "
            f"{kg(round(cap, 2))} ({params.cap_ratio:g} x {kg(state.body_weight_kg or 0)} body "
            f"weight, {params.cap_basis} basis): cut to {kg(cut)}{below_bar}"
        ),
        weight_kg=cut,
    )


def r16_ignored_loads(state: AthleteState, params: RuleParams) -> Effect | None:
    """Name the logged sets the squat state left out, why, and how to make them count."""
    if not state.ignored_sets:
        return None
    shown = state.ignored_sets[: params.ignored_sets_shown]
    parts = [
        f"{s.performed_on.isoformat()} {label(s.exercise)} {s.reps} x {kg(s.weight_kg)} "
        f"({s.why}){'' if s.set_id is None else f', set {s.set_id}'}"
        for s in shown
    ]
    more = len(state.ignored_sets) - len(shown)
    ids = [str(s.set_id) for s in state.ignored_sets if s.set_id is not None]
    command = f"ironmiles lift confirm {ids[0]}" if len(ids) == 1 else "ironmiles lift confirm ID"
    return Effect(
        rule="R16",
        reason=(
            f"ignored {len(state.ignored_sets)} unconfirmed set"
            f"{'s' if len(state.ignored_sets) != 1 else ''}: {'; '.join(parts)}"
            f"{f'; and {more} more' if more > 0 else ''}"
        ),
        advice=(
            "Some logged sets were left out of this plan until you confirm them: check them "
            f"with `ironmiles lift list` and, if they are right, run `{command}`."
        ),
    )
