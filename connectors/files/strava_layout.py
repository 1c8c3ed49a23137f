"""Where each value sits in a Strava export's activities.csv, whatever language it is written in.

Strava writes the header in the account's language but keeps one column order in every
language: Activity ID, Activity Date, Activity Name, Activity Type, Activity Description,
Elapsed Time (whole seconds), Distance (km or miles), ... and later a second block Elapsed Time,
Moving Time, Distance (seconds and metres, as floats), whose first and third names repeat the
sixth and seventh column's. So:

1. Header names are used where they are known (Strava's English names; they also tell the older
   exports whose columns sit elsewhere).
2. Otherwise the columns are taken from that order, and the second block is found where the
   names repeat or, failing that, where the values repeat (the same elapsed seconds, the same
   distance in metres).
3. Whatever came from positions is checked against the values' shapes: every id is digits and
   the dates read as dates. A file that fails says which header row it found and what was
   expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from connectors.errors import FileFormatError
from connectors.files.local_dates import (
    DateOrder,
    parse_local_datetime,
    parse_number,
    uses_decimal_comma,
)

# Strava's English names: a name that appears twice gives the first and the second field.
_ENGLISH: dict[str, tuple[str, ...]] = {
    "Activity ID": ("id",),
    "Activity Date": ("date",),
    "Activity Name": ("name",),
    "Activity Type": ("type",),
    "Elapsed Time": ("elapsed", "elapsed_s"),
    "Distance": ("distance", "distance_m"),
    "Max Heart Rate": ("max_hr", "max_hr_2"),
    "Filename": ("filename",),
    "Moving Time": ("moving_s",),
    "Average Heart Rate": ("avg_hr",),
}
# The export's fixed first block, by position.
_FIRST_BLOCK = {"id": 0, "date": 1, "name": 2, "type": 3, "elapsed": 5, "distance": 6}
_EXPECTED = (
    "Strava's columns in their order, in any language: Activity ID, Activity Date, Activity "
    "Name, Activity Type, Activity Description, Elapsed Time, Distance, ..., and later Elapsed "
    "Time, Moving Time, Distance again; an activity id (digits) and a date in every row"
)
_SAMPLE_ROWS = 50
_MILE_M = 1609.344


@dataclass(frozen=True, slots=True)
class Layout:
    header: tuple[str, ...]
    positions: dict[str, int]
    """Field (`id`, `date`, `distance_m`, ...) -> column position."""
    decimal_comma: bool | None = None
    date_order: DateOrder = field(default_factory=DateOrder)

    def header_of(self, name: str) -> str:
        """The header the file itself gives the field (`Aktivitäts-ID`), for messages."""
        position = self.positions.get(name)
        if position is None or position >= len(self.header) or not self.header[position]:
            return name
        return self.header[position]

    def raw(self, cells: Sequence[str]) -> dict[str, str]:
        raw: dict[str, str] = {}
        counts: dict[str, int] = {}
        for position, name in enumerate(self.header):
            if position < len(cells):
                counts[name] = counts.get(name, 0) + 1
                key = name if counts[name] == 1 else f"{name} ({counts[name]})"
                raw[key] = cells[position]
        return raw


def find_layout(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Layout:
    """The columns of an activities.csv. Raises FileFormatError when it is not a Strava export."""
    names = tuple(name.strip().lstrip("\ufeff") for name in header)
    sample = list(rows[:_SAMPLE_ROWS])
    positions = _by_english_name(names)
    from_names = "id" in positions and "date" in positions
    if not from_names:
        if len(names) < 7:
            _refuse(names, f"it has {len(names)} columns, a Strava export has dozens")
        # A localised first block, and maybe English names further on: those are the second
        # block's (`Elapsed Time` at column 16 is the float one).
        positions = {**_FIRST_BLOCK, **_by_english_name(names, after_first_block=True)}
    if "distance_m" not in positions or "moving_s" not in positions:
        positions.update(_second_block(names, positions, sample))
    if "filename" not in positions:
        found = _filename_column(names, sample, before=positions.get("elapsed_s", len(names)))
        if found is not None:
            positions["filename"] = found
    if "max_hr" not in positions or "avg_hr" not in positions:
        for name, position in _heart_rate(names, positions, sample).items():
            positions.setdefault(name, position)
    if not from_names:
        _check_shapes(names, positions, sample)
    return Layout(
        header=names,
        positions=positions,
        decimal_comma=uses_decimal_comma(
            value
            for name in ("distance", "distance_m", "elapsed_s", "moving_s")
            for value in _values(sample, positions.get(name))
        ),
        date_order=DateOrder(_values(sample, positions["date"])),
    )


def _by_english_name(names: Sequence[str], *, after_first_block: bool = False) -> dict[str, int]:
    positions: dict[str, int] = {}
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        fields = _ENGLISH.get(name)
        if fields is None or (after_first_block and position <= max(_FIRST_BLOCK.values())):
            continue
        index = seen.get(name, 1 if after_first_block and len(fields) == 2 else 0)
        seen[name] = index + 1
        if index < len(fields):
            positions[fields[index]] = position
    return positions


def _second_block(
    names: Sequence[str], positions: dict[str, int], sample: Sequence[Sequence[str]]
) -> dict[str, int]:
    """Elapsed Time, Moving Time, Distance (seconds, seconds, metres) of the second block."""
    elapsed, distance = positions["elapsed"], positions["distance"]
    last = len(names) - 2
    for start in range(distance + 1, last):
        if names[start] == names[elapsed] and names[start + 2] == names[distance]:
            return {"elapsed_s": start, "moving_s": start + 1, "distance_m": start + 2}
    for start in range(distance + 1, last):
        if _repeats(sample, elapsed, start, 1.0, 1.5) and _repeats_distance(
            sample, distance, start + 2
        ):
            return {"elapsed_s": start, "moving_s": start + 1, "distance_m": start + 2}
    return {}


def _repeats(
    sample: Sequence[Sequence[str]], first: int, second: int, factor: float, tolerance: float
) -> bool:
    pairs = _number_pairs(sample, first, second)
    return bool(pairs) and all(abs(b - a * factor) <= tolerance for a, b in pairs)


def _repeats_distance(sample: Sequence[Sequence[str]], km_column: int, m_column: int) -> bool:
    pairs = _number_pairs(sample, km_column, m_column)
    if not pairs or not any(a > 0 for a, _ in pairs):
        return False
    # The first Distance is rounded to 0.01 km (or mi): 10 m (16 m) either way.
    return all(abs(b - a * 1000) <= 10.5 for a, b in pairs) or all(
        abs(b - a * _MILE_M) <= 16.5 for a, b in pairs
    )


def _number_pairs(
    sample: Sequence[Sequence[str]], first: int, second: int
) -> list[tuple[float, float]]:
    pairs = []
    for cells in sample:
        if max(first, second) >= len(cells):
            continue
        a, b = parse_number(cells[first]), parse_number(cells[second])
        if a is not None and b is not None:
            pairs.append((a, b))
    return pairs


_FILENAME = re.compile(r"^activities/[^/]+\.(fit|gpx|tcx)(\.gz)?$", re.IGNORECASE)


def _filename_column(
    names: Sequence[str], sample: Sequence[Sequence[str]], *, before: int
) -> int | None:
    """The column whose values are the export's activity files (`activities/123.fit.gz`)."""
    for position in range(7, min(before, len(names))):
        values = [v for v in _values(sample, position) if v]
        if values and all(_FILENAME.match(value) for value in values):
            return position
    return None


