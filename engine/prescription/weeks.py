"""ISO weeks (Monday to Sunday) as `YYYY-Www` strings, the unit every plan is keyed by."""

from __future__ import annotations

import re
from datetime import date, timedelta

from engine.errors import WeekError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str) -> tuple[int, int]:
    """`"2025-W41"` -> `(2025, 41)`; raises WeekError for anything else (incl. W53 in a
    52-week year)."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise WeekError(text)
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekError(text, f"{year} has no ISO week {week}; use 01 to 52 (or 53)") from None
    return year, week


def week_of(day: date) -> str:
    """The ISO week a date falls in: 2025-10-08 -> `"2025-W41"`."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_monday(week: str) -> date:
    year, number = parse_week(week)
    return date.fromisocalendar(year, number, 1)


def day_in_week(week: str, weekday: int) -> date:
    """The date of `weekday` (0 = Monday ... 6 = Sunday, like `date.weekday()`) in `week`."""
    if not 0 <= weekday <= 6:
        raise WeekError(week, f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
    return week_monday(week) + timedelta(days=weekday)


def shift_week(week: str, weeks: int) -> str:
    """The week `weeks` weeks after (negative: before) `week`."""
    return week_of(week_monday(week) + timedelta(weeks=weeks))


def next_week(today: date) -> str:
    """The ISO week after the one `today` falls in (the CLI's default plan week)."""
    return week_of(today + timedelta(days=7))
