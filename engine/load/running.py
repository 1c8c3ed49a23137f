"""Running: which activities are mileage, spike runs, and the weekly running sums."""

from __future__ import annotations

import math

import polars as pl

from engine.load.calendar import day_key, week_key
from engine.load.params import LoadParams


def counted_runs(activities: pl.LazyFrame) -> pl.LazyFrame:
    """One row per run that counts: athlete_id, local_date, km, moving_s, rpe.

    Only `sport == "run"` is mileage. A copy linked to another row (`canonical_id` set and not
    its own id) is dropped, so a run that arrived from Garmin and Strava counts once; the
    counting row's corrected distance wins over the source's. An unknown distance counts 0 km.
    """
    counts_itself = pl.col("canonical_id").is_null() | (pl.col("canonical_id") == pl.col("id"))
    return activities.filter((pl.col("sport") == "run") & counts_itself).select(
        "athlete_id",
        "local_date",
        (pl.coalesce("corrected_distance_m", "distance_m").fill_null(0.0) / 1000.0).alias("km"),
        pl.col("moving_s").fill_null(0.0),
        "rpe",
    )


def sorted_by_day(runs: pl.DataFrame) -> pl.DataFrame:
    """The runs with a `day_key` column, sorted by it (athlete, then date).

    The warehouse hands rows over in that order already; checking is far cheaper than sorting
    again, and polars cannot know it without the check.
    """
    keyed = runs.with_columns(day_key=day_key("local_date"))
    if keyed["day_key"].is_sorted():
        return keyed.with_columns(pl.col("day_key").set_sorted())
    return keyed.sort("day_key")


def flag_spike_runs(runs: pl.DataFrame, params: LoadParams) -> pl.DataFrame:
    """Add `spike`: longer than (1 + margin) x the longest run of the previous N days.

    The lookback is the N calendar days before the run's date (that date excluded, since runs
    of one day have no order here). With no run in the lookback there is no reference, and the
    run is not a spike: the signal is a jump over recent runs (Frandsen 2025). Returns the runs
    sorted by athlete and date, with their `day_key`.
    """
    longest_before = pl.col("km").rolling_max_by(
        "day_key", f"{params.spike_lookback_days}i", closed="left"
    )
    spike = pl.col("km") > longest_before * (1.0 + params.spike_margin)
    return sorted_by_day(runs).with_columns(spike=spike.fill_null(False))


def ewma_week_input(alpha: float) -> pl.Expr:
    """Per-run weight so that the weekly sum is one week's EWMA increment at its Sunday.

    A daily EWMA E_d = a x_d + (1 - a) E_(d-1) over one week adds, at Sunday,
    sum over days of a (1 - a)^(6 - weekday) x_d to (1 - a)^7 times last Sunday's value.
    Summing this per run gives that increment without building a daily calendar.
    """
    days_to_sunday = 7 - pl.col("local_date").dt.weekday()  # weekday: Monday 1 .. Sunday 7
    decay = (days_to_sunday.cast(pl.Float64) * math.log(1.0 - alpha)).exp()  # faster than pow
    return pl.col("km") * alpha * decay


def weekly_running(runs: pl.LazyFrame, params: LoadParams) -> pl.LazyFrame:
    """week_key, distance_km, runs, moving_s, long_run_km, spike_runs, and the EWMA increments
    (`_ewma_acute_in`, `_ewma_chronic_in`) that `ratios.add_ewma_acwr` consumes."""
    return runs.group_by(week_key("local_date").alias("week_key")).agg(
        distance_km=pl.col("km").sum(),
        runs=pl.len().cast(pl.Int64),
        moving_s=pl.col("moving_s").sum(),
        long_run_km=pl.col("km").max(),
        spike_runs=pl.col("spike").sum().cast(pl.Int64),
        _ewma_acute_in=ewma_week_input(params.ewma_acute_alpha).sum(),
        _ewma_chronic_in=ewma_week_input(params.ewma_chronic_alpha).sum(),
    )
