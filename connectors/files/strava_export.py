"""Strava bulk export: `activities.csv` rows, each one activity, enriched by its file.

The CSV has about ninety columns, some with the same name: the first `Distance` is km and the
second metres, the first `Elapsed Time` whole seconds and the second a float. `Activity Date` is
UTC, written in the account's locale (`22 May 2024, 08:19:26`, `Jan 1, 2024, 10:00:00 AM`), and
names and descriptions are quoted and may hold newlines (the csv module reads those).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from connectors.errors import FileFormatError
from connectors.files.parsed import ParsedFile
from connectors.files.sports import named_sport_family, snake_case
from connectors.records import Activity

_DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",  # en-US: Jan 1, 2024, 10:00:00 AM
    "%d %b %Y, %H:%M:%S",  # en-GB: 22 May 2024, 08:19:26
    "%b %d, %Y, %H:%M:%S",
    "%d %b %Y, %I:%M:%S %p",
    "%d %B %Y, %H:%M:%S",
    "%B %d, %Y, %I:%M:%S %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",  # de-DE
    "%d.%m.%Y %H:%M:%S",
)


@dataclass(frozen=True, slots=True)
class StravaRow:
    """One activities.csv row, its values read and its raw text kept."""

    line: int
    """The row's first line in the CSV (rows can span lines)."""
    activity_id: str
    start_utc: datetime
    name: str | None
    activity_type: str | None
    distance_m: float | None
    moving_s: float | None
    elapsed_s: float | None
    avg_hr: int | None
    max_hr: int | None
    filename: str | None
    """The activity file inside the export (`activities/123.fit.gz`), when there is one."""
    raw: dict[str, str]

    def fingerprint(self) -> bytes:
        """The row's content as bytes, hashed with its file so an edited row is not a duplicate."""
        return json.dumps(self.raw, sort_keys=True).encode()


@dataclass(frozen=True, slots=True)
class StravaRowError:
    line: int
    reason: str


def read_activities_csv(data: bytes) -> Iterator[StravaRow | StravaRowError]:
    """Every row of a Strava export's activities.csv. Raises FileFormatError on a foreign CSV."""
    # NUL cannot be stored in PostgreSQL text; no real export has one, a damaged one might.
    text = data.decode("utf-8-sig", errors="replace").replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise FileFormatError(f"activities.csv has no header row: {error}") from error
    columns = _Columns(header)
    for required in ("Activity ID", "Activity Date"):
        if columns.first(required) is None:
            raise FileFormatError(f"activities.csv has no {required!r} column: not a Strava export")
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield StravaRowError(line, f"unreadable CSV row: {error}")
            return
        if not any(cell.strip() for cell in cells):
            continue
        try:
            yield _row(columns, cells, line)
        except ValueError as error:
            yield StravaRowError(line, str(error))


