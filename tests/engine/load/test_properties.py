"""Properties that hold for any history (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from engine.load import weekly_load
from tests.engine.load.builders import NO_SESSIONS, Act, Set, activities, lift_sets

START = date(2025, 1, 1)
THROUGH = START + timedelta(days=150)
SPORTS = ["run", "run", "run", "ride", "walk", "swim", "strength", "other"]

distances = st.one_of(st.none(), st.floats(0, 60, allow_nan=False).map(lambda km: round(km, 3)))
# Built once: a strategy composed inside the draw loop is a new object each time, and hypothesis
# validates each new one (most of a run's time went there, not into weekly_load).
corrections = st.none() | distances
moving_times = st.none() | st.floats(0, 20000)
rpes = st.none() | st.integers(1, 10).map(float)
sports = st.sampled_from(SPORTS)


@st.composite
def histories(draw: st.DrawFn) -> list[Act]:
    """Runs and other sports of up to three athletes, some linked as copies, some corrected,
    some dated after THROUGH (which must be ignored)."""
    rows: list[Act] = []
    for i in range(1, draw(st.integers(1, 40)) + 1):
        athlete = draw(st.integers(1, 3))
        same_as = [r for r in rows if r.athlete_id == athlete and r.canonical_id in (None, r.id)]
        # Half of them a copy of an earlier run (as `none() | sampled_from(same_as)` would
        # draw, and shrinking towards no copy and the first run, but with cached strategies).
        copy_of = None
        if same_as and draw(st.booleans()):
            copy_of = same_as[draw(st.integers(0, len(same_as) - 1))]
        rows.append(
            Act(
                athlete,
                copy_of.local_date if copy_of else START + timedelta(draw(st.integers(0, 170))),
                km=draw(distances),
                sport=copy_of.sport if copy_of else draw(sports),
                id=i,
                # Its own id or none, both meaning "the canonical copy" (sampled_from([None, i])).
                canonical_id=copy_of.id if copy_of else (i if draw(st.booleans()) else None),
                corrected_km=draw(corrections),
                moving_s=draw(moving_times),
                rpe=draw(rpes),
            )
        )
    return rows


def lifts_for(rows: list[Act]) -> pl.DataFrame:
    return lift_sets(
        [Set(r.athlete_id, r.local_date, "back_squat", 5, 60.0 + r.id) for r in rows[::3]]
    )


def counted_km(rows: list[Act]) -> float:
    return sum(
        (r.corrected_km if r.corrected_km is not None else r.km or 0.0)
        for r in rows
        if r.sport == "run" and r.canonical_id in (None, r.id) and r.local_date <= THROUGH
    )


@settings(max_examples=80, deadline=None)
@given(histories())
def test_weekly_km_sum_to_the_km_of_the_counted_runs(rows: list[Act]) -> None:
    weeks = weekly_load(activities(rows), lifts_for(rows), NO_SESSIONS, through=THROUGH)
    assert abs(weeks["distance_km"].sum() - counted_km(rows)) < 1e-6
    # And no week is missing: each athlete's weeks are consecutive Mondays up to THROUGH.
    for _, athlete in weeks.group_by("athlete_id"):
        gaps = athlete["week_start"].diff().drop_nulls().unique().to_list()
        assert gaps in ([], [timedelta(weeks=1)])
        assert athlete["week_start"].max() == THROUGH - timedelta(days=THROUGH.weekday())


@settings(max_examples=60, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(rows: list[Act], rnd: object) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    one = weekly_load(activities(rows), lifts_for(rows), NO_SESSIONS, through=THROUGH)
    other = weekly_load(activities(shuffled), lifts_for(rows)[::-1], NO_SESSIONS, through=THROUGH)
    assert_frame_equal(one, other, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(0, 150), distances, st.integers(1, 3))
def test_adding_a_run_never_lowers_its_weeks_km(
    rows: list[Act], offset: int, km: float | None, athlete: int
) -> None:
    new = Act(athlete, START + timedelta(days=offset), km=km, id=len(rows) + 1)
    before = weekly_load(activities(rows), lifts_for(rows), NO_SESSIONS, through=THROUGH)
    after = weekly_load(activities([*rows, new]), lifts_for(rows), NO_SESSIONS, through=THROUGH)
    monday = new.local_date - timedelta(days=new.local_date.weekday())

    def week_km(frame: pl.DataFrame) -> float:
        row = frame.filter(pl.col("athlete_id") == athlete, pl.col("week_start") == monday)
        return float(row["distance_km"].sum())

    assert week_km(after) >= week_km(before)
    assert abs(week_km(after) - week_km(before) - (km or 0.0)) < 1e-9


@settings(max_examples=60, deadline=None)
@given(histories())
def test_each_athletes_rows_depend_only_on_that_athletes_data(rows: list[Act]) -> None:
    # What makes recomputing only the changed athletes give the full result.
    lifts = lifts_for(rows)
    full = weekly_load(activities(rows), lifts, NO_SESSIONS, through=THROUGH)
    for athlete in {r.athlete_id for r in rows}:
        mine = activities([r for r in rows if r.athlete_id == athlete])
        my_lifts = lifts.filter(pl.col("athlete_id") == athlete)
        alone = weekly_load(mine, my_lifts, NO_SESSIONS, through=THROUGH)
        expected = full.filter(pl.col("athlete_id") == athlete)
        assert_frame_equal(alone, expected, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
