"""ISO weeks of local dates, and the spine of weeks every athlete gets a row for.

Grouping, joining and sorting on one Int64 key is several times faster in polars than on an
(athlete_id, date) pair, and the benchmark's 15 million activities feel it. So the pipeline
packs an athlete and a day, or an athlete and a week, into one key: the athlete id in the high
bits, the day or ISO-week number (offset to stay positive) in the low `SLOT_BITS`. Keys sort
by athlete, then time, and keys of two athletes are always more than 2^20 apart, so a window
of a few days over sorted keys never reaches into another athlete.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

SLOT_BITS = 21
_OFFSET = 1 << (SLOT_BITS - 1)  # day and week numbers may be negative (before 1970)
_EPOCH_TO_MONDAY = 3  # 1970-01-01 is a Thursday: day + 3 counts from the Monday before it


def day_number(column: str) -> pl.Expr:
    """Days since 1970-01-01 of a Date column (a local date: no time zone here)."""
    return pl.col(column).cast(pl.Int32).cast(pl.Int64)


def week_number(column: str) -> pl.Expr:
    """Number of the ISO week (Monday to Sunday) of a Date column, counted from 1969-12-29."""
    return (day_number(column) + _EPOCH_TO_MONDAY) // 7


def day_key(column: str) -> pl.Expr:
    """athlete_id and a day packed in one Int64 (see the module doc)."""
    return pl.col("athlete_id") * (1 << SLOT_BITS) + day_number(column) + _OFFSET


def week_key(column: str) -> pl.Expr:
    """athlete_id and the ISO week of a Date column packed in one Int64."""
    return pl.col("athlete_id") * (1 << SLOT_BITS) + week_number(column) + _OFFSET


def week_key_of_day_key(key: str) -> pl.Expr:
    """The packed week key of a packed day key (same athlete, the day's ISO week)."""
    slot = 1 << SLOT_BITS
    day = pl.col(key) % slot - _OFFSET
    return pl.col(key) // slot * slot + (day + _EPOCH_TO_MONDAY) // 7 + _OFFSET


def athlete_of(key: str) -> pl.Expr:
    return pl.col(key) // (1 << SLOT_BITS)


def monday_of_week_key(key: str) -> pl.Expr:
    """The Monday (a Date) of a packed week key."""
    week = pl.col(key) % (1 << SLOT_BITS) - _OFFSET
    return (week * 7 - _EPOCH_TO_MONDAY).cast(pl.Int32).cast(pl.Date)


def week_label(column: str) -> pl.Expr:
    """`2025-W40` for the ISO week of a Date column (ISO week-numbering year, not calendar)."""
    return pl.col(column).dt.strftime("%G-W%V")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def athlete_weeks(first_dates: pl.LazyFrame, through: date) -> pl.LazyFrame:
    """athlete_id, first_key, weeks, base: where each athlete's rows sit in the week spine.

    `first_dates`: athlete_id, first_date (the athlete's earliest dated row of any kind).
    The athlete has `weeks` rows, from the week key `first_key` through the week of `through`;
    the row of week key k is at position k + base of the spine. An athlete whose first date is
    after `through` has no rows. Sorted by athlete.
    """
    first_key = week_key("first_date")
    weeks = pl.lit(_week_of(through)) - week_number("first_date") + 1
    offset = pl.col("weeks").cum_sum() - pl.col("weeks")
    return (
        first_dates.filter(pl.col("first_date") <= through)
        .sort("athlete_id")
        .select("athlete_id", first_key.alias("first_key"), weeks.alias("weeks"))
        .with_columns(base=offset - pl.col("first_key"))
    )


def week_spine(athletes: pl.LazyFrame) -> pl.LazyFrame:
    """week_key, week_index: every week of every athlete of `athlete_weeks`, sorted by key.

    Weeks with nothing in them are rows too: zero weeks are history, and the chronic load needs
    them. `week_index` counts weeks from 0 at the athlete's first.
    """
    first, weeks = pl.col("first_key"), pl.col("weeks")
    return athletes.select(
        pl.int_ranges(first, first + weeks).alias("week_key"),
        pl.int_ranges(0, weeks).alias("week_index"),
    ).explode(["week_key", "week_index"])


def _week_of(day: date) -> int:
    return (day.toordinal() - date(1970, 1, 1).toordinal() + _EPOCH_TO_MONDAY) // 7


def align_to_spine(athletes: pl.DataFrame, weekly: pl.DataFrame) -> pl.DataFrame:
    """The columns of `weekly` (one row per week_key) placed on the rows of the spine of
    `athletes` (an `athlete_weeks` frame), null where a week has no row.

    The same as a left join of the spine with `weekly` on week_key, but the spine is dense, so
    each row's position is arithmetic (its key plus its athlete's base): one scatter of row
    numbers and one gather place every column, far cheaper than a hash join of two
    million-row frames, and the spine's order is kept.
    """
    size = int(athletes["weeks"].sum())
    base = athlete_of("week_key").replace_strict(athletes["athlete_id"], athletes["base"])
    positions = weekly.select(pl.col("week_key") + base).to_series()
    if weekly.height and not positions.is_between(0, size - 1).all():
        raise ValueError("a weekly row falls outside the spine of weeks")
    rows = pl.int_range(0, weekly.height, dtype=pl.UInt32, eager=True)
    row_of_week = pl.repeat(None, size, dtype=pl.UInt32, eager=True).scatter(positions, rows)
    return weekly.drop("week_key").select(pl.all().gather(row_of_week))
