"""GPX and TCX as real archives hold them: a BOM or whitespace before the XML declaration,
Strava's numeric type codes, and files that name their sport only in their name, or not at all.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from connectors.files import parse_bytes


def gpx(track_type: str | None, track_name: str | None = None, name: str | None = None) -> bytes:
    type_element = f"<type>{track_type}</type>" if track_type is not None else ""
    track_name_element = f"<name>{track_name}</name>" if track_name else ""
    metadata = f"<metadata><name>{name}</name></metadata>" if name else ""
    points = "".join(
        f'<trkpt lat="46.{index:04d}" lon="14.3"><time>2024-03-02T07:{index:02d}:00Z</time></trkpt>'
        for index in range(0, 40, 2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="StravaGPX" xmlns="http://www.topografix.com/GPX/1/1">'
        f"{metadata}<trk>{track_name_element}{type_element}<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def tcx(sport: str | None, notes: str | None = None) -> bytes:
    sport_attribute = f' Sport="{sport}"' if sport is not None else ""
    notes_element = f"<Notes>{notes}</Notes>" if notes else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Activities><Activity{sport_attribute}><Id>2024-03-02T07:00:00Z</Id>"
        '<Lap StartTime="2024-03-02T07:00:00Z"><TotalTimeSeconds>1800.5</TotalTimeSeconds>'
        "<DistanceMeters>5012.3</DistanceMeters><Track><Trackpoint>"
        "<Time>2024-03-02T07:30:00Z</Time></Trackpoint></Track></Lap>"
        f"{notes_element}</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b"  \r\n\t", b"\xef\xbb\xbf\n  ", b"\n"])
@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_a_bom_or_whitespace_before_the_declaration_is_accepted(prefix: bytes, kind: str) -> None:
    data = gpx("running") if kind == "gpx" else tcx("Running")
    (activity,) = parse_bytes(prefix + data, kind, name="f", fallback_tz=UTC).activities  # type: ignore[arg-type]
    assert activity.sport == "run"


def test_a_real_tcx_with_whitespace_before_its_declaration(shared_data: Path) -> None:
    data = (shared_data / "tcx_python-tcxparser/test.tcx").read_bytes()
    assert data.startswith(b"<?xml")
    (activity,) = parse_bytes(b"\n\n   " + data, "tcx", name="t", fallback_tz=UTC).activities
    assert activity.distance_m == pytest.approx(4689.24, rel=0.005)
    assert activity.sport == "run"


@pytest.mark.parametrize(
    ("code", "family", "sub_sport"),
    [("9", "run", "run"), ("53", "run", "virtual_run"), ("1", "ride", "ride"),
     ("17", "ride", "virtual_ride"), ("10", "walk", "walk"), ("4", "walk", "hike"),
     ("16", "swim", "swim"), ("30", "strength", "weight_training"), ("23", "other", "rowing")],
)  # fmt: skip
def test_stravas_numeric_gpx_types(code: str, family: str, sub_sport: str) -> None:
    (activity,) = parse_bytes(gpx(code), "gpx", name="g", fallback_tz=UTC).activities
    assert (activity.sport, activity.sub_sport) == (family, sub_sport)


@pytest.mark.parametrize(
    ("track_name", "family"),
    [("Morning Run", "run"), ("Abends laufen", "run"), ("Course du dimanche", "run"),
     ("Ochtend hardlopen", "run"), ("Correr en la playa", "run"), ("Corsa al parco", "run"),
     ("Lunch Ride", "ride"), ("Zwemmen", "swim"), ("ACTIVE LOG #2", "unknown"), (None, "unknown")],
)  # fmt: skip
def test_a_gpx_without_a_type_takes_its_sport_from_its_name(
    track_name: str | None, family: str
) -> None:
    (activity,) = parse_bytes(gpx(None, track_name), "gpx", name="g", fallback_tz=UTC).activities
    assert activity.sport == family
    assert activity.raw["sport_from"] == ("name" if family != "unknown" else None)


def test_the_gpx_metadata_name_counts_too() -> None:
    data = gpx(None, "Track 1", name="Dauerlauf am Morgen")
    (activity,) = parse_bytes(data, "gpx", name="g", fallback_tz=UTC).activities
    assert activity.sport == "run"


def test_a_typed_gpx_keeps_its_type_over_its_name() -> None:
    (activity,) = parse_bytes(
        gpx("cycling", "Run to work"), "gpx", name="g", fallback_tz=UTC
    ).activities
    assert activity.sport == "ride"


@pytest.mark.parametrize(
    ("sport", "notes", "family"),
    [("Other", "Trail running in the hills", "run"), (None, "Hardlopen", "run"),
     ("Other", None, "unknown"), (None, "Rückenschule", "unknown"), ("Biking", "run", "ride")],
)  # fmt: skip
def test_a_tcx_without_a_sport_takes_it_from_its_notes(
    sport: str | None, notes: str | None, family: str
) -> None:
    (activity,) = parse_bytes(tcx(sport, notes), "tcx", name="t", fallback_tz=UTC).activities
    assert activity.sport == family
    assert (activity.distance_m, activity.moving_s) == (5012.3, 1800.5)
