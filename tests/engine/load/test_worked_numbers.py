"""The worked numbers of coaching-rules.md section 1, through the whole pipeline."""

from __future__ import annotations

import pytest

from engine.load import weekly_load
from tests.engine.load.builders import (
    NO_ACTIVITIES,
    NO_SESSIONS,
    NO_SETS,
    Act,
    Session,
    Set,
    activities,
    day,
    lift_sessions,
    lift_sets,
)


def test_epley_60kg_8_reps_rir_2_is_80kg() -> None:
    sets = lift_sets([Set(1, day(0, 2), "back_squat", reps=8, weight_kg=60.0, rir=2)])
    week = weekly_load(NO_ACTIVITIES, sets, NO_SESSIONS, through=day(0, 6)).row(0, named=True)
    assert week["e1rm_kg"] == pytest.approx(80.0)
    assert week["squat_top_kg"] == 60.0


def test_monotony_of_the_rules_doc_daily_loads_is_1_35() -> None:
    loads = [300, 0, 450, 240, 0, 600, 350]
    # RPE 5 sessions whose minutes make exactly these daily loads (RPE x minutes).
    sessions = lift_sessions(
        [Session(1, day(0, i), load / 5 * 60.0, 5.0) for i, load in enumerate(loads) if load]
    )
    week = weekly_load(NO_ACTIVITIES, NO_SETS, sessions, through=day(0, 6)).row(0, named=True)
    assert week["srpe_load"] == pytest.approx(sum(loads))
    assert round(week["monotony"], 2) == 1.35
    assert week["strain"] == pytest.approx(sum(loads) * week["monotony"])


def test_coupled_acwr_of_30_32_34_45_is_1_277() -> None:
    weekly_km = [30.0, 32.0, 34.0, 45.0]
    # Each week's km split over two runs, so the sum is what is tested, not a single row.
    runs = [Act(1, day(w, d), km=km / 2) for w, km in enumerate(weekly_km) for d in (1, 5)]
    weeks = weekly_load(activities(runs), NO_SETS, NO_SESSIONS, through=day(3, 6))
    last = weeks.row(-1, named=True)
    assert weeks["distance_km"].to_list() == pytest.approx(weekly_km)
    assert last["avg4_km"] == pytest.approx(35.25)
    assert round(last["acwr"], 3) == 1.277
    assert last["big_week"] is False  # 1.277 is not above 1.3


def test_two_sets_of_8_at_65kg_is_1040kg_volume() -> None:
    sets = lift_sets(
        [Set(1, day(0, 2), "back_squat", reps=8, weight_kg=65.0, rir=2) for _ in range(2)]
        + [Set(1, day(0, 2), "back_squat", reps=8, weight_kg=32.5, warmup=True)]
    )
    week = weekly_load(NO_ACTIVITIES, sets, NO_SESSIONS, through=day(0, 6)).row(0, named=True)
    assert week["volume_load_kg"] == pytest.approx(1040.0)


def test_single_leg_volume_counts_both_legs() -> None:
    # 1 set of 8 reps per leg with 65 kg total external load: 8 x 65 x 2 = 1040 kg.
    sets = lift_sets([Set(1, day(0, 2), "bulgarian_split_squat", reps=8, weight_kg=65.0)])
    week = weekly_load(NO_ACTIVITIES, sets, NO_SESSIONS, through=day(0, 6)).row(0, named=True)
    assert week["volume_load_kg"] == pytest.approx(1040.0)
