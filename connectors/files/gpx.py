"""GPX tracks to one Activity per file, with gpxpy's own distance and moving time.

The sport is the track's `<type>` (a word, or Strava's numeric code); without one, a word of
the file's or track's name; without that, `unknown` (stored, counted in no total, and named in
the import summary so a person sets it).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import gpxpy
import gpxpy.gpx

from connectors.errors import FileFormatError
from connectors.files.parsed import ParsedFile, UndatedFile
from connectors.files.sport_words import strava_type_key
from connectors.files.sports import named_sport_family, snake_case, sport_from_name
from connectors.records import Activity


def parse_gpx(data: bytes, *, name: str, sha256: str, fallback_tz: tzinfo) -> ParsedFile:
    """Read a GPX file. Raises FileFormatError when it is not GPX or has no timed track."""
    try:
        gpx = gpxpy.parse(_text(data))
    except (gpxpy.gpx.GPXException, ValueError) as error:
        raise FileFormatError(f"not a readable GPX file: {error}") from error

    points = [
        point for track in gpx.tracks for segment in track.segments for point in segment.points
    ]
    timed = [point for point in points if point.time is not None]
    if not timed:
        what = "no track points" if not points else "no track point has a time"
        raise UndatedFile(f"GPX has {what}: nothing to place in a week")
    bounds = gpx.get_time_bounds()
    start = _utc(bounds.start_time or timed[0].time)
    end = _utc(bounds.end_time or timed[-1].time)
    moving = gpx.get_moving_data()
    types = [(track.type or "").strip() for track in gpx.tracks]
    sport_word = next((word for word in types if word), None)
    title = gpx.name or next((t.name for t in gpx.tracks if t.name), None)
    sub_sport: str | None
    sport_from: str | None
    if sport_word is not None:
        # A word (`running`, `Lauf`) or Strava's numeric code (`9`).
        sport = named_sport_family(sport_word)
        sub_sport = snake_case(strava_type_key(sport_word) or sport_word)
        sport_from = "type"
    else:
        # No type: a word of the name may say it (`Morning Run`, `Abendlauf am See`), else the
        # sport is unknown and the import summary asks for it.
        names = " ".join(n for n in [gpx.name, *(t.name for t in gpx.tracks)] if n)
        sport, sub_sport = sport_from_name(names), None
        sport_from = "name" if sport != "unknown" else None

    activity = Activity(
        source="gpx",
        source_id=f"{start:%Y%m%dT%H%M%SZ}",
        start_utc=start,
        # GPX times are UTC and the file names no zone: the athlete's zone is the best guess.
        local_start=start.astimezone(fallback_tz).replace(tzinfo=None),
        sport=sport,
        sub_sport=sub_sport,
        name=title,
        distance_m=gpx.length_2d(),
        moving_s=float(moving.moving_time) if moving is not None else None,
        elapsed_s=(end - start).total_seconds(),
        raw={
            "creator": gpx.creator,
            "version": gpx.version,
            "tracks": [{"name": track.name, "type": track.type} for track in gpx.tracks],
            "points": len(points),
            # Routes drawn by hand and edited tracks lose their times: the distance still counts,
            # the moving time is only what the timed points show.
            "timed_points": len(timed),
            "length_3d_m": gpx.length_3d(),
            "local_time_from": "athlete_timezone",
            "sport_from": sport_from,
        },
    )
    return ParsedFile(name=name, sha256=sha256, activities=(activity,))


def _text(data: bytes) -> str:
    # gpxpy wants text; a UTF-8 BOM or a Latin-1 file from an old GPS must not stop it, nor
    # whitespace before the XML declaration (which XML forbids, and some web apps write).
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.lstrip().removeprefix("\ufeff").lstrip()


def _utc(moment: datetime | None) -> datetime:
    if moment is None:  # pragma: no cover - callers pass a point that has a time
        raise FileFormatError("GPX point without a time")
    # GPX times are UTC by the standard; a time written without a zone is still UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
