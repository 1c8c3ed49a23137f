"""Rules that trim the session for fatigue or a lay-off: R11 (big run week), R12 (re-entry)."""

from __future__ import annotations

from engine.prescription.model import Effect
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import Basis, kg, plural, reduce
from engine.prescription.state import AthleteState


def r11_big_week(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    last = state.last_week
    acwr = last.acwr
    if acwr is None:
        return _r11_no_base(state)
    if acwr <= params.big_week_acwr:
        return None
    very_big = acwr > params.very_big_week_acwr
    sets = min(basis.sets, params.very_big_week_max_sets if very_big else params.big_week_max_sets)
    load = ""
    if last.distance_km is not None and last.avg4_km is not None:
        load = f" ({last.distance_km:.1f} km against a 4-week mean of {last.avg4_km:.1f} km)"
    threshold = params.very_big_week_acwr if very_big else params.big_week_acwr
    return Effect(
        rule="R11",
        reason=(
            f"big run week: ACWR {acwr:.2f} > {threshold:g}{load}: no progression, "
            f"at most {plural(sets, 'set')}"
        ),
        weight_kg=basis.weight_kg,
        sets=sets,
        blocks_progression=True,
    )


def _r11_no_base(state: AthleteState) -> Effect | None:
    """Last week was measured but has no ACWR: the load pipeline found no chronic base
    (too few of the last 4 weeks with running, or a 4-week mean too small to divide by), so
    the plan says why run volume sets no limit instead of staying silent."""
    last = state.last_week
    if last.distance_km is None:
        return None  # no load computed at all: nothing to explain
    mean = "no 4-week mean yet" if last.avg4_km is None else f"4-week mean {last.avg4_km:.1f} km"
    return Effect(
        rule="R11",
        reason=(
            f"no ACWR for last week ({last.distance_km:.1f} km, {mean}): the chronic base is "
            "too small to call it a big week, so run volume sets no limit"
        ),
    )


def r12_reentry(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    history = state.squats
    if history is None or history.weeks_since_squat < params.reentry_weeks:
        return None
    weight = reduce(basis, params.reentry_weight_factor, params)
    sets = max(1, basis.sets - params.reentry_set_cut)
    return Effect(
        rule="R12",
        reason=(
            f"re-entry after {history.weeks_since_squat} weeks without squats: "
            f"{kg(basis.weight_kg)} x {params.reentry_weight_factor:g} rounded down = "
            f"{kg(weight)}, {plural(sets, 'set')}, no progression"
        ),
        weight_kg=weight,
        sets=sets,
        blocks_progression=True,
    )
