"""Acceptance (issue 15): archives from several watch makers and a German Strava export, as a
new user has them, give every run with the distance and moving time its file reports, in the
right local ISO week; what cannot be used is named with its fix; a person's sport sticks."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gpxpy
import pytest

from connectors.replay.fit_writer import FitSpec, SessionSpec, fit_bytes
from tests.conftest import Cli
from tests.connectors.files.test_fit_clocks import compressed_record_file
from tests.connectors.files.test_strava_languages import FIRST_BLOCK, localised_header

HOUR = timedelta(hours=1)


def run(start: datetime, timer: float, elapsed: float, metres: float, **kw: Any) -> SessionSpec:
    return SessionSpec(start=start, timer_s=timer, elapsed_s=elapsed, distance_m=metres, **kw)


# (file name, FIT spec, local date, ISO week, distance m, timer s). Berlin is UTC+1 in March.
FIT_RUNS = [
    # COROS: activity.timestamp is the start. Sunday 23:20 in Berlin: W09, not W10.
    ("coros.fit", FitSpec(sessions=[run(datetime(2024, 3, 3, 22, 20, tzinfo=UTC), 3001.5,
                                        3137.0, 8012.34)], manufacturer="coros",
                          activity_timestamp="start", local_offset=HOUR),
     "2024-03-03", "2024-W09", 8012.34, 3001.5),
    # Amazfit (Zepp): the local clock of the start beside the UTC end. Sunday 23:40: W10.
    ("zepp.fit", FitSpec(sessions=[run(datetime(2024, 3, 10, 22, 40, tzinfo=UTC), 1900.25,
                                       2011.0, 6000.5)], manufacturer="zepp",
                         local_timestamp_of="start", local_offset=HOUR),
     "2024-03-10", "2024-W10", 6000.5, 1900.25),
    # A Garmin whose clock was never set: device-relative times, a real local_timestamp.
    ("unset-clock.fit", FitSpec(sessions=[run(datetime(2024, 3, 4, 5, 0, tzinfo=UTC), 1500.0,
                                              1530.0, 5000.0)], local_offset=HOUR,
                                device_clock_from=73_000),
     "2024-03-04", "2024-W10", 5000.0, 1500.0),
    # Wahoo: no sub_sport, no local_timestamp; the athlete's zone places it.
    ("wahoo.fit", FitSpec(sessions=[run(datetime(2024, 3, 17, 22, 50, tzinfo=UTC), 1200.0,
                                        1260.0, 3500.0, sub_sport=None)],
                          manufacturer="wahoo_fitness", local_offset=None),
     "2024-03-17", "2024-W11", 3500.0, 1200.0),
]  # fmt: skip
SUUNTO_START = datetime(2024, 3, 14, 22, 20, tzinfo=UTC)  # Thursday 23:20, compressed records


def tcx_run(start: datetime, metres: float, seconds: float) -> bytes:
    """A TCX as one maker's web app writes it: whitespace before the XML declaration."""
    return (
        "\n   \n<?xml version='1.0' encoding='UTF-8'?>\n"
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{seconds}'
        f"</TotalTimeSeconds><DistanceMeters>{metres}</DistanceMeters></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def gpx_track(start: datetime, name: str | None, kind: str | None, points: int = 60) -> bytes:
    name_element = f"<name>{name}</name>" if name else ""
    type_element = f"<type>{kind}</type>" if kind else ""
    body = "".join(
        f'<trkpt lat="{52.5 + index * 0.0002:.4f}" lon="13.4">'
        f"<time>{start + timedelta(seconds=10 * index):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for index in range(points)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="x" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk>{name_element}{type_element}<trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


def german_strava_export() -> bytes:
    header = localised_header(FIRST_BLOCK["de"], second_block_english=False)

    def row(activity_id: str, date: str, kind: str, km: str, metres: str, moving: str,
            elapsed: str, filename: str = "") -> list[str]:  # fmt: skip
        cells = [""] * len(header)
        cells[:7] = [activity_id, date, f"{kind} am Morgen", kind, "", elapsed.split(",")[0], km]
        cells[12] = filename
        cells[15:18] = [elapsed, moving, metres]
        return cells

    text = io.StringIO()
    csv.writer(text).writerows([
        header,
        # A run whose TCX file gives the values (not the row's rounded ones).
        row("2001", "06.03.2024, 18:00:00", "Lauf", "10,01", "10010,0", "3000,0", "3050,0",
            "activities/2001.tcx.gz"),
        # A ride: stored, not mileage.
        row("2002", "07.03.2024, 16:00:00", "Radfahrt", "40,50", "40500,0", "5400,0", "5600,0"),
        # A run with no file: the row's own values, decimal commas read.
        row("2003", "12.03.2024, 06:00:00", "Lauf", "7,50", "7500,0", "2400,5", "2460,0"),
    ])  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("activities.csv", text.getvalue())
        archive.writestr(
            "activities/2001.tcx.gz",
            gzip.compress(tcx_run(datetime(2024, 3, 6, 18, 0, tzinfo=UTC), 10012.3, 3000.5)),
        )
    return buffer.getvalue()


@pytest.fixture
def archives(tmp_path: Path) -> Path:
    folder = tmp_path / "archives"
    folder.mkdir()
    with zipfile.ZipFile(folder / "watches.zip", "w") as archive:
        for name, spec, *_ in FIT_RUNS:
            archive.writestr(f"fit/{name}", fit_bytes(spec))
        archive.writestr("fit/suunto.fit", compressed_record_file(SUUNTO_START))
    (folder / "export_de.zip").write_bytes(german_strava_export())
    (folder / "Abendlauf.gpx").write_bytes(
        gpx_track(datetime(2024, 3, 13, 17, 0, tzinfo=UTC), "Abendlauf am See", None)
    )
    (folder / "strava-code.gpx").write_bytes(
        gpx_track(datetime(2024, 3, 15, 17, 0, tzinfo=UTC), "Lunch", "9")
    )
    (folder / "mystery.gpx").write_bytes(
        gpx_track(datetime(2024, 3, 16, 9, 0, tzinfo=UTC), "Track 7", None)
    )
    return folder


def gpx_values(data: bytes) -> tuple[float, float]:
    parsed = gpxpy.parse(data.decode())
    moving = parsed.get_moving_data()
    return parsed.length_2d(), float(moving.moving_time)


@pytest.fixture
def bea(run_cli: Cli) -> Cli:
    added = run_cli("athlete", "add", "bea", "--body-weight", "60", "--timezone", "Europe/Berlin")
    assert added.exit_code == 0, added.stderr
    return run_cli


def weeks(cli: Cli) -> dict[str, dict[str, Any]]:
    result = cli("weekly", "bea", "--weeks", "400", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {week["week"]: week for week in json.loads(result.stdout)}


def test_archives_from_several_makers_and_a_german_strava_export(bea: Cli, archives: Path) -> None:
    result = bea("import", "bea", str(archives), "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)  # one JSON document, nothing else on stdout
    assert summary["failed"] == 0 and summary["imported"] == 11
    (unknown,) = summary["unusable"]
    assert unknown["what"] == "sport unknown" and unknown["files"] == 1
    assert "ironmiles activity set-sport" in unknown["fix"]
    assert [Path(name).name for name in unknown["names"]] == ["mystery.gpx"]

    listed = json.loads(bea("activity", "list", "bea", "--format", "json").stdout)
    runs = {a["start_utc"]: a for a in listed if a["sport"] == "run"}
    for _, spec, local_date, _, metres, timer in FIT_RUNS:
        activity = runs[f"{spec.sessions[0].start:%Y-%m-%dT%H:%M:%SZ}"]
        assert activity["local_date"] == local_date
        assert (activity["distance_m"], activity["moving_s"]) == (metres, timer)
    suunto = runs["2024-03-14T22:20:00Z"]
    assert (suunto["local_date"], suunto["distance_m"], suunto["moving_s"]) == (
        "2024-03-14", 8012.34, 3001.5,
    )  # fmt: skip
    strava_tcx = next(a for a in listed if a["source_id"] == "2001")
    assert (strava_tcx["distance_m"], strava_tcx["moving_s"]) == (10012.3, 3000.5)
    strava_row = next(a for a in listed if a["source_id"] == "2003")
    assert (strava_row["sport"], strava_row["distance_m"], strava_row["moving_s"]) == (
        "run", 7500.0, 2400.5,
    )  # fmt: skip
    assert next(a for a in listed if a["source_id"] == "2002")["sport"] == "ride"
    evening = gpx_values((archives / "Abendlauf.gpx").read_bytes())
    coded = gpx_values((archives / "strava-code.gpx").read_bytes())
    assert runs["2024-03-13T17:00:00Z"]["distance_m"] == pytest.approx(evening[0])
    assert runs["2024-03-15T17:00:00Z"]["moving_s"] == pytest.approx(coded[1])
    mystery = next(a for a in listed if a["start_utc"] == "2024-03-16T09:00:00Z")
    assert mystery["sport"] == "unknown"

    by_week = weeks(bea)
    assert by_week["2024-W09"]["runs"] == 1
    assert by_week["2024-W09"]["distance_km"] == pytest.approx(8.01234, abs=0.005)
    w10 = 6000.5 + 5000.0 + 10012.3
    assert by_week["2024-W10"]["distance_km"] == pytest.approx(w10 / 1000, abs=0.005)
    assert by_week["2024-W10"]["runs"] == 3
    w11 = 3500.0 + 8012.34 + 7500.0 + evening[0] + coded[0]
    assert by_week["2024-W11"]["distance_km"] == pytest.approx(w11 / 1000, abs=0.005)
    assert by_week["2024-W11"]["runs"] == 5

    # The person says the mystery track was a run: it counts at once, and for good.
    mystery_km = gpx_values((archives / "mystery.gpx").read_bytes())[0] / 1000
    set_sport = bea("activity", "set-sport", str(mystery["id"]), "run")
    assert set_sport.exit_code == 0, set_sport.stderr
    assert "weekly totals recomputed" in set_sport.stdout
    assert weeks(bea)["2024-W11"]["runs"] == 6
    assert weeks(bea)["2024-W11"]["distance_km"] == pytest.approx(
        w11 / 1000 + mystery_km, abs=0.005
    )
    table = bea("activity", "list", "bea").stdout
    assert "run*" in table
    again = bea("import", "bea", str(archives / "mystery.gpx"))
    assert again.exit_code == 0 and "1 duplicate(s)" in again.stdout
    edited = (archives / "mystery.gpx").read_bytes().replace(b"<name>Track 7</name>", b"")
    (archives / "mystery.gpx").write_bytes(edited)
    changed = bea("import", "bea", str(archives / "mystery.gpx"))
    assert changed.exit_code == 0, changed.stderr
    assert "1 updated" in changed.stdout and "updated: " in changed.stdout
    assert "sport unknown" not in changed.stdout  # the person's sport is kept
    after = json.loads(bea("activity", "list", "bea", "--format", "json").stdout)
    assert next(a for a in after if a["id"] == mystery["id"])["sport"] == "run"

    # ... and out again: a run that was a walk leaves the totals.
    out = bea("activity", "set-sport", str(strava_row["id"]), "walk")
    assert out.exit_code == 0, out.stderr
    assert weeks(bea)["2024-W11"]["runs"] == 5


def test_the_table_summary_names_what_it_could_not_use(bea: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.gpx").write_bytes(gpx_track(datetime(2024, 3, 1, 9, tzinfo=UTC), None, None))
    (tmp_path / "b.gpx").write_bytes(gpx_track(datetime(2024, 3, 2, 9, tzinfo=UTC), "x", None))
    (tmp_path / "c.gpx").write_bytes(b'<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"/>'
                                     b"</trkseg></trk></gpx>")  # fmt: skip
    (tmp_path / "d.fit").write_bytes(
        fit_bytes(
            FitSpec(
                sessions=[run(datetime(2024, 3, 3, 9, tzinfo=UTC), 60.0, 60.0, None)],
                local_offset=None,
                device_clock_from=5,
            )
        )
    )
    (tmp_path / "e.fit").write_bytes(
        fit_bytes(FitSpec(sessions=[run(datetime(2024, 3, 4, 9, tzinfo=UTC), 600.0, 600.0, None)]))
    )
    result = bea("import", "bea", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "sport unknown: 2 files; set it with `ironmiles activity set-sport`" in out
    assert "no distance: 1 file; they count 0 km" in out and "--distance-km" in out
    assert "no date: 2 files; nothing in them places them in a week" in out
    assert "clock was not set" in out and "no track point has a time" in out


def test_import_sport_sets_a_batch_and_bad_values_are_refused(bea: Cli, tmp_path: Path) -> None:
    for day in (1, 2):
        (tmp_path / f"{day}.gpx").write_bytes(
            gpx_track(datetime(2024, 3, day, 9, tzinfo=UTC), None, None)
        )
    refused = bea("import", "bea", str(tmp_path), "--sport", "parkour")
    assert refused.exit_code == 2 and "--sport='parkour'" in refused.stderr
    assert json.loads(bea("activity", "list", "bea", "--format", "json").stdout) == []
    result = bea("import", "bea", str(tmp_path), "--sport", "Run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["unusable"] == []
    listed = json.loads(bea("activity", "list", "bea", "--format", "json").stdout)
    assert [a["sport"] for a in listed] == ["run", "run"]
    assert weeks(bea)["2024-W09"]["runs"] == 2
    assert bea("activity", "set-sport", str(listed[0]["id"]), "skating").exit_code == 2
    missing = bea("activity", "set-sport", "999999", "run")
    assert missing.exit_code == 2 and "activity=999999 does not exist" in missing.stderr
