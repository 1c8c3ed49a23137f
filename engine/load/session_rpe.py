"""Session RPE load (Foster 2001) and its weekly monotony and strain (Foster 1998)."""

from __future__ import annotations

import polars as pl

from engine.load.calendar import day_key, week_key_of_day_key

DAYS_PER_WEEK = 7

# Relative variance below which the 7 daily loads are taken as constant: monotony is then
# undefined (mean / 0), and float rounding must not turn that into a huge number.
_CONSTANT_LOAD_REL_VAR = 1e-9


def session_loads(runs: pl.LazyFrame, lift_sessions: pl.LazyFrame) -> pl.LazyFrame:
    """athlete_id, local_date, srpe: RPE x minutes for each counted run and gym session with a
    logged RPE (sessions without one are not guessed)."""
    run_loads = runs.filter(pl.col("rpe").is_not_null()).select(
        "athlete_id", "local_date", srpe=pl.col("rpe") * pl.col("moving_s") / 60.0
    )
    lift_loads = lift_sessions.filter(
        pl.col("rpe").is_not_null() & pl.col("duration_s").is_not_null()
    ).select(
        "athlete_id",
        pl.col("performed_on").alias("local_date"),
        srpe=pl.col("rpe") * pl.col("duration_s") / 60.0,
    )
    return pl.concat([run_loads, lift_loads])


def weekly_session_load(sessions: pl.LazyFrame) -> pl.LazyFrame:
    """week_key, srpe_load, monotony, strain.

    Monotony is the mean of the week's 7 daily loads (days without a session are 0) over their
    population standard deviation; strain is the weekly load times monotony. Both are null when
    the daily loads do not vary (no load at all, or the same load every day).
    """
    daily = sessions.group_by(day_key("local_date").alias("day_key")).agg(load=pl.col("srpe").sum())
    weekly = daily.group_by(week_key_of_day_key("day_key").alias("week_key")).agg(
        srpe_load=pl.col("load").sum(), _load_sq=(pl.col("load") ** 2).sum()
    )
    mean = pl.col("srpe_load") / DAYS_PER_WEEK
    variance = pl.col("_load_sq") / DAYS_PER_WEEK - mean**2
    monotony = (
        pl.when(variance > _CONSTANT_LOAD_REL_VAR * mean**2)
        .then(mean / variance.sqrt())
        .otherwise(None)
    )
    return (
        weekly.with_columns(monotony=monotony)
        .with_columns(strain=pl.col("srpe_load") * pl.col("monotony"))
        .drop("_load_sq")
    )
