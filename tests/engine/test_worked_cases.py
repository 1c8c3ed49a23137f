"""The ten worked cases of coaching-rules.md section 2, one test each, through the pure API.
Expected values are copied from the doc's table, not computed."""

from __future__ import annotations

from engine.prescription import Prescription, prescribe
from tests.engine.cases import state


def fired(plan: Prescription) -> set[str]:
    return {rule.rule for rule in plan.rules}


def session(plan: Prescription) -> tuple[object, ...]:
    assert plan.warmup is not None
    assert plan.target_rir is not None
    return (
        plan.variant,
        plan.warmup.weight_kg,
        plan.sets,
        plan.reps,
        plan.weight_kg,
        plan.target_rir.text(),
    )


def test_case_1_three_sessions_a_week_skips() -> None:
    plan = prescribe(state(sessions=3, weight_kg=60, rir=4, weeks_since_increase=3))
    assert plan.skip
    assert (plan.sets, plan.reps, plan.weight_kg, plan.warmup) == (None, None, None, None)
    assert fired(plan) == {"R0"}


def test_case_2_beginner_without_technique_works_the_empty_bar_in_a_rack() -> None:
    plan = prescribe(
        state(experience="beginner", technique=False, body_weight_kg=65, weight_kg=None, rir=None)
    )
    assert not plan.skip
    assert plan.supervised
    # Body-weight squats as the warm-up: weight 0.0.
    assert session(plan) == ("guided_squat", 0.0, 2, 8, 20.0, ">=4")
    assert "R3" in fired(plan)


def test_case_2_holds_for_a_beginner_with_a_logged_history_too() -> None:
    plan = prescribe(
        state(experience="beginner", technique=False, body_weight_kg=65, weight_kg=20, rir=4)
    )
    assert session(plan) == ("guided_squat", 0.0, 2, 8, 20.0, ">=4")
    assert plan.supervised


def test_case_3_rir_4_after_two_weeks_progresses_5_kg() -> None:
    plan = prescribe(state(body_weight_kg=70, weight_kg=60, rir=4, weeks_since_increase=2))
    assert session(plan) == ("back_squat", 32.5, 2, 8, 65.0, "2-3")
    assert not plan.supervised
    assert {"R4", "R8", "R13"} <= fired(plan)


def test_case_4_a_set_to_failure_drops_5_kg() -> None:
    plan = prescribe(state(body_weight_kg=70, weight_kg=70, rir=0, weeks_since_increase=1))
    assert session(plan)[1:5] == (32.5, 2, 8, 65.0)
    assert "R6" in fired(plan)


def test_case_5_the_cap_holds_progression() -> None:
    plan = prescribe(state(body_weight_kg=60, weight_kg=90, rir=4, weeks_since_increase=3))
    assert session(plan)[1:5] == (45.0, 2, 8, 90.0)
    assert "R10" in fired(plan)
    assert plan.explained("weight_kg")[0].rule == "R10"


def test_case_6_single_leg_switch_halves_the_load() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            weight_kg=100,
            single_leg=True,
            rir=2,
            weeks_since_increase=2,
        )
    )
    assert plan.per_leg
    assert session(plan)[:5] == ("bulgarian_split_squat", 25.0, 3, 8, 50.0)
    assert "R5" in fired(plan)


def test_case_7_a_race_in_10_days_skips() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            weight_kg=100,
            rir=3,
            weeks_since_increase=4,
            race_in_days=10,
        )
    )
    assert plan.skip
    assert plan.sets is None
    assert fired(plan) == {"R1"}


def test_case_8_a_race_in_18_days_reduces() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            weight_kg=100,
            rir=2,
            weeks_since_increase=4,
            race_in_days=18,
        )
    )
    assert session(plan) == ("back_squat", 45.0, 2, 6, 90.0, ">=3")
    assert "R2" in fired(plan)
    assert "R8" not in fired(plan)


def test_case_9_b_race_in_6_days_reduces_and_rounds_down() -> None:
    plan = prescribe(
        state(
            body_weight_kg=70,
            weight_kg=60,
            rir=3,
            weeks_since_increase=4,
            race_in_days=6,
            race_priority="B",
        )
    )
    # 60 x 0.9 = 54 -> 52.5; warm-up 0.5 x 52.5 = 26.25 -> 25.
    assert session(plan) == ("back_squat", 25.0, 1, 6, 52.5, ">=3")
    assert "R2" in fired(plan)


def test_case_10_a_very_big_run_week_cuts_to_one_set() -> None:
    plan = prescribe(
        state(
            experience="experienced",
            body_weight_kg=80,
            weight_kg=100,
            rir=2,
            weeks_since_increase=4,
            acwr=1.6,
        )
    )
    assert session(plan)[1:5] == (50.0, 1, 8, 100.0)
    assert "R11" in fired(plan)
    assert "R8" not in fired(plan)
