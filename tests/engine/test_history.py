"""Squat history inputs derived from set rows, and R15's share of weeks with squats."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream

from engine.prescription import (
    AthleteState,
    RuleParams,
    SetRow,
    prescribe,
    squat_history,
    squat_share,
    squat_weeks,
)

WED_W41 = date(2025, 10, 8)


def squat_day(day: date, weight: float, rir: int | None, *, sets: int = 2) -> list[SetRow]:
    warmup = SetRow(
        performed_on=day,
        exercise="back_squat",
        set_index=1,
        reps=8,
        weight_kg=weight / 2,
        warmup=True,
    )
    working = [
        SetRow(
            performed_on=day,
            exercise="back_squat",
            set_index=index,
            reps=8,
            weight_kg=weight,
            rir=rir if index == sets + 1 else None,
        )
        for index in range(2, sets + 2)
    ]
    return [warmup, *working]


def test_no_squat_rows_means_no_history() -> None:
    bench = SetRow(performed_on=WED_W41, exercise="bench_press", set_index=1, reps=8, weight_kg=40)
    assert squat_history([bench], WED_W41) is None


def test_last_session_working_weight_rir_and_weeks() -> None:
    rows = [
        *squat_day(date(2025, 9, 3), 55, 3),
        *squat_day(date(2025, 9, 17), 60, 2),  # the last increase
        *squat_day(date(2025, 9, 24), 60, 3),
        *squat_day(date(2025, 10, 1), 60, 4),
    ]
    history = squat_history(rows, WED_W41)
    assert history is not None
    assert history.variant == "back_squat"
    assert history.working_weight_kg == 60
    assert history.last_rir == 4
    assert history.weeks_since_increase == 3  # 2025-09-17 -> 2025-10-08 is 21 days
    assert history.weeks_since_squat == 1
    assert history.last_session == date(2025, 10, 1)


def test_a_drop_does_not_reset_the_last_increase() -> None:
    rows = [
        *squat_day(date(2025, 9, 10), 70, 0),  # increase, then failure
        *squat_day(date(2025, 9, 17), 65, 3),
        *squat_day(date(2025, 10, 1), 65, 4),
    ]
    history = squat_history(rows, WED_W41)
    assert history is not None
    assert (history.working_weight_kg, history.weeks_since_increase) == (65, 4)


def test_warmups_and_zero_rep_sets_are_not_working_sets() -> None:
    rows = [
        *squat_day(date(2025, 10, 1), 60, 2),
        SetRow(
            performed_on=date(2025, 10, 1),
            exercise="back_squat",
            set_index=9,
            reps=0,
            weight_kg=100,
        ),
    ]
    history = squat_history(rows, WED_W41)
    assert history is not None
    assert (history.working_weight_kg, history.last_rir) == (60, 2)


def test_rows_from_the_planned_week_onward_are_ignored() -> None:
    # Re-planning on the Tuesday of W41 gives the plan made on the Sunday before.
    rows = [*squat_day(date(2025, 10, 1), 60, 2), *squat_day(date(2025, 10, 6), 80, 0)]
    history = squat_history(rows, WED_W41)
    assert history is not None
    assert (history.working_weight_kg, history.last_session) == (60, date(2025, 10, 1))


def test_a_change_of_variant_restarts_the_weeks_since_increase() -> None:
    rows = [
        *squat_day(date(2025, 9, 3), 100, 3),
        *[
            SetRow(
                performed_on=date(2025, 9, 24),
                exercise="bulgarian_split_squat",
                set_index=1,
                reps=8,
                weight_kg=50,
                rir=3,
            )
        ],
    ]
    history = squat_history(rows, WED_W41)
    assert history is not None
    assert (history.variant, history.weeks_since_increase) == ("bulgarian_split_squat", 2)


def test_squat_share_counts_completed_weeks_since_the_first_squat_only() -> None:
    # Squats in W10..W39 (30 weeks), none in W40; a squat in W41 itself does not count. The
    # window runs from the first squat (W10) to W40: 31 weeks, not the 52 of the whole year.
    weeks = {f"2025-W{n:02d}" for n in range(10, 40)} | {"2025-W41"}
    share = squat_share(frozenset(weeks), "2025-W41", RuleParams())
    assert (share.weeks_with_squats, share.window_weeks) == (30, 31)
    # A year of runs before the first squat does not shrink the share (issue 10's R15 case).
    since = squat_share(frozenset(weeks), "2025-W41", RuleParams(), history_start=date(2024, 9, 2))
    assert (since.weeks_with_squats, since.window_weeks) == (30, 31)


def test_r15_is_silent_after_13_squat_weeks_in_a_row_following_a_year_of_runs() -> None:
    weeks = frozenset(f"2025-W{n:02d}" for n in range(28, 41))  # W28..W40, 13 in a row
    state = AthleteState(planned_date=WED_W41, squat_weeks=weeks, history_start=date(2024, 9, 2))
    assert "R15" not in {rule.rule for rule in prescribe(state).rules}


@pytest.mark.parametrize(("known", "fires"), [(7, False), (8, True)])
def test_r15_says_nothing_before_8_weeks_since_the_first_squat(known: int, fires: bool) -> None:
    # One squat in the first of `known` weeks, then none: 1 of 7 weeks is silent, 1 of 8 warns.
    first = WED_W41 - timedelta(weeks=known)
    state = AthleteState(
        planned_date=WED_W41,
        squat_weeks=squat_weeks(
            [SetRow(performed_on=first, exercise="back_squat", set_index=1, reps=8, weight_kg=60)]
        ),
    )
    assert ("R15" in {rule.rule for rule in prescribe(state).rules}) is fires


@pytest.mark.parametrize(("squatted", "fires"), [(26, True), (36, False), (42, True)])
def test_r15_warns_outside_60_to_80_percent(squatted: int, fires: bool) -> None:
    start = WED_W41 - timedelta(weeks=52)
    weeks = squat_weeks(
        [
            SetRow(
                performed_on=start + timedelta(weeks=n),
                exercise="back_squat",
                set_index=1,
                reps=8,
                weight_kg=60,
            )
            for n in range(squatted)
        ]
    )
    assert len(weeks) == squatted
    plan = prescribe(AthleteState(planned_date=WED_W41, squat_weeks=weeks))
    assert ("R15" in {rule.rule for rule in plan.rules}) is fires


def test_r15_waits_for_enough_history_and_judges_only_known_weeks() -> None:
    weeks = frozenset({"2025-W38", "2025-W39", "2025-W40"})
    young = AthleteState(planned_date=WED_W41, squat_weeks=weeks, history_start=date(2025, 9, 15))
    assert "R15" not in {rule.rule for rule in prescribe(young).rules}
    share = squat_share(weeks, "2025-W41", RuleParams(), history_start=date(2025, 9, 15))
    assert (share.weeks_with_squats, share.window_weeks) == (3, 3)


def test_a_real_garmin_strength_session(shared_data: Path) -> None:
    """jarkko/fit-analyzer's 2025-10-20 session (Helsinki, UTC+3): the inventory lists two
    active sets whose first category is `squat`: 6 x 0 kg and 6 x 14 kg, no RIR."""
    path = shared_data / "garmin-fit_jarkko-fit-analyzer" / "20748058539_ACTIVITY.fit"
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert errors == []
    rows = [
        SetRow(
            performed_on=(message["start_time"] + timedelta(hours=3)).date(),
            exercise=message["category"][0],
            set_index=index,
            reps=message["repetitions"],
            weight_kg=message["weight"],
        )
        for index, message in enumerate(messages["set_mesgs"], start=1)
        if message.get("set_type") == "active" and message.get("category")
    ]
    planned = date(2025, 10, 29)  # Wednesday of 2025-W44
    history = squat_history(rows, planned)
    assert history is not None
    assert history.variant == "back_squat"  # the watch's generic "squat"
    assert history.working_weight_kg == 14.0
    assert history.last_rir is None
    assert history.last_session == date(2025, 10, 20)
    assert history.weeks_since_squat == 1
    assert squat_weeks(rows) == frozenset({"2025-W43"})

    plan = prescribe(
        AthleteState(
            planned_date=planned, technique_controlled=True, body_weight_kg=None, squats=history
        )
    )
    # No RIR logged: hold and ask; no body weight: no cap, and the plan says so.
    assert plan.weight_kg == 14.0
    assert {"R9", "R10"} <= {rule.rule for rule in plan.explained("advice")}
    assert plan.warmup is not None
    assert plan.warmup.weight_kg == 0.0
