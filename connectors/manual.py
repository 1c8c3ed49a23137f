"""Manual lift entry: the `lift add` flags and the `lift import` CSV, validated into records.

Every check names the field, the value and the fix; a CSV is validated whole before anything is
returned, so a caller can store it all-or-nothing.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from connectors.errors import InputError, InputErrors
from connectors.exercises import nearest_known_exercise, normalise_exercise
from connectors.records import EXPERIENCES, PRIORITIES, Experience, LiftSet, Race

Unit = Literal["kg", "lb"]
KG_PER_LB = 0.45359237

REPS = (1, 100)
SETS = (1, 20)
WEIGHT_KG = (0.0, 500.0)
RIR = (0, 10)
RPE = (1.0, 10.0)
MAX_DAYS_AHEAD = 1  # a lift logged late in the evening can be "tomorrow" in another zone

REQUIRED_COLUMNS = ("date", "exercise", "set", "reps")
WEIGHT_COLUMNS = ("weight_kg", "weight", "weight_lb")
OPTIONAL_COLUMNS = ("rir", "rpe", "notes", "warmup")
MAX_CSV_ROWS = 100_000
MAX_ERRORS_SHOWN = 20
EARLIEST_DATE = date(1970, 1, 1)
RACE_YEARS_AHEAD = 5
# The warehouse's column widths, checked here so SQLite and PostgreSQL refuse alike.
EXERCISE_MAX = 80
RACE_NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class LiftEntry:
    """What a person typed for one exercise on one day, before it becomes set records."""

    performed_on: date
    exercise: str
    reps: int
    weight_kg: float
    rir: int | None = None
    rpe: float | None = None
    warmup: bool = False
    notes: str | None = None


def parse_date(text: str, *, today: date, field: str = "date", line: int | None = None) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, text, "write a real date as YYYY-MM-DD", line=line) from None
    if value < EARLIEST_DATE:
        raise InputError(field, text, "give a date from 1970-01-01 on", line=line)
    if value > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InputError(
            field, text, f"a lift cannot be logged more than {MAX_DAYS_AHEAD} day ahead", line=line
        )
    return value


def parse_int(text: str, field: str, bounds: tuple[int, int], *, line: int | None = None) -> int:
    low, high = bounds
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(
            field, text, f"give a whole number from {low} to {high}", line=line
        ) from None
    if not low <= value <= high:
        raise InputError(field, text, f"give a whole number from {low} to {high}", line=line)
    return value


def parse_float(
    text: str, field: str, bounds: tuple[float, float], *, line: int | None = None
) -> float:
    low, high = bounds
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(field, text, f"give a number from {low:g} to {high:g}", line=line)
    return value


def weight_to_kg(
    text: str, unit: Unit, *, field: str = "weight_kg", line: int | None = None
) -> float:
    """A weight in the given unit as kg, rounded to 10 g and checked against 0-500 kg."""
    high = WEIGHT_KG[1] if unit == "kg" else WEIGHT_KG[1] / KG_PER_LB
    value = parse_float(text, field, (WEIGHT_KG[0], round(high, 1)), line=line)
    return round(value * KG_PER_LB, 2) if unit == "lb" else value


def parse_exercise(text: str, *, line: int | None = None) -> str:
    """A known exercise's slug, or an unknown name's own slug, unless it looks like a typo of a
    known one (`bak squat`): that is refused with the suggestion, or the squat would be lost
    from the squat history."""
    slug = normalise_exercise(text)
    if not slug:
        raise InputError("exercise", text, "name the exercise, e.g. back squat", line=line)
    if len(slug) > EXERCISE_MAX:
        raise InputError(
            "exercise", text, f"use a name of at most {EXERCISE_MAX} characters", line=line
        )
    nearest = nearest_known_exercise(slug)
    if nearest is not None and nearest != slug:
        raise InputError(
            "exercise", text, f"not a known exercise: did you mean {nearest.replace('_', ' ')!r}?",
            line=line,
        )  # fmt: skip
    return slug


def parse_bool(text: str, field: str, *, line: int | None = None) -> bool:
    lowered = text.strip().lower()
    if lowered in ("", "0", "false", "no", "n"):
        return False
    if lowered in ("1", "true", "yes", "y"):
        return True
    raise InputError(field, text, "write true or false", line=line)


def manual_set(entry: LiftEntry, set_index: int, raw: Mapping[str, object]) -> LiftSet:
    """The record of one manual set; its source_id (date, exercise, set) makes re-imports no-ops."""
    return LiftSet(
        source="manual",
        source_id=f"{entry.performed_on.isoformat()}:{entry.exercise}:{set_index}",
        performed_on=entry.performed_on,
        exercise=entry.exercise,
        set_index=set_index,
        reps=entry.reps,
        weight_kg=entry.weight_kg,
        rir=entry.rir,
        rpe=entry.rpe,
        warmup=entry.warmup,
        notes=entry.notes,
        raw=dict(raw),
    )


def parse_lift_csv(text: str, *, unit: Unit, today: date) -> list[LiftSet]:
    """Every set of a lift CSV, or an InputError naming the bad line, field and value (an
    InputErrors naming every bad line when there are several)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    _check_header(header)
    reader.fieldnames = header
    weight_column = next(column for column in WEIGHT_COLUMNS if column in header)
    column_unit: Unit = "lb" if weight_column == "weight_lb" else unit

    sets: list[LiftSet] = []
    errors: list[InputError] = []
    seen: dict[tuple[date, str, int], int] = {}
    rows = 0
    for row in _rows(reader):
        line = reader.line_num
        rows += 1
        if rows > MAX_CSV_ROWS:
            raise InputError("file", f"{MAX_CSV_ROWS}+ rows", "split the file", line=line)
        try:
            if None in row:
                raise InputError("row", ",".join(row[None]), "remove the extra columns", line=line)
            values = {key: (value or "") for key, value in row.items()}
            if not any(value.strip() for value in values.values()):
                continue  # blank lines are harmless
            entry, set_index = _parse_row(values, weight_column, column_unit, today, line)
            key = (entry.performed_on, entry.exercise, set_index)
            if key in seen:
                raise InputError(
                    "set",
                    values["set"],
                    f"set {set_index} of {entry.exercise} on {entry.performed_on} is already on "
                    f"line {seen[key]}; number the sets of one exercise and day 1, 2, 3...",
                    line=line,
                )
        except InputError as error:
            # Every bad line at once: fixing a file one error per run is no way to work.
            errors.append(error)
            continue
        seen[key] = line
        sets.append(manual_set(entry, set_index, values))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors, what="the CSV", shown=MAX_ERRORS_SHOWN)
    if not sets:
        raise InputError("file", "no rows", "add at least one set below the header", line=None)
    return sets


