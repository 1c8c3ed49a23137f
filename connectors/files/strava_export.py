"""Strava bulk export: `activities.csv` rows, each one activity, enriched by its file.

The CSV has about ninety columns, some with the same name: the first `Distance` is km and the
second metres, the first `Elapsed Time` whole seconds and the second a float. Header, dates,
numbers and activity types are written in the account's language (strava_layout finds the
columns, local_dates reads dates and numbers, sport_words the types). `Activity Date` is UTC.
Names and descriptions are quoted and may hold newlines (the csv module reads those).
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
from connectors.files.local_dates import parse_local_datetime, parse_number
from connectors.files.parsed import ParsedFile
from connectors.files.sport_words import strava_type_key
from connectors.files.sports import named_sport_family, snake_case
from connectors.files.strava_layout import Layout, find_layout
from connectors.records import Activity


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
    undated: bool = False
    """The row's date could not be read (nothing places it in a week)."""


def read_activities_csv(data: bytes) -> Iterator[StravaRow | StravaRowError]:
    """Every row of a Strava export's activities.csv, in any language the export was written in.

    Raises FileFormatError when the CSV is not laid out as a Strava export (see strava_layout).
    """
    # NUL cannot be stored in PostgreSQL text; no real export has one, a damaged one might.
    text = data.decode("utf-8-sig", errors="replace").replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise FileFormatError(f"activities.csv has no header row: {error}") from error
    rows: list[tuple[int, list[str]]] = []
    broken: StravaRowError | None = None
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            broken = StravaRowError(line, f"unreadable CSV row: {error}")
            break
        if any(cell.strip() for cell in cells):
            rows.append((line, cells))
    layout = find_layout(header, [cells for _, cells in rows])
    for line, cells in rows:
        try:
            yield _row(layout, cells, line)
        except _UndatedRow as error:
            yield StravaRowError(line, str(error), undated=True)
        except ValueError as error:
            yield StravaRowError(line, str(error))
    if broken is not None:
        yield broken


class _UndatedRow(ValueError):
    pass


def _row(layout: Layout, cells: Sequence[str], line: int) -> StravaRow:
    def cell(field: str) -> str | None:
        position = layout.positions.get(field)
        if position is None or position >= len(cells):
            return None
        return cells[position].strip() or None

    def number(field: str) -> float | None:
        return parse_number(cell(field), decimal_comma=layout.decimal_comma)

    activity_id = cell("id")
    if activity_id is None:
        raise ValueError(f"line {line}: {layout.header_of('id')} is empty")
    date_text = cell("date")
    try:
        start = parse_local_datetime(date_text, layout.date_order).replace(tzinfo=UTC)
    except ValueError as error:
        raise _UndatedRow(
            f"{layout.header_of('date')}={date_text!r} is not a date this importer can read "
            f"({error}); the row is skipped, the others are imported"
        ) from error
    metres = number("distance_m")
    if metres is None:
        km = number("distance")
        metres = km * 1000 if km is not None else None
    elapsed = number("elapsed_s")
    if elapsed is None:
        elapsed = number("elapsed")
    max_hr = number("max_hr") or number("max_hr_2")
    avg_hr = number("avg_hr")
    return StravaRow(
        line=line,
        activity_id=activity_id,
        start_utc=start,
        name=cell("name"),
        activity_type=cell("type"),
        distance_m=metres,
        moving_s=number("moving_s"),
        elapsed_s=elapsed,
        avg_hr=round(avg_hr) if avg_hr is not None else None,
        max_hr=round(max_hr) if max_hr is not None else None,
        filename=cell("filename"),
        raw=layout.raw(cells),
    )


def parse_activity_date(text: str | None) -> datetime:
    """Strava's `Activity Date` (UTC, in the account's language) as an aware UTC datetime."""
    if not text:
        raise ValueError("Activity Date is empty")
    try:
        return parse_local_datetime(text).replace(tzinfo=UTC)
    except ValueError as error:
        raise ValueError(f"Activity Date={text!r} is not a date: {error}") from error


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
        # The type's English key (`Lauf` is `run`), so every language gives the same sub-sport.
        "sub_sport": snake_case(strava_type_key(row.activity_type) or row.activity_type),
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
