"""The frames the load pipeline reads and writes.

Inputs are what the warehouse holds, one row per stored row; the pipeline does the rest.

`ACTIVITIES` - one row per stored activity, every source and every sport:
    id                    Int64    the warehouse row id
    canonical_id          Int64    id of the copy that counts when several sources hold the same
                                   activity; null or equal to `id` for a row that counts itself
    athlete_id            Int64
    local_date            Date     the athlete's wall-clock date where the activity started
    sport                 Utf8     run | ride | walk | swim | strength | other; only `run` is
                                   mileage (trail, treadmill and track runs are `run` too)
    distance_m            Float64  as the source reports it (null: unknown, counted as 0)
    corrected_distance_m  Float64  a coach's or athlete's correction; wins over `distance_m`
    moving_s              Float64
    rpe                   Float64  session RPE 1-10 when logged

"Duplicates count once" means exactly: a row counts when `canonical_id` is null or equals
`id`; a row pointing at another row is a copy and contributes nothing. The counting row's
distance is `corrected_distance_m` when set, else `distance_m` (the linker makes the preferred
source canonical and keeps corrections on that row).

`LIFT_SETS` - one row per set:
    athlete_id Int64, performed_on Date (local), exercise Utf8 (slug), reps Int64,
    weight_kg Float64 (external load; 0 for body weight; single-leg sets carry the total
    external load and per-leg reps), rir Int64 (null: not logged), warmup Boolean (null: working)
    A set's RPE is not read: the rules doc's Epley uses RIR, 0 when not logged.

`LIFT_SESSIONS` - one row per gym session, for session RPE:
    athlete_id Int64, performed_on Date (local), duration_s Float64, rpe Float64 (null: not logged)

`WEEKLY_LOAD` - the output, one row per athlete and ISO week (see pipeline.weekly_load).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from engine.load.errors import FrameSchemaError

ACTIVITIES: Mapping[str, pl.DataType] = {
    "id": pl.Int64(),
    "canonical_id": pl.Int64(),
    "athlete_id": pl.Int64(),
    "local_date": pl.Date(),
    "sport": pl.String(),
    "distance_m": pl.Float64(),
    "corrected_distance_m": pl.Float64(),
    "moving_s": pl.Float64(),
    "rpe": pl.Float64(),
}

LIFT_SETS: Mapping[str, pl.DataType] = {
    "athlete_id": pl.Int64(),
    "performed_on": pl.Date(),
    "exercise": pl.String(),
    "reps": pl.Int64(),
    "weight_kg": pl.Float64(),
    "rir": pl.Int64(),
    "warmup": pl.Boolean(),
}

LIFT_SESSIONS: Mapping[str, pl.DataType] = {
    "athlete_id": pl.Int64(),
    "performed_on": pl.Date(),
    "duration_s": pl.Float64(),
    "rpe": pl.Float64(),
}

WEEKLY_LOAD: Mapping[str, pl.DataType] = {
    "athlete_id": pl.Int64(),
    "week_start": pl.Date(),
    "week": pl.String(),
    "distance_km": pl.Float64(),
    "runs": pl.Int64(),
    "moving_s": pl.Float64(),
    "long_run_km": pl.Float64(),
    "avg4_km": pl.Float64(),
    "acwr": pl.Float64(),
    "acwr_ewma": pl.Float64(),
    "big_week": pl.Boolean(),
    "spike_runs": pl.Int64(),
    "monotony": pl.Float64(),
    "strain": pl.Float64(),
    "volume_load_kg": pl.Float64(),
    "squat_top_kg": pl.Float64(),
    "e1rm_kg": pl.Float64(),
    "srpe_load": pl.Float64(),
}
"""Column order and types of the result (and of the warehouse table `weekly_load`)."""

NOT_NULL: Mapping[str, frozenset[str]] = {
    "activities": frozenset({"id", "athlete_id", "local_date", "sport"}),
    "lift_sets": frozenset({"athlete_id", "performed_on", "exercise", "reps", "weight_kg"}),
    "lift_sessions": frozenset({"athlete_id", "performed_on"}),
}

FrameLike = pl.DataFrame | pl.LazyFrame
Schema = Mapping[str, pl.DataType]


def empty(schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A frame with no rows and the given schema (an athlete with no lifts, say)."""
    return pl.DataFrame(schema=dict(schema))


def conform(frame: FrameLike, schema: Mapping[str, pl.DataType], name: str) -> pl.LazyFrame:
    """Select the schema's columns in order, cast to its types; extra columns are dropped.

    Raises FrameSchemaError naming the frame and column when a column is missing or has a type
    that cannot be cast (a string where a date belongs, say). Null checks happen at collect time
    in `require_not_null`, since a lazy frame has no values yet.
    """
    present = frame.lazy().collect_schema()
    for column, dtype in schema.items():
        if column not in present:
            raise FrameSchemaError(name, column, "missing")
        if not _castable(present[column], dtype):
            raise FrameSchemaError(name, column, f"is {present[column]}, expected {dtype}")
    return frame.lazy().select(pl.col(c).cast(t) for c, t in schema.items())


def require_not_null(frame: pl.DataFrame, name: str) -> None:
    """Fail loudly on nulls in key columns rather than dropping rows silently."""
    for column in sorted(NOT_NULL.get(name, frozenset())):
        if column in frame.columns and frame[column].null_count():
            raise FrameSchemaError(name, column, "has nulls")


def _castable(source: pl.DataType, target: pl.DataType) -> bool:
    if source == target or source == pl.Null():
        return True
    if target.is_numeric():
        return source.is_numeric() or source == pl.Boolean()
    if target == pl.Boolean():
        return source == pl.Boolean()
    if target == pl.Date():
        # Not Datetime: truncating a timestamp to a date is how runs land in the UTC day.
        return source == pl.Date()
    if target == pl.String():
        return source in (pl.String(), pl.Categorical()) or isinstance(source, pl.Enum)
    return False
