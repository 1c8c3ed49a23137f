"""Safety above every rule (issue 10), over random histories and parameters: the caps are
recomputed here from the doc's words, not taken from the engine, and more fatigue never raises
sets, reps or weight. Which logged sets may drive a plan: test_set_plausibility_properties.py.
No hypothesis deadlines: the machine is shared, and speed is the benchmarks' business, not a
test's."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.prescription import (
    AthleteState,
    Prescription,
    RaceDay,
    RuleParams,
    SquatHistory,
    WeekLoad,
    prescribe,
)
from engine.prescription.state import is_single_leg
from tests.engine.strategies import PLANNED, params, states


def cap_of(plan: Prescription, state: AthleteState, p: RuleParams) -> float:
    """The doc's cap for what was prescribed: cap_ratio x body weight (x single_leg_factor for a
    single-leg variant) on the working weight, or on its Epley e1RM when `cap_basis=e1rm`: at
    the prescribed reps in reserve and reps, counting the reps at least as a normal session's
    (a reduced session's fewer reps must not loosen the cap), and never looser than the normal
    session's cap (params reps at target_rir_min)."""
    assert state.body_weight_kg is not None
    assert plan.variant is not None
    assert plan.reps is not None
    assert plan.target_rir is not None
    cap = p.cap_ratio * state.body_weight_kg
    if is_single_leg(plan.variant):
        cap *= p.single_leg_factor
    if p.cap_basis == "e1rm":
        session = 1 + (max(plan.reps, p.reps) + plan.target_rir.low) / 30
        normal = 1 + (p.reps + p.target_rir_min) / 30
        cap /= max(session, normal)
    return cap


@settings(max_examples=600, deadline=None)
@given(states, params)
def test_no_prescribed_weight_passes_the_cap_whatever_rule_produced_it(
    state: AthleteState, p: RuleParams
) -> None:
    plan = prescribe(state, p)
    if plan.skip:
        return
    assert plan.weight_kg is not None
    assert plan.warmup is not None
    cap = cap_of(plan, state, p)
    assert plan.weight_kg <= cap + 1e-9, plan.rules
    assert plan.warmup.weight_kg <= cap + 1e-9, plan.rules
    weight_rules = {fired.rule for fired in plan.explained("weight_kg")}
    if any("safety" in fired.reason for fired in plan.rules if fired.rule == "R10"):
        # Cut to the cap, rounded down, and the plan says so on the weight it decided.
        assert "R10" in weight_rules
        assert abs(plan.weight_kg / p.round_kg - round(plan.weight_kg / p.round_kg)) < 1e-6


@settings(deadline=None)
@given(states, params)
def test_a_history_under_the_cap_is_never_cut(state: AthleteState, p: RuleParams) -> None:
    """The cut fires only where the cap would be passed: below it, R10 stays out of the way."""
    plan = prescribe(state, p)
    if plan.skip or plan.weight_kg is None:
        return
    safety = [f for f in plan.rules if f.rule == "R10" and "safety" in f.reason]
    uncut = dataclasses.replace(state, body_weight_kg=None)
    free = prescribe(uncut, p).weight_kg
    assert free is not None
    cap = cap_of(plan, state, p)
    if free <= cap:
        assert not safety
        assert plan.weight_kg <= free
        # A history above the cap (e.g. a single-leg load whose bilateral equivalent passes it)
        # is held at the cap before a re-entry or a reduction scales it: lower, never higher.
        # Under the cap in the same variant, the cap changes nothing.
        history = state.squats
        if history is None or (
            history.variant == plan.variant and history.working_weight_kg <= cap
        ):
            assert plan.weight_kg == free
    else:
        assert plan.weight_kg <= cap_of(plan, state, p) + 1e-9


def test_issue_10_re_entry_from_a_watch_guessed_131_kg_is_cut_to_the_cap() -> None:
    """A 72 kg athlete whose last "squat" was 131 kg x 8 four weeks ago: re-entry would be
    131 x 0.9 = 117.5 kg; the cap (1.5 x 72 = 108 kg) cuts it to 107.5 kg and says so."""
    state = AthleteState(
        planned_date=PLANNED,
        technique_controlled=True,
        body_weight_kg=72.0,
        squats=SquatHistory(
            variant="back_squat",
            working_weight_kg=131.0,
            last_rir=2,
            weeks_since_increase=4,
            weeks_since_squat=4,
            last_session=PLANNED - timedelta(weeks=4),
        ),
    )
    plan = prescribe(state)
    assert plan.weight_kg == 107.5
    assert plan.warmup is not None and plan.warmup.weight_kg == 52.5
    assert {"R10"} <= {fired.rule for fired in plan.explained("weight_kg")}
    reason = next(fired.reason for fired in plan.rules if fired.rule == "R10")
    assert "cap of 108 kg" in reason and "cut to 107.5 kg" in reason


def test_issue_10_a_hold_a_reduced_session_and_a_switch_are_cut_too() -> None:
    base = AthleteState(
        planned_date=PLANNED,
        technique_controlled=True,
        experience="experienced",
        body_weight_kg=61.5,
        squats=SquatHistory(
            variant="back_squat",
            working_weight_kg=498.95,  # 1,100 lb logged as if it were kg
            last_rir=1,
            weeks_since_increase=1,
            weeks_since_squat=1,
            last_session=PLANNED - timedelta(weeks=1),
        ),
    )
    hold = prescribe(base)  # R7 would hold at 498.95 kg
    a_race = RaceDay(race_date=PLANNED + timedelta(18), priority="A")
    reduced = prescribe(dataclasses.replace(base, races=(a_race,)))
    switch = prescribe(dataclasses.replace(base, prefers_single_leg=True))
    assert hold.weight_kg == 90.0  # 1.5 x 61.5 = 92.25, rounded down
    assert reduced.weight_kg == 90.0
    assert switch.weight_kg == 45.0  # single leg: 92.25 x 0.5 = 46.1, rounded down
    for plan in (hold, reduced, switch):
        assert "R10" in {fired.rule for fired in plan.explained("weight_kg")}


# -- more fatigue never raises sets, reps or weight, with the safety cut active ---------------


def load_of(plan: Prescription) -> tuple[float, float, float]:
    if plan.skip:
        return (0, 0, 0)
    assert plan.sets is not None and plan.reps is not None and plan.weight_kg is not None
    return (plan.sets, plan.reps, plan.weight_kg)


@settings(max_examples=300, deadline=None)
@given(states, params, st.floats(min_value=0, max_value=4), st.floats(min_value=0, max_value=4))
def test_a_higher_acwr_never_raises_anything_for_every_cap_basis(
    state: AthleteState, p: RuleParams, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    easier = prescribe(dataclasses.replace(state, last_week=WeekLoad(acwr=low)), p)
    harder = prescribe(dataclasses.replace(state, last_week=WeekLoad(acwr=high)), p)
    for more, less in zip(load_of(harder), load_of(easier), strict=True):
        assert more <= less


@settings(max_examples=300, deadline=None)
@given(
    states,
    params,
    st.sampled_from(["A", "B", "C"]),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_a_closer_race_never_raises_anything_for_every_cap_basis(
    state: AthleteState, p: RuleParams, priority: str, a: int, b: int
) -> None:
    near, far = sorted((a, b))

    def with_race(days: int) -> Prescription:
        race = RaceDay(race_date=PLANNED + timedelta(days=days), priority=priority)  # type: ignore[arg-type]
        return prescribe(dataclasses.replace(state, races=(*state.races, race)), p)

    for more, less in zip(load_of(with_race(near)), load_of(with_race(far)), strict=True):
        assert more <= less
