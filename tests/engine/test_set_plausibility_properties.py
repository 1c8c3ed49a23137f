"""Which logged sets may drive a plan (issue 10), over random logged loads: implausible loads
and the watch's guesses wait for a person's confirmation, and the plan says which it left out.
Safety above every rule: test_safety_properties.py. No hypothesis deadlines: the machine is
shared, and speed is the benchmarks' business, not a test's."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.prescription import (
    AthleteState,
    Prescription,
    RuleParams,
    SetRow,
    SquatHistory,
    implausible_reason,
    prescribe,
    squat_inputs,
)
from tests.engine.strategies import MONDAY, PLANNED

# -- which sets may drive a plan -------------------------------------------------------------

plausible_rows = st.builds(
    SetRow,
    performed_on=st.integers(min_value=1, max_value=120).map(lambda d: MONDAY - timedelta(d)),
    exercise=st.sampled_from(["back_squat", "front_squat", "bulgarian_split_squat", "deadlift"]),
    set_index=st.integers(min_value=1, max_value=5),
    reps=st.integers(min_value=1, max_value=12),
    weight_kg=st.integers(min_value=0, max_value=60).map(lambda n: n * 2.5),  # <= 150 kg
    rir=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
    warmup=st.booleans(),
    confirmed=st.booleans(),
    exercise_guessed=st.just(False),
)
# Sets that must not drive a plan: implausible loads, and squats named by the watch's guess,
# neither confirmed by a person.
bad_rows = st.one_of(
    st.builds(
        SetRow,
        performed_on=st.integers(min_value=1, max_value=120).map(lambda d: MONDAY - timedelta(d)),
        exercise=st.sampled_from(["back_squat", "squat", "goblet_squat", "deadlift"]),
        set_index=st.integers(min_value=1, max_value=5),
        reps=st.integers(min_value=1, max_value=12),
        weight_kg=st.floats(min_value=501, max_value=5000),
        exercise_guessed=st.booleans(),
    ),
    st.builds(
        SetRow,
        performed_on=st.integers(min_value=1, max_value=120).map(lambda d: MONDAY - timedelta(d)),
        exercise=st.sampled_from(["back_squat", "front_squat", "bulgarian_split_squat"]),
        set_index=st.integers(min_value=1, max_value=5),
        reps=st.integers(min_value=1, max_value=12),
        weight_kg=st.one_of(
            st.floats(min_value=300.5, max_value=500),  # above the absolute squat bound
            st.floats(min_value=0, max_value=150),  # plausible, but the watch's guess...
        ),
        exercise_guessed=st.just(True),  # ...so it waits for a confirmation either way
    ),
)
body_weights = st.one_of(st.none(), st.floats(min_value=60, max_value=140))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(plausible_rows, max_size=12),
    st.lists(bad_rows, min_size=1, max_size=6),
    body_weights,
    st.data(),
)
def test_no_plan_is_driven_by_an_unconfirmed_or_implausible_load(
    clean: list[SetRow], bad: list[SetRow], body_weight: float | None, data: st.DataObject
) -> None:
    # The bad sets go anywhere among the clean ones; the clean ones keep their order (the
    # order of two sets on one day with the same number is the warehouse's, not this test's).
    mixed = list(clean)
    for row in bad:
        mixed.insert(data.draw(st.integers(min_value=0, max_value=len(mixed))), row)
    p = RuleParams()
    with_bad = squat_inputs(mixed, PLANNED, body_weight, p)
    without = squat_inputs(clean, PLANNED, body_weight, p)
    assert with_bad.history == without.history
    assert with_bad.weeks == without.weeks
    # Every bad squat working set is named, with its position in the input, and nothing else.
    named = {index for index, _ in with_bad.ignored}
    expected = {
        i for i, row in enumerate(mixed)
        if any(row is b for b in bad) and "squat" in row.exercise and not row.warmup
    }  # fmt: skip
    assert named == expected

    def plan(inputs_history: SquatHistory | None) -> Prescription:
        return prescribe(
            AthleteState(
                planned_date=PLANNED,
                technique_controlled=True,
                body_weight_kg=body_weight,
                squats=inputs_history,
            )
        )

    assert plan(with_bad.history) == plan(without.history)


@settings(deadline=None)
@given(st.lists(bad_rows, min_size=1, max_size=4), body_weights)
def test_a_confirmed_set_counts_whatever_it_says(bad: list[SetRow], bw: float | None) -> None:
    confirmed = [dataclasses.replace(row, confirmed=True) for row in bad]
    inputs = squat_inputs(confirmed, PLANNED, bw, RuleParams())
    assert inputs.ignored == ()
    squats = [row for row in confirmed if "squat" in row.exercise and row.reps > 0]
    assert (inputs.history is None) == (not squats)


@settings(deadline=None)
@given(st.floats(min_value=0, max_value=150), st.floats(min_value=60, max_value=140))
def test_a_plausible_watch_guess_counts_when_the_athlete_trusts_the_watch(
    weight: float, body_weight: float
) -> None:
    row = SetRow(
        performed_on=MONDAY - timedelta(days=5),
        exercise="back_squat",
        set_index=1,
        reps=8,
        weight_kg=weight,
        exercise_guessed=True,
    )
    distrusted = squat_inputs([row], PLANNED, body_weight, RuleParams())
    trusted = squat_inputs([row], PLANNED, body_weight, RuleParams(trust_watch_exercise=True))
    assert distrusted.history is None and len(distrusted.ignored) == 1
    assert "watch's guess" in distrusted.ignored[0][1].why
    assert trusted.history is not None and trusted.ignored == ()
    assert trusted.history.working_weight_kg == weight


def test_the_plan_names_what_it_ignored_and_the_command_to_confirm() -> None:
    row = SetRow(
        performed_on=date(2025, 9, 30),
        exercise="back_squat",
        set_index=1,
        reps=8,
        weight_kg=498.95,
    )
    inputs = squat_inputs([row], PLANNED, 61.5, RuleParams())
    ignored = tuple(dataclasses.replace(s, set_id=42) for _, s in inputs.ignored)
    plan = prescribe(
        AthleteState(
            planned_date=PLANNED,
            technique_controlled=True,
            body_weight_kg=61.5,
            squats=inputs.history,
            ignored_sets=ignored,
        )
    )
    assert plan.weight_kg == 20.0  # nothing plausible logged: the empty bar
    r16 = next(fired for fired in plan.rules if fired.rule == "R16")
    assert "2025-09-30" in r16.reason and "498.95 kg" in r16.reason and "above 300 kg" in r16.reason
    assert r16.advice is not None and "ironmiles lift confirm 42" in r16.advice


@settings(deadline=None)
@given(
    st.sampled_from(["back_squat", "front_squat", "bulgarian_split_squat", "deadlift", "row"]),
    st.floats(min_value=0, max_value=2000),
    body_weights,
)
def test_implausible_means_past_a_bound_of_the_params(
    exercise: str, weight: float, bw: float | None
) -> None:
    p = RuleParams()
    reason = implausible_reason(exercise, weight, bw, p)
    squat = "squat" in exercise
    beyond = weight > p.plausible_set_max_kg or (
        squat
        and (
            weight > p.plausible_squat_max_kg
            or (bw is not None and weight > p.plausible_squat_bw_ratio * bw)
        )
    )
    assert (reason is not None) is beyond
    if reason is not None:
        assert f"{weight:g} kg" in reason


def test_issue_10_examples_of_implausible_loads() -> None:
    p = RuleParams()
    assert implausible_reason("back_squat", 498.95, 61.5, p) is not None  # 1,100 lb
    assert implausible_reason("back_squat", 131.0, 72.0, p) is None  # 1.8 x BW: possible
    assert implausible_reason("back_squat", 180.5, 72.0, p) is not None  # > 2.5 x 72 = 180
    assert implausible_reason("deadlift", 320.0, 72.0, p) is None  # only squats have 300 kg
    assert implausible_reason("deadlift", 500.5, 72.0, p) is not None
    loose = p.with_overrides({"plausible_squat_bw_ratio": "3"})
    assert implausible_reason("back_squat", 180.5, 72.0, loose) is None
