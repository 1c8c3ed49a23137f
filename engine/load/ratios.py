"""Acute:chronic workload ratios over the weekly spine: coupled (4-week) and EWMA."""

from __future__ import annotations

from datetime import date

import polars as pl

from engine.load.calendar import monday_of
from engine.load.params import LoadParams

# A chronic EWMA below this (km per day) is a decayed zero, not a load to divide by.
_EWMA_FLOOR_KM = 1e-9


def add_coupled_acwr(weeks: pl.LazyFrame, params: LoadParams) -> pl.LazyFrame:
    """Add avg4_km (mean km of the N weeks ending with this one), acwr and big_week.

    Needs `weeks` sorted by athlete then week with no week missing (the spine guarantees it),
    so a plain rolling window over rows never reaches into another athlete once it is full.
    Both are null for the first N - 1 weeks of an athlete's history; acwr is also null when
    avg4_km is 0. big_week is false when acwr is null.
    """
    n = params.chronic_weeks
    enough_history = pl.col("week_index") >= n - 1
    # A sum of shifted columns, not rolling_mean: a running sum leaves 1e-15 where four zero
    # weeks follow a big one, and acwr must be null there, not 0 / 1e-15.
    window = pl.sum_horizontal(pl.col("distance_km").shift(i) for i in range(n)) / n
    avg = pl.when(enough_history).then(window)
    acwr = pl.when(pl.col("avg4_km") > 0).then(pl.col("distance_km") / pl.col("avg4_km"))
    return (
        weeks.with_columns(avg4_km=avg)
        .with_columns(acwr=acwr)
        .with_columns(big_week=(pl.col("acwr") > params.big_week_acwr).fill_null(False))
    )


def _ewma_at(column: str, alpha: float, through: date) -> pl.Expr:
    """Daily-km EWMA at the end of each week (at `through` for the week holding it).

    E_w = b E_(w-1) + S_w with b = (1 - a)^7 and S_w the week's increment, starting from 0
    before the athlete's first week. polars' adjusted EWMA of S divides exactly that sum by
    sum(b^i, i = 0..w) = (1 - b^(w+1)) / (1 - b), so multiplying back gives E_w. The week of
    `through` is cut short: nothing after `through` is in it, so its value at `through` is its
    Sunday value undone by the days still to come.
    """
    decay = (1.0 - alpha) ** 7
    adjusted = pl.col(column).ewm_mean(alpha=1.0 - decay, adjust=True).over("athlete_id")
    weights = (1.0 - pl.lit(decay).pow(pl.col("week_index") + 1)) / (1.0 - decay)
    days_left = 6 - through.weekday()
    at_through = pl.when(pl.col("week_start") == monday_of(through)).then(
        pl.lit((1.0 - alpha) ** -days_left)
    )
    return adjusted * weights * at_through.otherwise(1.0)


def add_ewma_acwr(weeks: pl.LazyFrame, params: LoadParams, through: date) -> pl.LazyFrame:
    """Add acwr_ewma: acute (7-day) over chronic (28-day) EWMA of daily km (Williams 2017).

    Null for the first chronic_weeks - 1 weeks, like the coupled ratio, and when the chronic
    EWMA is 0. Drops the helper columns it consumes.
    """
    acute = _ewma_at("_ewma_acute_in", params.ewma_acute_alpha, through)
    chronic = _ewma_at("_ewma_chronic_in", params.ewma_chronic_alpha, through)
    enough_history = pl.col("week_index") >= params.chronic_weeks - 1
    return (
        weeks.with_columns(_acute=acute, _chronic=chronic)
        .with_columns(
            acwr_ewma=pl.when(enough_history & (pl.col("_chronic") > _EWMA_FLOOR_KM)).then(
                pl.col("_acute") / pl.col("_chronic")
            )
        )
        .drop("_acute", "_chronic", "_ewma_acute_in", "_ewma_chronic_in")
    )
