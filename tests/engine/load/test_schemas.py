"""Input frames are checked: a wrong frame fails loudly, naming the frame and the column."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from engine.load import WEEKLY_LOAD, FrameSchemaError, weekly_load
from tests.engine.load.builders import NO_ACTIVITIES, NO_SESSIONS, NO_SETS, Act, activities, day


def test_a_missing_column_is_named() -> None:
    frame = activities([Act(1, day(0))]).drop("canonical_id")
    with pytest.raises(FrameSchemaError, match=r"activities\.canonical_id: missing"):
        weekly_load(frame, NO_SETS, NO_SESSIONS, through=day(0, 6))


def test_a_timestamp_is_not_accepted_as_a_local_date() -> None:
    # Truncating a UTC timestamp is exactly the bucketing bug the local date exists to avoid.
    frame = activities([Act(1, day(0))]).with_columns(
        local_date=pl.lit(datetime(2025, 9, 1, 23, 30))
    )
    with pytest.raises(FrameSchemaError, match=r"activities\.local_date: is Datetime"):
        weekly_load(frame, NO_SETS, NO_SESSIONS, through=day(0, 6))


def test_nulls_in_key_columns_are_refused() -> None:
    frame = activities([Act(1, day(0))]).with_columns(athlete_id=pl.lit(None, pl.Int64))
    with pytest.raises(FrameSchemaError, match=r"activities\.athlete_id: has nulls"):
        weekly_load(frame, NO_SETS, NO_SESSIONS, through=day(0, 6))


def test_extra_columns_and_castable_types_are_accepted() -> None:
    frame = activities([Act(1, day(0), km=5.0)]).with_columns(
        athlete_id=pl.col("athlete_id").cast(pl.Int32), source=pl.lit("garmin")
    )
    weeks = weekly_load(frame, NO_SETS, NO_SESSIONS, through=day(0, 6))
    assert weeks["distance_km"].to_list() == [5.0]


def test_no_rows_at_all_give_an_empty_table_of_the_right_shape() -> None:
    weeks = weekly_load(NO_ACTIVITIES, NO_SETS, NO_SESSIONS, through=day(0, 6))
    assert weeks.is_empty()
    assert weeks.schema == pl.Schema(WEEKLY_LOAD)
