"""Rules beyond the worked cases, and inputs that are missing."""

from __future__ import annotations

from engine.prescription import Prescription, RuleParams, prescribe
from tests.engine.cases import state


def rules(plan: Prescription) -> set[str]:
    return {rule.rule for rule in plan.rules}


def weight_rules(plan: Prescription) -> set[str]:
    return {rule.rule for rule in plan.explained("weight_kg")}


def test_no_body_weight_means_no_cap_and_the_plan_says_so() -> None:
    plan = prescribe(state(body_weight_kg=None, weight_kg=200, rir=4, weeks_since_increase=2))
    assert plan.weight_kg == 205
    assert "R10" in rules(plan)
    assert any("body weight" in advice for advice in plan.advice)


def test_no_rir_logged_holds_and_asks() -> None:
    plan = prescribe(state(weight_kg=60, rir=None, weeks_since_increase=8))
    assert plan.weight_kg == 60
    assert weight_rules(plan) == {"R9"}
    assert any("RIR" in advice for advice in plan.advice)


def test_rir_1_holds() -> None:
    plan = prescribe(state(weight_kg=60, rir=1, weeks_since_increase=8))
    assert (plan.weight_kg, weight_rules(plan)) == (60, {"R7"})


def test_rir_2_to_3_needs_four_weeks() -> None:
    assert prescribe(state(weight_kg=60, rir=3, weeks_since_increase=3)).weight_kg == 60
    assert prescribe(state(weight_kg=60, rir=3, weeks_since_increase=4)).weight_kg == 65


def test_failure_never_goes_below_the_bar() -> None:
    plan = prescribe(state(weight_kg=22.5, rir=0))
    assert plan.weight_kg == 20
    assert weight_rules(plan) == {"R6"}


def test_a_big_week_allows_two_sets_and_no_progression() -> None:
    plan = prescribe(
        state(experience="experienced", weight_kg=100, rir=4, weeks_since_increase=4, acwr=1.4)
    )
    assert (plan.sets, plan.weight_kg) == (2, 100)
    assert "R11" in rules(plan)


def test_reentry_after_three_weeks_off() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            weight_kg=100,
            rir=4,
            weeks_since_increase=6,
            weeks_since_squat=3,
        )
    )
    assert (plan.sets, plan.reps, plan.weight_kg) == (2, 8, 90)
    assert "R12" in rules(plan)
    assert "R8" not in rules(plan)
    assert plan.warmup is not None
    assert plan.warmup.weight_kg == 45


def test_reentry_and_a_race_do_not_compound() -> None:
    plan = prescribe(
        state(weight_kg=60, rir=3, weeks_since_squat=5, race_in_days=6, race_priority="B")
    )
    # Both propose 60 x 0.9 -> 52.5 and one set fewer: the most conservative wins, once.
    assert (plan.sets, plan.reps, plan.weight_kg) == (1, 6, 52.5)
    assert {"R2", "R12"} <= rules(plan)


def test_an_intermediate_without_technique_holds_in_the_rack() -> None:
    plan = prescribe(state(technique=False, weight_kg=60, rir=4, weeks_since_increase=6))
    assert (plan.variant, plan.weight_kg, plan.supervised) == ("guided_squat", 60, True)
    assert plan.target_rir is not None
    assert plan.target_rir.text() == ">=4"


def test_signing_off_technique_switches_to_the_free_bar_without_progressing() -> None:
    plan = prescribe(state(variant="guided_squat", weight_kg=60, rir=4, weeks_since_increase=6))
    assert (plan.variant, plan.weight_kg) == ("back_squat", 60)
    assert "R8" not in rules(plan)


def test_single_leg_progresses_after_the_switch_session() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            variant="bulgarian_split_squat",
            weight_kg=50,
            single_leg=True,
            rir=4,
            weeks_since_increase=2,
        )
    )
    assert (plan.variant, plan.per_leg, plan.weight_kg) == ("bulgarian_split_squat", True, 55)


def test_single_leg_cap_is_half_the_bilateral_cap() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,  # bilateral cap 120 kg, single leg 60 kg
            variant="bulgarian_split_squat",
            weight_kg=60,
            single_leg=True,
            rir=4,
            weeks_since_increase=2,
        )
    )
    assert plan.weight_kg == 60
    assert "R10" in weight_rules(plan)


def test_back_from_single_leg_converts_the_load_and_respects_the_cap() -> None:
    plan = prescribe(state(body_weight_kg=60, variant="bulgarian_split_squat", weight_kg=50, rir=3))
    # 50 / 0.5 = 100 kg, above the 90 kg cap of a 60 kg athlete.
    assert (plan.variant, plan.weight_kg) == ("back_squat", 90)


def test_race_behind_skips_and_the_window_closes() -> None:
    assert prescribe(state(race_in_days=-7)).skip  # A race a week ago
    assert not prescribe(state(race_in_days=-8)).skip
    assert prescribe(state(race_in_days=-2, race_priority="C")).skip
    assert not prescribe(state(race_in_days=-3, race_priority="C")).skip


def test_params_move_the_thresholds() -> None:
    params = RuleParams().with_overrides({"big_week_acwr": "1.1", "step_kg": "2.5"})
    plan = prescribe(state(weight_kg=60, rir=4, weeks_since_increase=2, acwr=1.2), params)
    assert (plan.weight_kg, "R11" in rules(plan)) == (60, True)
    assert prescribe(state(weight_kg=60, rir=4, weeks_since_increase=2), params).weight_kg == 62.5
