"""The demo's sample season: 16 weeks of one runner's watch files, written on the fly.

Deterministic (no clock, no randomness), so every demo run shows the same story: a steady build,
then a very big last week (ACWR above 1.5) that the squat plan has to answer. Sunday runs start
at 23:30 in New York, which is Monday in UTC, so the weekly totals prove local-date bucketing;
the long runs also come as GPX exports of the same runs (as Strava would give them), which the
import links to the watch's FIT copy, so they count once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import gpxpy.gpx

from connectors.replay.fit_writer import FitSpec, SessionSpec, fit_bytes

ZONE = ZoneInfo("America/New_York")
SEASON_START = date(2026, 8, 3)  # a Monday: ISO week 2026-W32
WEEKLY_KM = (28, 30, 32, 30, 33, 35, 36, 30, 36, 38, 40, 34, 38, 40, 36, 70)
PACE_S_PER_KM = 330
# (weekday offset from Monday, local start, share of the week's km)
RUN_DAYS = (
    (1, time(7, 0), 0.2),
    (3, time(7, 0), 0.2),
    (5, time(8, 0), 0.4),
    (6, time(23, 30), 0.2),
)
METRES_PER_DEGREE_LAT = 111_195.0


@dataclass(frozen=True)
class SampleRun:
    local_start: datetime
    distance_m: float

    @property
    def start_utc(self) -> datetime:
        return self.local_start.replace(tzinfo=ZONE).astimezone(UTC)

    @property
    def timer_s(self) -> float:
        return round(self.distance_m / 1000 * PACE_S_PER_KM, 1)


def season_runs() -> list[SampleRun]:
    runs = []
    for week, km in enumerate(WEEKLY_KM):
        monday = SEASON_START + timedelta(weeks=week)
        for offset, start, share in RUN_DAYS:
            local = datetime.combine(monday + timedelta(days=offset), start)
            runs.append(SampleRun(local_start=local, distance_m=round(km * share * 1000, 1)))
    return runs


def write_season(folder: Path) -> list[Path]:
    """Write the season's FIT files, plus GPX copies of the long runs, into `folder`."""
    paths = []
    for run in season_runs():
        offset = run.local_start.replace(tzinfo=ZONE).utcoffset()
        spec = FitSpec(
            sessions=[SessionSpec(start=run.start_utc, timer_s=run.timer_s,
                                  distance_m=run.distance_m, avg_hr=146, max_hr=171)],
            local_offset=offset,
            time_created=run.start_utc,
        )  # fmt: skip
        path = folder / f"{run.local_start:%Y-%m-%d-%H%M}.fit"
        path.write_bytes(fit_bytes(spec))
        paths.append(path)
        if run.local_start.weekday() == 5:  # the long run, also exported from Strava as GPX
            gpx_path = folder / f"strava-{run.local_start:%Y-%m-%d}.gpx"
            gpx_path.write_text(gpx_of(run), encoding="utf-8")
            paths.append(gpx_path)
    return paths


def gpx_of(run: SampleRun, every_s: int = 10) -> str:
    """A straight track north at an even pace: its length is the run's distance."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name=f"Long run {run.local_start:%d %b}")
    track.type = "running"  # type: ignore[assignment]  # gpxpy declares it None-only
    segment = gpxpy.gpx.GPXTrackSegment()
    speed = run.distance_m / run.timer_s
    for second in range(0, int(run.timer_s) + 1, every_s):
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                latitude=40.70 + speed * second / METRES_PER_DEGREE_LAT,
                longitude=-74.0,
                time=run.start_utc + timedelta(seconds=second),
            )
        )
    track.segments.append(segment)
    gpx.tracks.append(track)
    return str(gpx.to_xml())
