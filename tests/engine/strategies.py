"""The hypothesis strategies the engine's property tests share: random athletes (histories,
races, last week's load) and rule parameters, around one planned Wednesday."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from engine.prescription import AthleteState, RaceDay, RuleParams, SquatHistory, WeekLoad

PLANNED = date(2025, 10, 8)  # Wednesday of 2025-W41
MONDAY = date(2025, 10, 6)

# Whatever a history may hold: plate-grid weights, a watch's odd floats, and nonsense far past
# any cap (a unit mix-up that slipped through), on every variant the rules know.
logged_weights = st.one_of(
    st.integers(min_value=0, max_value=200).map(lambda n: n * 2.5),
    st.floats(min_value=0, max_value=1000, allow_nan=False),
)
histories = st.builds(
    SquatHistory,
    variant=st.sampled_from(
        ["back_squat", "guided_squat", "front_squat", "bulgarian_split_squat", "goblet_squat"]
    ),
    working_weight_kg=logged_weights,
    last_rir=st.one_of(st.none(), st.integers(min_value=0, max_value=8)),
    weeks_since_increase=st.integers(min_value=0, max_value=30),
    weeks_since_squat=st.integers(min_value=0, max_value=12),
    last_session=st.just(PLANNED - timedelta(days=7)),
)
races = st.builds(
    RaceDay,
    race_date=st.integers(min_value=-30, max_value=40).map(lambda d: PLANNED + timedelta(d)),
    priority=st.sampled_from(["A", "B", "C"]),
    name=st.just("race"),
)
states = st.builds(
    AthleteState,
    planned_date=st.just(PLANNED),
    experience=st.sampled_from(["beginner", "intermediate", "experienced"]),
    technique_controlled=st.booleans(),
    prefers_single_leg=st.booleans(),
    sessions_per_week=st.integers(min_value=3, max_value=10),
    body_weight_kg=st.floats(min_value=30, max_value=160),
    squats=st.one_of(st.none(), histories),
    last_week=st.one_of(st.none(), st.floats(min_value=0, max_value=4)).map(
        lambda acwr: WeekLoad(acwr=acwr)
    ),
    races=st.lists(races, max_size=2).map(tuple),
)
params = st.builds(
    RuleParams,
    cap_basis=st.sampled_from(["working", "e1rm"]),
    cap_ratio=st.floats(min_value=0.3, max_value=4.0),
    round_kg=st.sampled_from([0.5, 1.0, 1.25, 2.5, 5.0]),
    bar_kg=st.sampled_from([0.0, 10.0, 15.0, 20.0]),
    single_leg_factor=st.floats(min_value=0.1, max_value=1.0),
    reentry_weight_factor=st.floats(min_value=0.1, max_value=1.0),
    reduced_weight_factor=st.floats(min_value=0.1, max_value=1.0),
)
