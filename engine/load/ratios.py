"""Acute:chronic workload ratios over the weekly spine: coupled (4-week) and EWMA."""

from __future__ import annotations

import math

import polars as pl

from engine.load.params import LoadParams

# A chronic EWMA below this (km per day) is a decayed zero, not a load to divide by.
_EWMA_FLOOR_KM = 1e-9


def add_coupled_acwr(weeks: pl.LazyFrame, params: LoadParams) -> pl.LazyFrame:
    """Add avg4_km (mean km of the N weeks ending with this one), acwr and big_week.

    Needs `weeks` sorted by athlete then week with no week missing (the spine guarantees it),
    so a plain rolling window over rows never reaches into another athlete once it is full.
    Both are null for the first N - 1 weeks of an athlete's history. acwr also needs a chronic
    base (`chronic_base`, kept for the EWMA ratio): running in at least
    `chronic_min_run_weeks` of the N weeks and avg4_km >= `chronic_min_avg4_km` (> 0), else
    it is null. big_week is false when acwr is null.
    """
    n = params.chronic_weeks
    enough_history = pl.col("week_index") >= n - 1
    # A sum of shifted columns, not rolling_mean: a running sum leaves 1e-15 where four zero
    # weeks follow a big one, and acwr must be null there, not 0 / 1e-15.
    window = pl.sum_horizontal(pl.col("distance_km").shift(i) for i in range(n)) / n
    run_weeks = pl.sum_horizontal((pl.col("runs").shift(i) > 0).cast(pl.Int32) for i in range(n))
    avg = pl.when(enough_history).then(window)
    base = (
        enough_history
        & (run_weeks >= min(params.chronic_min_run_weeks, n))
        & (pl.col("avg4_km") >= params.chronic_min_avg4_km)
        & (pl.col("avg4_km") > 0)
    ).fill_null(False)
    acwr = pl.when(pl.col("chronic_base")).then(pl.col("distance_km") / pl.col("avg4_km"))
    return (
        weeks.with_columns(avg4_km=avg)
        .with_columns(chronic_base=base)
        .with_columns(acwr=acwr)
        .with_columns(big_week=(pl.col("acwr") > params.big_week_acwr).fill_null(False))
    )


def _ewma_at_week_end(column: str, alpha: float) -> pl.Expr:
    """Daily-km EWMA at the Sunday of each week, from 0 before the athlete's first week.

    Weekly, the daily recurrence is E_w = b E_(w-1) + S_w with b = (1 - a)^7 and S_w the
    week's increment (running.ewma_week_input). One sequential EWMA over all rows, athletes
    one after another, gives G_w = b G_(w-1) + S_w; an athlete's own E is G less what the
    athletes before left, decayed: E_w = G_w - b^(i+1) G_before, i the athlete's week index.
    That is one pass instead of a window per athlete.
    """
    decay = (1.0 - alpha) ** 7
    carried = (pl.col(column) / (1.0 - decay)).ewm_mean(alpha=1.0 - decay, adjust=False)
    # Before the very first row, G is what makes G_0 = b G_before + S_0 hold: G_0 itself.
    before = carried.shift(1, fill_value=carried.first())
    left_over = pl.when(pl.col("week_index") == 0).then(before).forward_fill()
    decayed = ((pl.col("week_index") + 1).cast(pl.Float64) * math.log(decay)).exp()  # decay^(i+1)
    return carried - decayed * left_over


def add_ewma_acwr(weeks: pl.LazyFrame, params: LoadParams) -> pl.LazyFrame:
    """Add acwr_ewma: acute (7-day) over chronic (28-day) EWMA of daily km (Williams 2017),
    taken at the week's Sunday.

    The current week counts the days still to come as rest, as the coupled ratio counts its
    km so far; so a stored week does not go stale as its days pass without a run. Null for the
    first chronic_weeks - 1 weeks, like the coupled ratio, without a chronic base (the coupled
    ratio's `chronic_base`), and when the chronic EWMA is 0. Drops the helper columns it
    consumes.
    """
    acute = _ewma_at_week_end("_ewma_acute_in", params.ewma_acute_alpha)
    chronic = _ewma_at_week_end("_ewma_chronic_in", params.ewma_chronic_alpha)
    enough_history = pl.col("week_index") >= params.chronic_weeks - 1
    return (
        weeks.with_columns(_acute=acute, _chronic=chronic)
        .with_columns(
            acwr_ewma=pl.when(
                enough_history & pl.col("chronic_base") & (pl.col("_chronic") > _EWMA_FLOOR_KM)
            ).then(pl.col("_acute") / pl.col("_chronic"))
        )
        .drop("_acute", "_chronic", "_ewma_acute_in", "_ewma_chronic_in", "chronic_base")
    )
