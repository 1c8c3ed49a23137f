"""Acceptance (issue 15), a second new user: a Madrid runner's watch archive (Polar, Suunto,
COROS, Amazfit, Wahoo and a Garmin whose clock was never set) and her Spanish Strava export,
which holds one of the watch's files again. Every run counts once, with the distance and moving
time its file reports, in the local ISO week (a week edge in UTC, the night clocks go forward),
whichever of the two archives is imported first."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from connectors.replay.fit_writer import FitSpec, fit_bytes
from tests.conftest import Cli
from tests.connectors.files.test_strava_languages import ENGLISH
from tests.flows.test_cli_import_archives import gpx_track, gpx_values, run

HOUR = timedelta(hours=1)  # Madrid in winter; two hours from 31 March 2024, 01:00 UTC
SHARED_START = datetime(2024, 3, 20, 17, 0, tzinfo=UTC)
SHARED = FitSpec(sessions=[run(SHARED_START, 2000.0, 2100.0, 6100.0)], local_offset=HOUR)
# file name -> (spec, local date the file means, distance m, timer s)
WATCH = {
    # Polar stamps activity.timestamp (and its local clock) at the start: Sunday 23:30.
    "polar/Polar_1.fit": (FitSpec(sessions=[run(datetime(2024, 3, 3, 22, 30, tzinfo=UTC),
                                                2950.0, 3100.0, 9123.45)],
                                  manufacturer="polar_electro", activity_timestamp="start",
                                  local_offset=HOUR), "2024-03-03", 9123.45, 2950.0),
    # Suunto: no local_timestamp, no sub_sport. Sunday 23:15 UTC is Monday 00:15 in Madrid.
    "suunto/run.fit": (FitSpec(sessions=[run(datetime(2024, 3, 10, 23, 15, tzinfo=UTC),
                                             1800.0, 1850.0, 5432.1, sub_sport=None)],
                               manufacturer="suunto", local_offset=None),
                       "2024-03-11", 5432.1, 1800.0),
    "coros/1.fit": (FitSpec(sessions=[run(datetime(2024, 3, 5, 6, 0, tzinfo=UTC), 2400.0,
                                          2500.0, 7000.0)], manufacturer="coros",
                            local_timestamp_of="start", local_offset=HOUR),
                    "2024-03-05", 7000.0, 2400.0),
    # Never-set clock, no local_timestamp: the phone-set file_id.time_created places it.
    "garmin/unset.fit": (FitSpec(sessions=[run(datetime(2024, 3, 6, 7, 0, tzinfo=UTC), 1500.0,
                                               1500.0, 4000.0)], local_offset=None,
                                 device_clock_from=12_345, absolute_time_created=True),
                         "2024-03-06", 4000.0, 1500.0),
    # The night the clocks go forward: Sunday 23:30 CEST, W13 (not Monday, not W14).
    "amazfit/zepp.fit": (FitSpec(sessions=[run(datetime(2024, 3, 31, 21, 30, tzinfo=UTC),
                                               3600.0, 3700.0, 10500.0)], manufacturer="zepp",
                                 local_timestamp_of="start", local_offset=2 * HOUR),
                         "2024-03-31", 10500.0, 3600.0),
    "wahoo/1.fit": (FitSpec(sessions=[run(datetime(2024, 3, 16, 22, 30, tzinfo=UTC), 1000.0,
                                          1010.0, 3000.0)], manufacturer="wahoo_fitness",
                            activity_timestamp="start", local_offset=None),
                    "2024-03-16", 3000.0, 1000.0),
    "garmin/shared.fit": (SHARED, "2024-03-20", 6100.0, 2000.0),
}  # fmt: skip
# The Spanish names of the first block (the importer goes by the layout, not by these).
SPANISH = ["ID de actividad", "Fecha de la actividad", "Nombre de la actividad",
           "Tipo de actividad", "Descripción de la actividad", "Tiempo transcurrido",
           "Distancia"]  # fmt: skip


def spanish_strava_export() -> bytes:
    header = SPANISH + ENGLISH[len(SPANISH) :]
    header[15:18] = ["Tiempo transcurrido", "Tiempo en movimiento", "Distancia"]
    rows = [
        ("9001", "12 mar 2024, 18:30:00", "Carrera", "2460", "7,50", "", "2400,5", "7500,4"),
        ("9002", "13 mar 2024, 17:00:00", "Bicicleta", "5600", "40,50", "", "5400,0", "40500,0"),
        # The watch's shared run, uploaded to Strava: the export holds its file again.
        ("9003", "20 mar 2024, 17:00:00", "Carrera", "2100", "6,10", "activities/9003.fit.gz",
         "2000,0", "6100,0"),
        ("9004", "22 mar 2024, 7:05:09", "Carrera por montaña", "3000", "8,25", "", "2900,0",
         "8250,7"),
    ]  # fmt: skip
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for activity_id, when, kind, elapsed, km, filename, moving, metres in rows:
        cells = [""] * len(header)
        cells[:7] = [activity_id, when, f"{kind} de tarde", kind, "", elapsed, km]
        cells[12] = filename
        cells[15:18] = [elapsed, moving, metres]
        writer.writerow(cells)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("activities.csv", text.getvalue())
        archive.writestr("activities/9003.fit.gz", gzip.compress(fit_bytes(SHARED)))
    return buffer.getvalue()


def tcx_with_bom(start: datetime) -> bytes:
    return (
        "\ufeff  \r\n<?xml version='1.0' encoding='UTF-8'?>\r\n"
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>3333.3</TotalTimeSeconds>'
        "<DistanceMeters>11111.1</DistanceMeters></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "descargas"
    folder.mkdir()
    with zipfile.ZipFile(folder / "relojes.zip", "w") as watches:
        for name, (spec, *_) in WATCH.items():
            watches.writestr(name, fit_bytes(spec))
    (folder / "export_12345.zip").write_bytes(spanish_strava_export())
    (folder / "tarde.gpx").write_bytes(
        gpx_track(datetime(2024, 3, 7, 18, 0, tzinfo=UTC), "Tarde", "9")  # Strava's code for Run
    )
    (folder / "retiro.gpx").write_bytes(
        gpx_track(datetime(2024, 3, 8, 18, 0, tzinfo=UTC), "Correr por el Retiro", None)
    )
    (folder / "flow.tcx").write_bytes(tcx_with_bom(datetime(2024, 3, 9, 9, 0, tzinfo=UTC)))
    return folder


def expected_runs(folder: Path) -> dict[str, tuple[str, float, float]]:
    """start_utc -> (local date, distance m, moving s), as each file says."""
    runs = {f"{spec.sessions[0].start:%Y-%m-%dT%H:%M:%SZ}": (day, metres, timer)
            for spec, day, metres, timer in WATCH.values()}  # fmt: skip
    runs["2024-03-12T18:30:00Z"] = ("2024-03-12", 7500.4, 2400.5)
    runs["2024-03-22T07:05:09Z"] = ("2024-03-22", 8250.7, 2900.0)
    runs["2024-03-09T09:00:00Z"] = ("2024-03-09", 11111.1, 3333.3)
    for name, start in (
        ("tarde.gpx", "2024-03-07T18:00:00Z"),
        ("retiro.gpx", "2024-03-08T18:00:00Z"),
    ):
        metres, moving = gpx_values((folder / name).read_bytes())  # what gpxpy makes of them
        runs[start] = (start[:10], metres, moving)
    return runs


def iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


@pytest.mark.parametrize("strava_first", [False, True], ids=["watch-first", "strava-first"])
def test_a_spanish_runner_s_watches_and_strava_export(
    run_cli: Cli, archive: Path, strava_first: bool
) -> None:
    added = run_cli("athlete", "add", "ana", "--body-weight", "58", "--timezone", "Europe/Madrid")
    assert added.exit_code == 0, added.stderr
    export = archive / "export_12345.zip"
    rest = sorted(str(path) for path in archive.iterdir() if path != export)
    for paths in ([str(export)], rest) if strava_first else (rest, [str(export)]):
        result = run_cli("import", "ana", *paths, "--format", "json")
        assert result.exit_code == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["failed"] == 0 and summary["unusable"] == [], summary

    listed = json.loads(run_cli("activity", "list", "ana", "--format", "json").stdout)
    counted = [a for a in listed if a["sport"] == "run" and a["canonical_id"] == a["id"]]
    runs = expected_runs(archive)
    assert sorted(a["start_utc"] for a in counted) == sorted(runs)  # each run once
    for activity in counted:
        day, metres, moving = runs[activity["start_utc"]]
        assert activity["local_date"] == day, activity
        assert activity["distance_m"] == pytest.approx(metres, abs=0.01), activity
        assert activity["moving_s"] == pytest.approx(moving, abs=0.01), activity
    shared = [a for a in listed if a["start_utc"] == f"{SHARED_START:%Y-%m-%dT%H:%M:%SZ}"]
    assert sorted(a["source"] for a in shared) == ["fit", "strava_export"]
    watch_copy = next(a["id"] for a in shared if a["source"] == "fit")  # Garmin's file ranks first
    assert {a["canonical_id"] for a in shared} == {watch_copy}
    ride = next(a for a in listed if a["source_id"] == "9002")
    assert (ride["sport"], ride["distance_m"]) == ("ride", 40500.0)

    weekly = run_cli("weekly", "ana", "--from", "2024-02-26", "--to", "2024-04-07",
                     "--format", "json")  # fmt: skip
    assert weekly.exit_code == 0, weekly.stderr
    by_week: dict[str, list[float]] = {}
    for day, metres, moving in runs.values():
        totals = by_week.setdefault(iso_week(day), [0.0, 0, 0.0])
        totals[0], totals[1], totals[2] = totals[0] + metres, totals[1] + 1, totals[2] + moving
    for week in json.loads(weekly.stdout):
        metres, count, moving = by_week.get(week["week"], [0.0, 0, 0.0])
        assert week["runs"] == count, week
        assert week["distance_km"] == pytest.approx(metres / 1000, abs=0.05), week
        assert week["moving_s"] == pytest.approx(moving, abs=1), week
    assert {week["week"] for week in json.loads(weekly.stdout)} >= set(by_week)
