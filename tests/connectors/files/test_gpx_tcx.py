"""GPX and TCX acceptance: INVENTORY.md §5 distances within 0.5 %, and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.errors import FileFormatError
from connectors.files import parse_bytes

# §5: (file, distance m, moving s or None, family from the file's own type word; the two GPX
# files have no type and tracks named `ACTIVE LOG`, which says no sport)
SECTION_5 = [
    ("gpx_gpxpy/cerknicko-jezero.gpx", 4580.1, 2425.0, "unknown"),
    ("gpx_gpxpy/korita-zbevnica.gpx", 14913.7, 7084.0, "unknown"),
    ("tcx_python-tcxparser/test.tcx", 4689.24, 1992.78, "run"),
    ("tcx_python-tcxparser/no_hr.tcx", 4689.24, 1992.78, "run"),
    ("strava-api_stravalib/sample.tcx", 64670.19, 8187.22, "ride"),
]
UTC_ZONE = UTC


@pytest.mark.parametrize(("relative", "distance", "moving", "family"), SECTION_5)
def test_section_5_distances_within_half_a_percent(
    shared_data: Path, relative: str, distance: float, moving: float, family: str
) -> None:
    path = shared_data / relative
    parsed = parse_bytes(
        path.read_bytes(),
        path.suffix[1:],
        name=path.name,  # type: ignore[arg-type]
        fallback_tz=UTC_ZONE,
    )
    (activity,) = parsed.activities
    assert activity.distance_m == pytest.approx(distance, rel=0.005)
    assert activity.moving_s == pytest.approx(moving, abs=0.01)
    assert activity.sport == family
    assert activity.source == path.suffix[1:]


def test_tcx_heart_rate_and_start(shared_data: Path) -> None:
    path = shared_data / "tcx_python-tcxparser/test.tcx"
    (activity,) = parse_bytes(path.read_bytes(), "tcx", name="t", fallback_tz=UTC_ZONE).activities
    assert activity.start_utc == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    assert activity.max_hr == 189
    assert activity.avg_hr is not None
    assert 100 < activity.avg_hr < 189
    (no_hr,) = parse_bytes(
        (shared_data / "tcx_python-tcxparser/no_hr.tcx").read_bytes(),
        "tcx",
        name="n",
        fallback_tz=UTC_ZONE,
    ).activities
    assert (no_hr.avg_hr, no_hr.max_hr) == (None, None)


def test_gpx_missing_times_still_imports_the_distance(shared_data: Path) -> None:
    path = shared_data / "gpx_gpxpy/cerknicko-without-times.gpx"
    (activity,) = parse_bytes(path.read_bytes(), "gpx", name="g", fallback_tz=UTC_ZONE).activities
    assert activity.distance_m == pytest.approx(4580.1, rel=0.005)
    assert activity.raw["timed_points"] < activity.raw["points"]


def test_gpx_with_an_empty_segment(shared_data: Path) -> None:
    path = shared_data / "gpx_gpxpy/track-with-empty-segment.gpx"
    (activity,) = parse_bytes(path.read_bytes(), "gpx", name="g", fallback_tz=UTC_ZONE).activities
    assert activity.raw["points"] == 9


def test_gpx_local_start_is_the_athletes_zone(shared_data: Path) -> None:
    from zoneinfo import ZoneInfo

    path = shared_data / "gpx_gpxpy/cerknicko-jezero.gpx"
    (activity,) = parse_bytes(
        path.read_bytes(), "gpx", name="g", fallback_tz=ZoneInfo("Europe/Ljubljana")
    ).activities
    assert activity.local_start == datetime(2010, 8, 5, 16, 23, 59)  # CEST


@pytest.mark.parametrize("name", ["gpx_with_garmin_extension.gpx", "unicode_with_bom.gpx"])
def test_gpx_without_a_track_is_refused(shared_data: Path, name: str) -> None:
    data = (shared_data / "gpx_gpxpy" / name).read_bytes()
    with pytest.raises(FileFormatError, match="no track points"):
        parse_bytes(data, "gpx", name=name, fallback_tz=UTC_ZONE)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("gpx", b"<gpx><trk><trkseg><trkpt lat='1' lon='2'></trkpt>"),
        ("gpx", b"\xff\xfe not xml"),
        ("tcx", b"<TrainingCenterDatabase><Activities>"),
        ("tcx", b"<gpx/>"),
        (
            "tcx",
            b"<TrainingCenterDatabase><Activities><Activity Sport='Running'/>"
            b"</Activities></TrainingCenterDatabase>",
        ),
    ],
)
def test_broken_xml_is_a_file_format_error(kind: str, data: bytes) -> None:
    with pytest.raises(FileFormatError):
        parse_bytes(data, kind, name="broken", fallback_tz=UTC_ZONE)  # type: ignore[arg-type]
