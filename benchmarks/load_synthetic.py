"""Synthetic warehouse-shaped frames for the weekly-load benchmark (seeded, reproducible).

Shapes follow engine.load.schemas. Realistic mixes rather than uniform noise, so every branch
of the pipeline has work: several sports, copies linked across sources, corrections, RPE on a
share of sessions, warm-up sets, single-leg and squat variants, athletes who start late and
athletes with breaks of several weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

SPORTS = np.array(["run", "ride", "walk", "swim", "strength", "other"])
SPORT_SHARE = np.array([0.78, 0.08, 0.07, 0.03, 0.03, 0.01])
MEAN_KM = np.array([8.0, 30.0, 5.0, 2.0, 0.0, 3.0])
SPEED_M_S = np.array([3.0, 7.0, 1.4, 0.8, 1.0, 2.0])
EXERCISES = np.array(
    [
        "back_squat",
        "front_squat",
        "bulgarian_split_squat",
        "deadlift",
        "romanian_deadlift",
        "single_leg_rdl",
        "step_up",
        "calf_raise",
        "bench_press",
        "pull_up",
    ]
)
COPY_SHARE = 0.08  # activities that arrived from a second source and are linked
CORRECTED_SHARE = 0.005
RPE_SHARE = 0.3
SESSIONS_PER_WEEK = 1.07
SETS_PER_SESSION = 4  # one warm-up and three working sets


@dataclass(frozen=True)
class Synthetic:
    activities: pl.DataFrame
    lift_sets: pl.DataFrame
    lift_sessions: pl.DataFrame
    through: date


def generate(
    athletes: int = 10_000, years: int = 5, activities_per_day: float = 0.92, seed: int = 7
) -> Synthetic:
    rng = np.random.default_rng(seed)
    through = date(2025, 12, 28)
    epoch = through - timedelta(days=int(365.25 * years))
    days = (through - epoch).days + 1
    # Athletes join over the first year; a fifth of them take one break of 3 to 8 weeks.
    first_day = rng.integers(0, 365, athletes)
    span = days - first_day
    originals = activities_per_day * (1 - COPY_SHARE) * span
    counts = rng.poisson(originals).astype(np.int64)
    athlete = np.repeat(np.arange(1, athletes + 1, dtype=np.int64), counts)
    day = np.repeat(first_day, counts) + (rng.random(counts.sum()) * np.repeat(span, counts))
    day = day.astype(np.int64)
    breaks = rng.random(athletes) < 0.2
    break_start = first_day + rng.integers(0, np.maximum(span - 60, 1))
    break_len = rng.integers(21, 57, athletes)
    on_break = (
        np.repeat(breaks, counts)
        & (day >= np.repeat(break_start, counts))
        & (day < np.repeat(break_start + break_len, counts))
    )
    athlete, day = athlete[~on_break], day[~on_break]
    order = np.lexsort((day, athlete))
    athlete, day = athlete[order], day[order]
    n = athlete.size

    sport_ix = rng.choice(SPORTS.size, n, p=SPORT_SHARE)
    km = rng.lognormal(np.log(np.maximum(MEAN_KM[sport_ix], 0.1)), 0.45) * (MEAN_KM[sport_ix] > 0)
    distance_m = np.round(km * 1000.0, 1)
    moving_s = np.round(
        np.maximum(distance_m, 1800.0 * (MEAN_KM[sport_ix] == 0)) / SPEED_M_S[sport_ix], 1
    )
    ids = np.arange(1, n + 1, dtype=np.int64)
    self_link = rng.random(n) < 0.5  # half the single copies say canonical_id = id, half null
    canonical = np.where(self_link, ids, 0)
    corrected = np.where(rng.random(n) < CORRECTED_SHARE, np.round(distance_m * 1.03, 1), np.nan)
    rpe = np.where(rng.random(n) < RPE_SHARE, rng.integers(2, 10, n).astype(np.float64), np.nan)

    copies = np.flatnonzero(rng.random(n) < COPY_SHARE / (1 - COPY_SHARE))
    copy_ids = np.arange(n + 1, n + 1 + copies.size, dtype=np.int64)
    canonical[copies] = ids[copies]  # the original of a linked pair points at itself

    def column(values: np.ndarray, copy_values: np.ndarray) -> np.ndarray:
        return np.concatenate([values, copy_values])

    activities = pl.DataFrame(
        {
            "id": column(ids, copy_ids),
            "canonical_id": pl.Series(column(canonical, ids[copies])).replace(0, None),
            "athlete_id": column(athlete, athlete[copies]),
            "local_date": pl.Series(column(day, day[copies]) + _days(epoch)).cast(pl.Date),
            "sport": column(SPORTS[sport_ix], SPORTS[sport_ix[copies]]),
            "distance_m": column(distance_m, np.round(distance_m[copies] * 0.99, 1)),
            "corrected_distance_m": pl.Series(column(corrected, np.full(copies.size, np.nan))),
            "moving_s": column(moving_s, moving_s[copies]),
            "rpe": pl.Series(column(rpe, np.full(copies.size, np.nan))),
        }
    ).with_columns(pl.col("corrected_distance_m", "rpe").fill_nan(None))
    activities = activities.sort("athlete_id", "local_date", "id")

    sessions, sets = _lifts(rng, athletes, first_day, span, epoch)
    return Synthetic(activities, sets, sessions, through)


def _lifts(
    rng: np.random.Generator,
    athletes: int,
    first_day: np.ndarray,
    span: np.ndarray,
    epoch: date,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    counts = rng.poisson(SESSIONS_PER_WEEK * span / 7.0).astype(np.int64)
    athlete = np.repeat(np.arange(1, athletes + 1, dtype=np.int64), counts)
    day = np.repeat(first_day, counts) + rng.random(counts.sum()) * np.repeat(span, counts)
    day = np.sort(day.astype(np.int64) + athlete * 100_000) - athlete * 100_000
    n = athlete.size
    performed_on = pl.Series(day + _days(epoch)).cast(pl.Date)
    duration = np.round(rng.normal(2700, 600, n).clip(900), 0)
    rpe = np.where(rng.random(n) < 0.5, rng.integers(4, 10, n).astype(np.float64), np.nan)
    sessions = pl.DataFrame(
        {
            "athlete_id": athlete,
            "performed_on": performed_on,
            "duration_s": duration,
            "rpe": pl.Series(rpe).fill_nan(None),
        }
    )
    set_session = np.repeat(np.arange(n), SETS_PER_SESSION)
    set_in_session = np.tile(np.arange(SETS_PER_SESSION), n)
    exercise = rng.integers(0, EXERCISES.size, n)[set_session]
    working_kg = np.round(rng.normal(70, 20, n).clip(20, 160) / 2.5) * 2.5
    warmup = set_in_session == 0
    weight = np.where(
        warmup, np.round(working_kg[set_session] * 0.2) * 2.5, working_kg[set_session]
    )
    reps = rng.integers(3, 11, n * SETS_PER_SESSION)
    rir = rng.integers(0, 5, n * SETS_PER_SESSION).astype(np.float64)
    rir[rng.random(rir.size) < 0.3] = np.nan
    lift_sets = pl.DataFrame(
        {
            "athlete_id": athlete[set_session],
            "performed_on": performed_on.gather(set_session),
            "exercise": EXERCISES[exercise],
            "reps": reps.astype(np.int64),
            "weight_kg": weight,
            "rir": pl.Series(rir).fill_nan(None).cast(pl.Int64),
            "warmup": warmup,
        }
    )
    return sessions, lift_sets


def _days(epoch: date) -> int:
    return (epoch - date(1970, 1, 1)).days