def _heart_rate(
    names: Sequence[str], positions: dict[str, int], sample: Sequence[Sequence[str]]
) -> dict[str, int]:
    """Max Heart Rate follows the first Distance and repeats, with Average Heart Rate after it
    (today's layout); taken only when the values look like heart rates."""
    first = positions["distance"] + 1
    if first >= len(names) or not names[first]:
        return {}
    later = [p for p in range(positions.get("distance_m", first) + 1, len(names) - 1)
             if names[p] == names[first]]  # fmt: skip
    if not later:
        return {}
    found = {"max_hr": first, "max_hr_2": later[0], "avg_hr": later[0] + 1}
    for cells in sample:
        values = [parse_number(cells[p]) if p < len(cells) else None for p in found.values()]
        top, _, average = values
        if any(value is not None and not 25 <= value <= 255 for value in values):
            return {}
        if top is not None and average is not None and average > top:
            return {}
    return found


def _check_shapes(
    names: Sequence[str], positions: dict[str, int], sample: Sequence[Sequence[str]]
) -> None:
    if not sample:
        # No rows to check the values by: the repeated names must say it is an export.
        if "distance_m" not in positions:
            _refuse(names, "its names do not repeat where an export's do, and it has no rows")
        return
    ids = _values(sample, positions["id"])
    if not all(value.isdigit() for value in ids if value) or not any(ids):
        _refuse(names, f"its column 1 holds {_first_bad(ids)!r}, not an activity id")
    dates = [value for value in _values(sample, positions["date"]) if value]
    order = DateOrder(dates)
    readable = 0
    for value in dates:
        try:
            parse_local_datetime(value, order)
            readable += 1
        except ValueError:
            continue
    if readable * 2 <= len(dates):
        _refuse(names, f"its column 2 holds {dates[0] if dates else ''!r}, not a date")


def _first_bad(values: Sequence[str]) -> str:
    return next((value for value in values if value and not value.isdigit()), "")


def _values(sample: Sequence[Sequence[str]], position: int | None) -> list[str]:
    if position is None:
        return []
    return [cells[position].strip() if position < len(cells) else "" for cells in sample]


def _refuse(names: Sequence[str], why: str) -> None:
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    raise FileFormatError(
        f"activities.csv is not laid out as a Strava export: its header row is [{shown}] "
        f"({len(names)} columns) and {why}; expected {_EXPECTED}"
    )