class _Columns:
    """Column positions by name, in order, since names repeat."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = [name.strip() for name in header]
        self.positions: dict[str, list[int]] = {}
        for position, name in enumerate(self.header):
            self.positions.setdefault(name, []).append(position)

    def first(self, name: str) -> int | None:
        found = self.positions.get(name)
        return found[0] if found else None

    def second(self, name: str) -> int | None:
        found = self.positions.get(name)
        return found[1] if found and len(found) > 1 else None

    def raw(self, cells: Sequence[str]) -> dict[str, str]:
        raw: dict[str, str] = {}
        for position, name in enumerate(self.header):
            if position < len(cells):
                key = name if name not in raw else f"{name} ({len(self.positions[name])})"
                raw[key] = cells[position]
        return raw


def _row(columns: _Columns, cells: Sequence[str], line: int) -> StravaRow:
    def cell(position: int | None) -> str | None:
        if position is None or position >= len(cells):
            return None
        return cells[position].strip() or None

    activity_id = cell(columns.first("Activity ID"))
    if activity_id is None:
        raise ValueError(f"line {line}: Activity ID is empty")
    date_text = cell(columns.first("Activity Date"))
    start = parse_activity_date(date_text)
    metres = _number(cell(columns.second("Distance")))
    if metres is None:
        km = _number(cell(columns.first("Distance")))
        metres = km * 1000 if km is not None else None
    elapsed = _number(cell(columns.second("Elapsed Time")))
    if elapsed is None:
        elapsed = _number(cell(columns.first("Elapsed Time")))
    max_hr = _number(cell(columns.first("Max Heart Rate"))) or _number(
        cell(columns.second("Max Heart Rate"))
    )
    avg_hr = _number(cell(columns.first("Average Heart Rate")))
    return StravaRow(
        line=line,
        activity_id=activity_id,
        start_utc=start,
        name=cell(columns.first("Activity Name")),
        activity_type=cell(columns.first("Activity Type")),
        distance_m=metres,
        moving_s=_number(cell(columns.first("Moving Time"))),
        elapsed_s=elapsed,
        avg_hr=round(avg_hr) if avg_hr is not None else None,
        max_hr=round(max_hr) if max_hr is not None else None,
        filename=cell(columns.first("Filename")),
        raw=columns.raw(cells),
    )


def parse_activity_date(text: str | None) -> datetime:
    """Strava's `Activity Date` (UTC, in the account's locale) as an aware UTC datetime."""
    if not text:
        raise ValueError("Activity Date is empty")
    # Newer exports put a narrow no-break space before AM/PM and write September as "Sept".
    cleaned = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    cleaned = cleaned.replace("Sept ", "Sep ")
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, date_format).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ValueError(
        f"Activity Date={text!r} is not a date format this importer knows; "
        "export the data with the account language set to English"
    )


def _number(text: str | None) -> float | None:
    """A CSV number: `5012.3`, `1,234.5` (thousands), or `5,01` (a decimal comma locale)."""
    if text is None:
        return None
    decimal_comma = text.count(",") == 1 and "." not in text
    cleaned = text.replace(",", ".") if decimal_comma else text.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value else None


def strava_activity(
    row: StravaRow,
    file: ParsedFile | None,
    *,
    name: str,
    sha256: str,
    fallback_tz: tzinfo,
    file_problem: str | None = None,
) -> ParsedFile:
    """One row as one Activity, enriched by the records its file gave (when it gave any).

    The row says which activity it is, its name and its type (the athlete may have changed them
    on Strava). The file, when it holds one session, gives the measured values exactly as the
    device recorded them; a multi-session file gives its local clock and its lift sets, and the
    row's totals stand. Lift sets point at this row's activity, never at a second copy.
    """
    family = named_sport_family(row.activity_type)
    values: dict[str, Any] = {
        "start_utc": row.start_utc,
        "local_start": row.start_utc.astimezone(fallback_tz).replace(tzinfo=None),
        "sub_sport": snake_case(row.activity_type),
        "distance_m": row.distance_m,
        "moving_s": row.moving_s,
        "elapsed_s": row.elapsed_s,
        "avg_hr": row.avg_hr,
        "max_hr": row.max_hr,
        "partial": False,
    }
    local_from = "athlete_timezone"
    file_activities = file.activities if file is not None else ()
    if len(file_activities) == 1:
        measured = file_activities[0]
        values.update(
            start_utc=measured.start_utc,
            local_start=measured.local_start or values["local_start"],
            sub_sport=measured.sub_sport or values["sub_sport"],
            distance_m=measured.distance_m if measured.distance_m is not None else row.distance_m,
            moving_s=measured.moving_s if measured.moving_s is not None else row.moving_s,
            elapsed_s=measured.elapsed_s if measured.elapsed_s is not None else row.elapsed_s,
            avg_hr=measured.avg_hr if measured.avg_hr is not None else row.avg_hr,
            max_hr=measured.max_hr if measured.max_hr is not None else row.max_hr,
            partial=measured.partial,
        )
        if family == "other":
            family = measured.sport
        local_from = str(measured.raw.get("local_time_from", local_from))
    elif file_activities:
        first = file_activities[0]
        if first.local_start is not None and first.raw.get("local_time_from") == "file":
            offset = first.local_start - first.start_utc.replace(tzinfo=None)
            values["local_start"] = row.start_utc.replace(tzinfo=None) + offset
            local_from = "file"

    activity = Activity(
        source="strava_export",
        source_id=row.activity_id,
        sport=family,
        name=row.name,
        raw={
            "row": row.raw,
            "line": row.line,
            "file": row.filename,
            "file_source_ids": [item.source_id for item in file_activities],
            "file_problem": file_problem,
            "local_time_from": local_from,
        },
        **values,
    )
    lift_sets = tuple(
        replace(lift, session_source_id=row.activity_id)
        for lift in (file.lift_sets if file is not None else ())
    )
    return ParsedFile(
        name=name,
        sha256=sha256,
        activities=(activity,),
        lift_sets=lift_sets,
        partial=activity.partial,
        problem=file_problem or (file.problem if file is not None else None),
    )
