"""Where a FIT file's times really are: its UTC clock, and its local clock.

Two things real watches do that the FIT profile allows:

- A watch whose clock was never set (no GPS fix, never paired) writes device-relative times:
  seconds since it was switched on, below 0x10000000 (the SDK turns them into dates in 1990).
  The real time is then taken from a value that is absolute: `activity.local_timestamp` (the
  local wall clock at `activity.timestamp`) or `file_id.time_created` (the file's creation, the
  start of the recording). Without either the file cannot be placed in a week and is refused.
- The local clock, `activity.local_timestamp`, belongs to `activity.timestamp` by the profile,
  which is the end of the activity on Garmin watches; some other makers write the start there,
  or a local time of the start next to a UTC time of the end. A time zone's offset is a whole
  number of quarter hours, so the moment the local clock belongs to is the one (end, start)
  that gives such an offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from garmin_fit_sdk.util import FIT_EPOCH_S

from connectors.files.parsed import UndatedFile

RELATIVE_LIMIT_S = 0x10000000
"""FIT date_time values below this are seconds from the device's power-on, not from 1989."""
FIT_EPOCH = datetime.fromtimestamp(FIT_EPOCH_S, UTC)
RELATIVE_BEFORE = FIT_EPOCH + timedelta(seconds=RELATIVE_LIMIT_S)
# A local clock further than this from UTC is a broken field, not a time zone (UTC-12..UTC+14).
MAX_UTC_OFFSET = timedelta(hours=14)
_QUARTER_HOUR = timedelta(minutes=15)
# How far a local clock may sit from a quarter-hour offset and still be one (watches write the
# two timestamps a few seconds apart).
_OFFSET_SLACK = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class FitClock:
    shift: timedelta
    """Added to every device-relative time to make it real (zero for a set clock)."""
    utc_offset: timedelta | None
    """Local wall clock minus UTC, when the file says it; else the athlete's zone applies."""
    relative: bool
    """The file's times were device-relative."""
    anchor: str | None = None
    """What gave a relative file its real date (`activity.local_timestamp`, ...)."""

    def absolute(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        return moment + self.shift if is_relative(moment) else moment


def is_relative(moment: datetime) -> bool:
    return moment < RELATIVE_BEFORE


def fit_clock(
    file_id: dict[Any, Any],
    activity: dict[Any, Any] | None,
    session_times: list[tuple[datetime, datetime | None]],
    fallback_tz: tzinfo,
) -> FitClock:
    """The clock of a file whose sessions span `session_times` ((start, end) as written).

    Raises FileFormatError for device-relative times with nothing absolute to place them by.
    """
    activity = activity or {}
    activity_time = _datetime(activity.get("timestamp"))
    local = _local_timestamp(activity.get("local_timestamp"))
    first_start = min(start for start, _ in session_times)
    if not is_relative(first_start):
        return FitClock(timedelta(0), _utc_offset(local, activity_time, session_times), False)

    if local is not None:
        # The wall clock at activity.timestamp is real; its zone is the athlete's best guess.
        moment = activity_time if activity_time is not None else _last_end(session_times)
        real_utc = local.replace(tzinfo=fallback_tz).astimezone(UTC)
        shift = real_utc - moment
        return FitClock(
            shift,
            local - real_utc.replace(tzinfo=None),
            True,
            "activity.local_timestamp",
        )
    created = _datetime(file_id.get("time_created"))
    if created is not None and not is_relative(created):
        return FitClock(created - first_start, None, True, "file_id.time_created")
    raise UndatedFile(
        "the watch's clock was not set: its times count seconds from when it was switched on "
        f"(below {RELATIVE_LIMIT_S:#x}), and neither activity.local_timestamp nor "
        "file_id.time_created holds a real date, so nothing places the activity in a week; "
        "set the watch's clock (pair it with its app) and import the copy the app keeps"
    )


def _utc_offset(
    local: datetime | None,
    activity_time: datetime | None,
    session_times: list[tuple[datetime, datetime | None]],
) -> timedelta | None:
    """The local clock minus UTC, at whichever moment the local clock was written for."""
    if local is None:
        return None
    candidates = [activity_time, _last_end(session_times), session_times[0][0]]
    for moment in candidates:
        if moment is None:
            continue
        offset = local - moment.replace(tzinfo=None)
        if abs(offset) > MAX_UTC_OFFSET:
            continue
        quarters = round(offset / _QUARTER_HOUR)
        if abs(offset - quarters * _QUARTER_HOUR) <= _OFFSET_SLACK:
            return quarters * _QUARTER_HOUR
    # No moment gives a zone's offset: keep the profile's own pairing when it is in range.
    if activity_time is None:
        return None
    offset = local - activity_time.replace(tzinfo=None)
    return offset if abs(offset) <= MAX_UTC_OFFSET else None


def _last_end(session_times: list[tuple[datetime, datetime | None]]) -> datetime:
    return max(end or start for start, end in session_times)


def _local_timestamp(value: Any) -> datetime | None:
    """activity.local_timestamp as a naive wall-clock datetime, when it is absolute."""
    if isinstance(value, bool) or not isinstance(value, int) or value < RELATIVE_LIMIT_S:
        return None
    return (FIT_EPOCH + timedelta(seconds=value)).replace(tzinfo=None)


def _datetime(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None
