"""The weekly load table: one row per athlete and ISO week of the local date.

Composition of the pure transforms of this package. Nothing here reads a clock, a file or a
database: the warehouse hands frames in and stores the frame that comes out.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl

from engine.load import schemas
from engine.load.calendar import (
    align_to_spine,
    athlete_of,
    athlete_weeks,
    monday_of_week_key,
    week_label,
    week_spine,
)
from engine.load.errors import FrameSchemaError
from engine.load.params import LoadParams
from engine.load.ratios import add_coupled_acwr, add_ewma_acwr
from engine.load.running import counted_runs, flag_spike_runs, weekly_running
from engine.load.schemas import FrameLike
from engine.load.session_rpe import session_loads, weekly_session_load
from engine.load.strength import weekly_strength, working_sets

# What a week with nothing in it holds: sums are 0; maxima and ratios stay null.
_ZERO_WEEK = {
    "distance_km": 0.0,
    "runs": 0,
    "moving_s": 0.0,
    "long_run_km": 0.0,
    "spike_runs": 0,
    "volume_load_kg": 0.0,
    "srpe_load": 0.0,
    "_ewma_acute_in": 0.0,
    "_ewma_chronic_in": 0.0,
}


def weekly_load(
    activities: FrameLike,
    lift_sets: FrameLike,
    lift_sessions: FrameLike,
    *,
    through: date,
    params: LoadParams | None = None,
) -> pl.DataFrame:
    """One row per athlete and ISO week, from the athlete's first week through `through`'s.

    Inputs follow `schemas.ACTIVITIES`, `schemas.LIFT_SETS`, `schemas.LIFT_SESSIONS` (extra
    columns are ignored; `athlete_id` must be >= 0). Rows dated after `through` are ignored, so
    the result is what was known on that date. Columns and types: `schemas.WEEKLY_LOAD`, sorted
    by athlete then week. Athletes are independent: the rows of a subset of athletes equal the
    full result's rows for them, which is what lets the warehouse recompute only the athletes
    whose data changed.
    """
    params = params or LoadParams()
    acts, sets, sessions = (
        _checked(frame, schema, name, day, through)
        for frame, schema, name, day in (
            (activities, schemas.ACTIVITIES, "activities", "local_date"),
            (lift_sets, schemas.LIFT_SETS, "lift_sets", "performed_on"),
            (lift_sessions, schemas.LIFT_SESSIONS, "lift_sessions", "performed_on"),
        )
    )
    # The spike lookback is a sequential pass on one core; the lifts and the calendar do not
    # need the runs, so they are computed on the other cores meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        side = pool.submit(_calendar_and_strength, acts, sets, sessions, through, params)
        runs = flag_spike_runs(acts.pipe(counted_runs).collect(), params).lazy()
        athletes, spine, strength = side.result()
    running, session_load = pl.collect_all(
        [
            runs.pipe(weekly_running, params),
            session_loads(runs, sessions).pipe(weekly_session_load),
        ]
    )
    weeks = pl.concat(
        [spine, strength, *(align_to_spine(athletes, f) for f in (running, session_load))],
        how="horizontal",
    )
    return (
        weeks.lazy()
        .pipe(fill_zero_weeks)
        .with_columns(athlete_id=athlete_of("week_key"), week_start=monday_of_week_key("week_key"))
        .pipe(add_coupled_acwr, params)
        .pipe(add_ewma_acwr, params)
        .with_columns(week=week_label("week_start"))
        .select(pl.col(c).cast(t) for c, t in schemas.WEEKLY_LOAD.items())
        .collect()
    )


def _calendar_and_strength(
    acts: pl.LazyFrame,
    sets: pl.LazyFrame,
    sessions: pl.LazyFrame,
    through: date,
    params: LoadParams,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The athletes' weeks, the spine, and the strength columns placed on it."""
    athletes, strength = pl.collect_all(
        [
            athlete_weeks(first_dates(acts, sets, sessions), through),
            sets.pipe(working_sets).pipe(weekly_strength, params),
        ]
    )
    spine = week_spine(athletes.lazy()).collect()
    return athletes, spine, align_to_spine(athletes, strength)


def first_dates(
    activities: pl.LazyFrame, lift_sets: pl.LazyFrame, lift_sessions: pl.LazyFrame
) -> pl.LazyFrame:
    """athlete_id, first_date: the earliest date of any activity (any sport) or lift.

    History starts with the first thing recorded: weeks of riding only are weeks of 0 km.
    """
    dated = [
        activities.select("athlete_id", first_date="local_date"),
        lift_sets.select("athlete_id", first_date="performed_on"),
        lift_sessions.select("athlete_id", first_date="performed_on"),
    ]
    return (
        pl.concat([frame.group_by("athlete_id").agg(pl.col("first_date").min()) for frame in dated])
        .group_by("athlete_id")
        .agg(pl.col("first_date").min())
    )


def fill_zero_weeks(weeks: pl.LazyFrame) -> pl.LazyFrame:
    """Weeks the left joins found nothing for become zeros (maxima and ratios stay null)."""
    return weeks.with_columns(pl.col(c).fill_null(v) for c, v in _ZERO_WEEK.items())


def _checked(
    frame: FrameLike, schema: schemas.Schema, name: str, day: str, through: date
) -> pl.LazyFrame:
    collected = schemas.conform(frame, schema, name).filter(pl.col(day) <= through).collect()
    schemas.require_not_null(collected, name)
    if collected.height and collected["athlete_id"].min() < 0:  # type: ignore[operator]
        raise FrameSchemaError(name, "athlete_id", "must not be negative")
    return collected.lazy()
