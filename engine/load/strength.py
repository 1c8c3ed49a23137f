"""Strength: volume load, the week's top squat and its estimated one-rep max."""

from __future__ import annotations

import polars as pl

from engine.load.calendar import week_key
from engine.load.params import LoadParams


def working_sets(lift_sets: pl.LazyFrame) -> pl.LazyFrame:
    """Sets that count: not a warm-up (null means working) and at least one rep."""
    return lift_sets.filter(~pl.col("warmup").fill_null(False) & (pl.col("reps") >= 1))


def is_single_leg(exercise: pl.Expr, params: LoadParams) -> pl.Expr:
    return exercise.is_in(sorted(params.single_leg_exercises)) | exercise.str.starts_with(
        params.single_leg_prefix
    )


def is_squat(exercise: pl.Expr, params: LoadParams) -> pl.Expr:
    return exercise.str.contains(params.squat_marker, literal=True)


def volume_kg(single_leg: pl.Expr) -> pl.Expr:
    """reps x kg; a single-leg set's reps are per leg, so both legs count (x 2)."""
    legs = pl.when(single_leg).then(2).otherwise(1)
    return pl.col("reps") * pl.col("weight_kg") * legs


def epley_kg(params: LoadParams) -> pl.Expr:
    """kg x (1 + (reps + RIR) / 30), RIR 0 when not logged; null past the trusted rep range."""
    reps_to_failure = pl.col("reps") + pl.col("rir").fill_null(0)
    return (
        pl.when(reps_to_failure <= params.e1rm_max_reps)
        .then(pl.col("weight_kg") * (1.0 + reps_to_failure / 30.0))
        .otherwise(None)
    )


def weekly_strength(sets: pl.LazyFrame, params: LoadParams) -> pl.LazyFrame:
    """week_key, volume_load_kg (every exercise), squat_top_kg and e1rm_kg (the best Epley
    estimate among squat-variant sets; both null in a week without squats)."""
    squat = is_squat(pl.col("exercise"), params)
    single_leg = is_single_leg(pl.col("exercise"), params)
    return sets.group_by(week_key("performed_on").alias("week_key")).agg(
        volume_load_kg=volume_kg(single_leg).sum().cast(pl.Float64),
        squat_top_kg=pl.col("weight_kg").filter(squat).max(),
        e1rm_kg=epley_kg(params).filter(squat).max(),
    )
