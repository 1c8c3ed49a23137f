"""GPX tracks to one Activity per file, with gpxpy's own distance and moving time."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import gpxpy
import gpxpy.gpx

from connectors.errors import FileFormatError
from connectors.files.parsed import ParsedFile
from connectors.files.sports import named_sport_family, snake_case
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
        raise FileFormatError(f"GPX has {what}: nothing to place in a week")
    bounds = gpx.get_time_bounds()
    start = _utc(bounds.start_time or timed[0].time)
    end = _utc(bounds.end_time or timed[-1].time)
    moving = gpx.get_moving_data()
    types = [track.type for track in gpx.tracks if track.type]
    sport_word = types[0] if types else None

    activity = Activity(
        source="gpx",
        source_id=f"{start:%Y%m%dT%H%M%SZ}",
        start_utc=start,
        # GPX times are UTC and the file names no zone: the athlete's zone is the best guess.
        local_start=start.astimezone(fallback_tz).replace(tzinfo=None),
        sport=named_sport_family(sport_word),
        sub_sport=snake_case(sport_word),
        name=gpx.name or next((track.name for track in gpx.tracks if track.name), None),
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
        },
    )
    return ParsedFile(name=name, sha256=sha256, activities=(activity,))


def _text(data: bytes) -> str:
    # gpxpy wants text; a UTF-8 BOM or a Latin-1 file from an old GPS must not stop it.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _utc(moment: datetime | None) -> datetime:
    if moment is None:  # pragma: no cover - callers pass a point that has a time
        raise FileFormatError("GPX point without a time")
    # GPX times are UTC by the standard; a time written without a zone is still UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
