"""TCX (Garmin Training Center) files: one Activity per `<Activity>`, totals from its laps.

A TCX lap carries the device's own TotalTimeSeconds (timer time, pauses excluded) and
DistanceMeters, so the activity's moving time and distance are their sums, as TCX readers
(python-tcxparser, tcxreader) report them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from xml.etree import ElementTree

from connectors.errors import FileFormatError
from connectors.files.parsed import ParsedFile, UndatedFile
from connectors.files.sports import named_sport_family, snake_case, sport_from_name
from connectors.records import Activity


def parse_tcx(data: bytes, *, name: str, sha256: str, fallback_tz: tzinfo) -> ParsedFile:
    """Read a TCX file. Raises FileFormatError when it is not TCX or has no timed activity."""
    # A byte-order mark or whitespace before the XML declaration (which XML forbids, and one
    # watch maker's web app writes) is not a reason to refuse the file.
    data = data.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise FileFormatError(f"not a readable TCX file: {error}") from error
    if not root.tag.endswith("TrainingCenterDatabase"):
        raise FileFormatError(f"not a TCX file: the root element is {root.tag!r}")

    activities = []
    for element in root.iterfind("./{*}Activities/{*}Activity"):
        activity = _activity(element, fallback_tz)
        if activity is not None:
            activities.append(activity)
    if not activities:
        raise UndatedFile("TCX has no activity with a start time")
    return ParsedFile(name=name, sha256=sha256, activities=tuple(activities))


def _activity(element: ElementTree.Element, fallback_tz: tzinfo) -> Activity | None:
    laps = element.findall("{*}Lap")
    start = _time(element.findtext("{*}Id")) or next(
        (_time(lap.get("StartTime")) for lap in laps if lap.get("StartTime")), None
    )
    if start is None:
        return None
    times = [_time(text) for text in (t.text for t in element.iterfind(".//{*}Trackpoint/{*}Time"))]
    last = max((moment for moment in times if moment is not None), default=None)
    distance = _sum(lap.findtext("{*}DistanceMeters") for lap in laps)
    moving = _sum(lap.findtext("{*}TotalTimeSeconds") for lap in laps)
    averages = [
        (
            _float(lap.findtext("{*}AverageHeartRateBpm/{*}Value")),
            _float(lap.findtext("{*}TotalTimeSeconds")),
        )
        for lap in laps
    ]
    maxima = [_float(lap.findtext("{*}MaximumHeartRateBpm/{*}Value")) for lap in laps]
    sport_word = element.get("Sport")
    notes = (element.findtext("{*}Notes") or "").strip() or None
    plan_name = (element.findtext("{*}Training/{*}Plan/{*}Name") or "").strip() or None
    sport_from: str | None = "type"
    if sport_word and sport_word.strip().lower() != "other":
        sport = named_sport_family(sport_word)
    else:
        # `Other` (or no Sport at all) says nothing: a word of its notes or plan name may.
        sport = sport_from_name(" ".join(n for n in (notes, plan_name) if n))
        sport_from = "name" if sport != "unknown" else None
    return Activity(
        source="tcx",
        source_id=f"{start:%Y%m%dT%H%M%SZ}",
        start_utc=start,
        # TCX times are UTC and the file names no zone: the athlete's zone is the best guess.
        local_start=start.astimezone(fallback_tz).replace(tzinfo=None),
        sport=sport,
        sub_sport=None,
        name=notes or plan_name,
        distance_m=distance,
        moving_s=moving,
        elapsed_s=(last - start).total_seconds() if last is not None and last >= start else moving,
        avg_hr=_time_weighted(averages),
        max_hr=round(max(value for value in maxima if value is not None))
        if any(value is not None for value in maxima)
        else None,
        raw={
            "sport": sport_word,
            "sport_slug": snake_case(sport_word),
            "id": element.findtext("{*}Id"),
            "laps": [
                {
                    "start": lap.get("StartTime"),
                    "total_time_s": _float(lap.findtext("{*}TotalTimeSeconds")),
                    "distance_m": _float(lap.findtext("{*}DistanceMeters")),
                }
                for lap in laps
            ],
            "trackpoints": len(times),
            "local_time_from": "athlete_timezone",
            "sport_from": sport_from,
        },
    )


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None


def _sum(texts: Iterable[str | None]) -> float | None:
    values = [_float(text) for text in texts]
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def _time_weighted(pairs: list[tuple[float | None, float | None]]) -> int | None:
    weighted = [(hr, seconds or 0.0) for hr, seconds in pairs if hr is not None]
    total = sum(seconds for _, seconds in weighted)
    if not weighted:
        return None
    if total <= 0:
        return round(sum(hr for hr, _ in weighted) / len(weighted))
    return round(sum(hr * seconds for hr, seconds in weighted) / total)
