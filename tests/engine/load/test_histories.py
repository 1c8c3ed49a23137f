"""Hand-built histories with answers worked out by hand (or by an independent daily loop)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from engine.load import LoadParams, weekly_load
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


def local_date_of(start_utc: datetime, zone: str) -> date:
    """What the warehouse stores as local_date: the wall-clock date where the run started."""
    return start_utc.astimezone(ZoneInfo(zone)).date()


def weeks_of(rows: list[Act], through: date) -> pl.DataFrame:
    return weekly_load(activities(rows), NO_SETS, NO_SESSIONS, through=through)


def test_sunday_2330_in_new_york_is_sunday_week_not_mondays() -> None:
    start = datetime(2025, 10, 6, 3, 30, tzinfo=UTC)  # Sunday 5 Oct 23:30 EDT; Monday in UTC
    run = Act(1, local_date_of(start, "America/New_York"), km=12.0)
    weeks = weeks_of([run], through=date(2025, 10, 12))
    assert weeks["week"].to_list() == ["2025-W40", "2025-W41"]
    assert weeks["distance_km"].to_list() == [12.0, 0.0]


def test_travel_week_across_time_zones_sums_by_each_runs_local_date() -> None:
    # Out from Amsterdam to Tokyo and back via Los Angeles; one ISO week (2025-W41, 6-12 Oct).
    starts = [
        (datetime(2025, 10, 6, 5, 0, tzinfo=UTC), "Europe/Amsterdam", 8.0),  # Mon 07:00
        (datetime(2025, 10, 7, 22, 0, tzinfo=UTC), "Asia/Tokyo", 10.0),  # Wed 07:00, Tue UTC
        (datetime(2025, 10, 12, 6, 30, tzinfo=UTC), "America/Los_Angeles", 6.0),  # Sat 23:30
        (datetime(2025, 10, 12, 22, 0, tzinfo=UTC), "Europe/Amsterdam", 5.0),  # Mon 00:00 W42
        (datetime(2025, 10, 5, 16, 0, tzinfo=UTC), "Asia/Tokyo", 4.0),  # Mon 01:00; Sun in UTC
    ]
    rows = [Act(1, local_date_of(s, zone), km=km) for s, zone, km in starts]
    weeks = weeks_of(rows, through=date(2025, 10, 19))
    assert dict(zip(weeks["week"], weeks["distance_km"], strict=True)) == {
        "2025-W41": pytest.approx(8.0 + 10.0 + 6.0 + 4.0),
        "2025-W42": 5.0,
    }
    assert weeks["runs"].to_list() == [4, 1]
    assert weeks["long_run_km"].to_list() == [10.0, 5.0]


def test_a_three_week_gap_is_rows_of_zeros_and_the_return_week_has_no_chronic_base() -> None:
    rows = [Act(1, day(w, 2), km=20.0) for w in range(4)] + [Act(1, day(7, 2), km=20.0)]
    weeks = weeks_of(rows, through=day(7, 6))
    assert weeks.height == 8
    gap = weeks.slice(4, 3)
    assert gap["distance_km"].to_list() == [0.0, 0.0, 0.0]
    assert gap["runs"].to_list() == [0, 0, 0]
    assert gap["long_run_km"].to_list() == [0.0, 0.0, 0.0]
    assert gap["avg4_km"].to_list() == pytest.approx([15.0, 10.0, 5.0])
    # The first gap week still has running in 3 of its 4 weeks and a 15 km mean: a base.
    # The next two have running in 2 and 1 of their 4 weeks: no chronic base, no ratio.
    assert gap["acwr"].to_list() == [0.0, None, None]
    back = weeks.row(7, named=True)
    assert back["avg4_km"] == pytest.approx(5.0)  # (0 + 0 + 0 + 20) / 4
    # 20 / 5 = 4.0 would be a "big week" after three empty ones: without a chronic base (one
    # week of running in four, a 5 km mean) the ratio says nothing (issue 10).
    assert back["acwr"] is None
    assert back["acwr_ewma"] is None
    assert back["big_week"] is False
    assert back["spike_runs"] == 0  # nothing in the 30 days before: no reference


def test_acwr_is_null_for_the_first_three_weeks_and_when_avg4_is_zero() -> None:
    rows = [Act(1, day(0), km=10.0), Act(1, day(1), sport="ride", km=40.0)]
    rows += [Act(1, day(w), sport="walk", km=3.0) for w in range(2, 9)]
    weeks = weeks_of(rows, through=day(8, 6))
    assert weeks["acwr"].to_list()[:3] == [None, None, None]
    assert weeks["avg4_km"].to_list()[:3] == [None, None, None]
    assert weeks["avg4_km"][3] == pytest.approx(2.5)
    assert weeks["acwr"][3] is None  # one week of running in four, a 2.5 km mean: no base
    # Weeks 4 to 8 hold walks only: avg4_km is exactly 0 and the ratio undefined.
    assert weeks["avg4_km"].to_list()[4:] == [0.0] * 5
    assert weeks["acwr"].to_list()[4:] == [None] * 5
    assert weeks["big_week"].to_list() == [False] * 9


def test_walks_rides_and_swims_are_not_mileage_and_duplicates_count_once() -> None:
    rows = [
        Act(1, day(0, 1), km=10.0, id=1, canonical_id=1),  # Garmin copy, canonical
        Act(1, day(0, 1), km=10.2, id=2, canonical_id=1),  # Strava copy of the same run
        Act(1, day(0, 2), km=8.0, id=3, corrected_km=9.0),  # a correction wins
        Act(1, day(0, 3), km=7.0, id=4, canonical_id=5),  # a copy of run 5 ...
        Act(1, day(0, 3), km=None, id=5, corrected_km=6.5),  # ... whose correction wins
        Act(1, day(0, 4), km=30.0, sport="ride"),
        Act(1, day(0, 4), km=5.0, sport="walk"),
        Act(1, day(0, 5), km=2.0, sport="swim"),
        Act(1, day(0, 6), km=None, moving_s=1200.0),  # a run without distance: 0 km, 1 run
    ]
    week = weeks_of(rows, through=day(0, 6)).row(0, named=True)
    assert week["distance_km"] == pytest.approx(10.0 + 9.0 + 6.5)
    assert week["runs"] == 4
    assert week["moving_s"] == pytest.approx(3 * 3000.0 + 1200.0)
    assert week["long_run_km"] == 10.0


def test_spike_run_is_over_110_percent_of_the_longest_run_of_the_previous_30_days() -> None:
    base = date(2025, 9, 1)
    rows = [
        Act(1, base, km=10.0),  # first run: no reference, not a spike
        Act(1, base + timedelta(days=12), km=11.0),  # exactly 110 %: not a spike
        Act(1, base + timedelta(days=20), km=12.2),  # 12.2 > 1.1 x 11.0: spike
        Act(1, base + timedelta(days=20), km=20.0),  # same day: not each other's reference
        Act(1, base + timedelta(days=50), km=13.0),  # lookback days 20-49 holds the 20 km
        Act(1, base + timedelta(days=51), km=14.2),  # lookback days 21-50: 13 km; 14.2 <= 14.3
        Act(1, base + timedelta(days=51), km=14.4),  # 14.4 > 14.3: spike
    ]
    weeks = weeks_of(rows, through=base + timedelta(days=55))
    spikes = dict(zip(weeks["week_start"], weeks["spike_runs"], strict=True))
    assert spikes[date(2025, 9, 1)] == 0
    assert spikes[date(2025, 9, 8)] == 0  # day 12 is in the second week
    assert spikes[date(2025, 9, 15)] == 2  # day 20: both runs
    assert spikes[date(2025, 10, 20)] == 1  # days 50 and 51


def test_lifts_warmups_squat_variants_and_the_epley_range() -> None:
    sets = lift_sets(
        [
            Set(1, day(0, 2), "back_squat", reps=5, weight_kg=100.0, rir=None),  # e1rm 116.7
            Set(1, day(0, 2), "back_squat", reps=8, weight_kg=90.0, rir=5),  # 13 > 12: no e1rm
            Set(1, day(0, 2), "back_squat", reps=3, weight_kg=120.0, warmup=True),  # warm-up
            Set(1, day(0, 4), "deadlift", reps=3, weight_kg=140.0, rir=1),  # not a squat
            Set(1, day(0, 4), "single_leg_rdl", reps=10, weight_kg=20.0),  # x 2 legs
            Set(1, day(0, 4), "pull_up", reps=8, weight_kg=0.0, warmup=None),  # body weight
            Set(1, day(1, 2), "front_squat", reps=0, weight_kg=150.0),  # failed: no rep
        ]
    )
    weeks = weekly_load(NO_ACTIVITIES, sets, NO_SESSIONS, through=day(1, 6))
    first, second = weeks.row(0, named=True), weeks.row(1, named=True)
    assert first["squat_top_kg"] == 100.0
    assert first["e1rm_kg"] == pytest.approx(100.0 * (1 + 5 / 30))
    assert first["volume_load_kg"] == pytest.approx(500 + 720 + 420 + 400)
    assert first["distance_km"] == 0.0
    assert (second["squat_top_kg"], second["e1rm_kg"], second["volume_load_kg"]) == (
        None,
        None,
        0.0,
    )


def test_session_rpe_load_counts_runs_and_lifts_with_a_logged_rpe() -> None:
    rows = [
        Act(1, day(0, 0), km=10.0, moving_s=3600.0, rpe=6.0),  # 360
        Act(1, day(0, 0), km=10.0, moving_s=3600.0, rpe=8.0, id=9, canonical_id=1),  # a copy
        Act(1, day(0, 2), km=5.0, moving_s=1800.0, rpe=None),  # no RPE: not guessed
        Act(1, day(0, 3), km=20.0, sport="ride", moving_s=3600.0, rpe=5.0),  # not a run
    ]
    sessions = lift_sessions([Session(1, day(0, 4), 2700.0, 7.0), Session(1, day(0, 5), 1, None)])
    weeks = weekly_load(activities(rows), NO_SETS, sessions, through=day(0, 6))
    week = weeks.row(0, named=True)
    assert week["srpe_load"] == pytest.approx(360.0 + 315.0)
    mean = 675.0 / 7
    sd = ((360.0**2 + 315.0**2) / 7 - mean**2) ** 0.5
    assert week["monotony"] == pytest.approx(mean / sd)


def test_rows_after_through_are_ignored_and_the_last_week_holds_through() -> None:
    rows = [Act(1, day(0, 1)), Act(1, day(2, 3), km=5.0), Act(1, day(2, 4), km=7.0)]
    rows.append(Act(2, day(3, 0)))  # athlete 2 starts after `through`
    weeks = weeks_of(rows, through=day(2, 3))
    assert weeks["athlete_id"].to_list() == [1, 1, 1]
    assert weeks["distance_km"].to_list() == [10.0, 0.0, 5.0]


def test_athletes_each_start_at_their_own_first_week() -> None:
    rows = [Act(1, day(0, 3)), Act(2, day(2, 6))]
    sets = lift_sets([Set(3, day(1, 0), "back_squat", reps=5, weight_kg=60.0)])
    weeks = weekly_load(activities(rows), sets, NO_SESSIONS, through=day(3, 0))
    counts = weeks.group_by("athlete_id").len().sort("athlete_id")
    assert counts.rows() == [(1, 4), (2, 2), (3, 3)]


def daily_ewma_ratio(km_by_day: dict[date, float], first: date, at: date) -> float:
    """Independent oracle: the daily recurrence from 0, day by day (Williams 2017)."""
    acute = chronic = 0.0
    a7, a28 = 2 / 8, 2 / 29
    d = first
    while d <= at:
        x = km_by_day.get(d, 0.0)
        acute = a7 * x + (1 - a7) * acute
        chronic = a28 * x + (1 - a28) * chronic
        d += timedelta(days=1)
    return acute / chronic


def test_acwr_ewma_matches_a_daily_recurrence_at_each_sunday() -> None:
    km = {day(w, d): 5.0 + w + 2 * d for w in range(9) for d in (0, 2, 5) if (w, d) != (6, 5)}
    km[day(9, 1)] = 15.0
    rows = [Act(1, d, km=v) for d, v in km.items()]
    rows.append(Act(1, day(9, 5), km=30.0))  # after `through`: ignored
    # The week of `through` (a Wednesday) is taken at its Sunday too, its days to come as rest.
    weeks = weeks_of(rows, through=day(9, 2))
    assert weeks["acwr_ewma"].to_list()[:3] == [None, None, None]
    for w in range(3, 10):
        expected = daily_ewma_ratio(km, day(0), day(w, 6))
        assert weeks["acwr_ewma"][w] == pytest.approx(expected, rel=1e-9)


def test_a_chronic_base_needs_three_running_weeks_of_four_and_a_10_km_mean() -> None:
    def last_acwr(kms: list[float], **changes: float) -> float | None:
        rows = [Act(1, day(w, 2), km=km) for w, km in enumerate(kms) if km > 0]
        rows.insert(0, Act(1, day(0, 0), sport="walk", km=1.0))  # history starts in week 0
        params = LoadParams(**changes)  # type: ignore[arg-type]
        frame = weekly_load(activities(rows), NO_SETS, NO_SESSIONS, through=day(3, 6),
                            params=params)  # fmt: skip
        value: float | None = frame["acwr"][-1]
        return value

    assert last_acwr([12.0, 12.0, 0.0, 14.0]) is None  # 3 weeks of 4, but a 9.5 km mean
    assert last_acwr([12.0, 12.0, 0.0, 16.0]) == pytest.approx(1.6)  # 3 of 4, 10 km mean
    assert last_acwr([20.0, 0.0, 0.0, 20.0]) is None  # 10 km mean, but 2 weeks of 4
    # Both are parameters.
    assert last_acwr([20.0, 0.0, 0.0, 20.0], chronic_min_run_weeks=2) == pytest.approx(2.0)
    assert last_acwr([12.0, 12.0, 0.0, 14.0], chronic_min_avg4_km=5.0) == pytest.approx(14 / 9.5)

    rows = [Act(1, day(w, 2), km=km) for w, km in enumerate([30.0, 32.0, 34.0, 45.0])]
    params = LoadParams(big_week_acwr=1.1, chronic_weeks=2)
    week = weekly_load(activities(rows), NO_SETS, NO_SESSIONS, through=day(3, 6), params=params)
    assert week["avg4_km"].to_list() == [None, 31.0, 33.0, 39.5]
    assert week["acwr"].to_list() == pytest.approx([None, 32 / 31, 34 / 33, 45 / 39.5])
    assert week["big_week"].to_list() == [False, False, False, True]  # 1.139 > 1.1
