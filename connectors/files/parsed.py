"""What reading one input gives: the records it holds, and how sound the input was."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from connectors.errors import FileFormatError
from connectors.records import Activity, LiftSet


class UndatedFile(FileFormatError):
    """An activity file (or Strava row) that was read but holds no time that places it in a
    week: no timed point, no start, a clock that was never set, a date that cannot be read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFile:
    """The records of one input file, stored all together or not at all."""

    name: str
    """Where the input was found, for the import log (`export.zip!activities/1.fit.gz`)."""
    sha256: str
    """Of the bytes read: the same file seen again is a duplicate, whatever its name."""
    activities: tuple[Activity, ...]
    lift_sets: tuple[LiftSet, ...] = ()
    partial: bool = False
    """The input was damaged; what it still held was read (the activities say so too)."""
    problem: str | None = None
    """Why the input is partial, or why it holds nothing worth importing."""


def json_safe(value: Any) -> Any:
    """A decoded value as JSON can hold it: datetimes as ISO text, NaN as None, keys as text.

    Raw payloads are stored as JSON, and a payload that does not survive the round trip would make
    a re-import look like a change.
    """
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, str):
        return value.replace("\x00", "")  # PostgreSQL text and JSONB cannot hold NUL
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return value