def _rows(reader: csv.DictReader[str]) -> Iterator[dict[str | Any, str | Any]]:
    """The reader's rows; a line the csv module cannot split (a field past its size limit,
    usually an unclosed quote that swallows the rest of the file) is the user's input."""
    try:
        yield from reader
    except csv.Error as error:
        line = reader.line_num
        raise InputError(
            "file",
            "the CSV",
            f'it cannot be read from here on ({error}); look for an unclosed quote (") on '
            "that line or just before it",
            line=line,
        ) from None


def _check_header(header: list[str]) -> None:
    expected = "date,exercise,set,reps,weight_kg,rir,rpe,notes"
    if not header:
        raise InputError("header", "", f"start the file with the header line {expected}", line=1)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if not any(column in header for column in WEIGHT_COLUMNS):
        missing.append("weight_kg")
    if missing:
        raise InputError(
            "header",
            ",".join(header),
            f"add the column(s) {', '.join(missing)}: {expected}",
            line=1,
        )
    known = set(REQUIRED_COLUMNS) | set(WEIGHT_COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [column for column in header if column not in known]
    if unknown:
        raise InputError(
            "header",
            ",".join(unknown),
            f"remove or rename the column(s); known: {expected}",
            line=1,
        )
    if len(set(header)) != len(header):
        raise InputError("header", ",".join(header), "name each column once", line=1)


def _parse_row(
    values: Mapping[str, str], weight_column: str, unit: Unit, today: date, line: int
) -> tuple[LiftEntry, int]:
    def optional(column: str) -> str:
        return values.get(column, "").strip()

    rir_text, rpe_text = optional("rir"), optional("rpe")
    entry = LiftEntry(
        performed_on=parse_date(values["date"], today=today, line=line),
        exercise=parse_exercise(values["exercise"], line=line),
        reps=parse_int(values["reps"], "reps", REPS, line=line),
        weight_kg=weight_to_kg(values[weight_column], unit, field=weight_column, line=line),
        rir=parse_int(rir_text, "rir", RIR, line=line) if rir_text else None,
        rpe=parse_float(rpe_text, "rpe", RPE, line=line) if rpe_text else None,
        warmup=parse_bool(optional("warmup"), "warmup", line=line),
        notes=optional("notes") or None,
    )
    return entry, parse_int(values["set"], "set", SETS, line=line)


def parse_timezone(text: str) -> str:
    """An IANA time zone name such as Europe/Amsterdam (the athlete's wall clock)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            "timezone", text, "give an IANA time zone such as Europe/Amsterdam or America/New_York"
        ) from None
    return text


def parse_experience(text: str) -> Experience:
    """One of connectors.records.EXPERIENCES."""
    found = next((known for known in EXPERIENCES if known == text.strip().lower()), None)
    if found is None:
        raise InputError("experience", text, f"use one of {', '.join(EXPERIENCES)}")
    return found


def parse_race(
    race_date: str, name: str, distance_km: float, priority: str, *, today: date | None = None
) -> Race:
    """A race: a real date from 1970 on and at most 5 years after `today` (races are usually
    ahead), a name, a positive distance, A/B/C."""
    try:
        when = date.fromisoformat(race_date.strip())
    except ValueError:
        raise InputError("date", race_date, "write a real date as YYYY-MM-DD") from None
    if when < EARLIEST_DATE:
        raise InputError("date", race_date, "give a date from 1970-01-01 on")
    if today is not None and when > _years_after(today, RACE_YEARS_AHEAD):
        raise InputError(
            "date", race_date, f"a race more than {RACE_YEARS_AHEAD} years ahead is not planned "
            f"yet: give a date up to {_years_after(today, RACE_YEARS_AHEAD)}",
        )  # fmt: skip
    if not name.strip():
        raise InputError("name", name, "give the race a name")
    if len(name.strip()) > RACE_NAME_MAX:
        raise InputError("name", name, f"use a name of at most {RACE_NAME_MAX} characters")
    if not (math.isfinite(distance_km) and 0 < distance_km <= 1000):
        raise InputError("distance_km", distance_km, "give a positive distance in km, up to 1000")
    wanted = priority.strip().upper()
    level = next((known for known in PRIORITIES if known == wanted), None)
    if level is None:
        raise InputError(
            "priority", priority, "use A (the season's goal), B (important) or C (training race)"
        )
    return Race(race_date=when, name=name.strip(), distance_km=distance_km, priority=level)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
