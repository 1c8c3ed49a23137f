"""`ironmiles import` and `ironmiles activity list` on SQLite and PostgreSQL, on the real files."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import Cli
from warehouse.models import Activity, ImportLog, LiftSession, LiftSet

RUNS_2_2 = {
    # INVENTORY.md §2.2, keyed by start UTC: (distance m, timer s)
    "2025-10-01T09:21:51Z": (1065.49, 1011.819),
    "2013-02-06T12:11:14Z": (4835.38, 2625.14),
    "2012-04-09T21:22:26Z": (5.73, 13.749),
    "2015-08-15T14:45:08Z": (9008.22, 2832.0),
    "2017-01-17T17:06:47Z": (6753.99, 3424.0),
    "2017-06-11T14:34:09Z": (157.56, 56.887),
    "2021-09-27T14:13:10Z": (11274.04, 3558.0),
    "2019-06-15T09:42:23Z": (14004.85, 4989.112),
    "2020-02-02T11:19:33Z": (10630.37, 3097.789),
}


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def ana(run_cli: Cli) -> Cli:
    result = run_cli(
        "athlete", "add", "ana", "--body-weight", "70", "--timezone", "Europe/Helsinki"
    )
    assert result.exit_code == 0, result.stderr
    return run_cli


def test_import_the_real_files_then_list_them(
    ana: Cli, shared_data: Path, warehouse_engine: Engine
) -> None:
    result = ana("import", "ana", str(shared_data))
    assert result.exit_code == 0, result.stderr
    assert "2 partial, 2 failed" in result.stdout
    assert "gpx_with_garmin_extension.gpx: GPX has no track points" in result.stdout
    assert "recorded in the import log" in result.stdout

    listed = ana("activity", "list", "ana", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows = json.loads(listed.stdout)
    runs = {r["start_utc"]: r for r in rows if r["sport"] == "run" and r["source"] == "fit"}
    for start, (distance, timer) in RUNS_2_2.items():
        assert runs[start]["distance_m"] == pytest.approx(distance, abs=0.01), start
        assert runs[start]["moving_s"] == pytest.approx(timer, abs=0.01), start
    assert set(rows[0]) == {
        "id", "source", "source_id", "sport", "sub_sport", "start_utc", "local_date",
        "distance_m", "source_distance_m", "moving_s", "elapsed_s", "partial", "canonical_id",
    }  # fmt: skip
    assert all(r["canonical_id"] == r["id"] for r in rows)
    treadmill = runs["2020-02-02T11:19:33Z"]
    assert (treadmill["sub_sport"], treadmill["partial"]) == ("treadmill", False)
    assert runs["2021-09-27T14:13:10Z"]["partial"] is True

    lifts = json.loads(ana("lift", "list", "ana", "--format", "json").stdout)
    assert len(lifts) == 38 + 20 + 14  # §2.5 active sets with reps and weights
    assert {lift["source"] for lift in lifts} == {"fit"}
    assert sum(lift["reps"] for lift in lifts) == 279 + 178 + 74
    assert sum(lift["reps"] * lift["weight_kg"] for lift in lifts) == pytest.approx(572 + 500 + 336)

    with warehouse_engine.connect() as connection:
        failed = connection.execute(
            select(ImportLog.path, ImportLog.reason).where(ImportLog.status == "failed")
        ).all()
    assert len(failed) == 2
    assert all("no track points" in (reason or "") for _, reason in failed)


def test_reimporting_adds_nothing(ana: Cli, shared_data: Path, warehouse_engine: Engine) -> None:
    folder = shared_data / "garmin-fit_jarkko-fit-analyzer"
    assert ana("import", "ana", str(folder)).exit_code == 0
    activities, sets = count(warehouse_engine, Activity), count(warehouse_engine, LiftSet)
    assert (activities, sets) == (5, 72)
    again = ana("import", "ana", str(folder))
    assert again.exit_code == 0
    assert "0 file(s) imported (0 activities, 0 lift sets), 3 duplicate(s) skipped" in again.stdout
    assert (count(warehouse_engine, Activity), count(warehouse_engine, LiftSet)) == (5, 72)


def test_the_same_files_in_an_archive_are_duplicates(
    ana: Cli, shared_data: Path, tmp_path: Path, warehouse_engine: Engine
) -> None:
    run = shared_data / "garmin-fit_sports-lib/6782987395.fit"
    assert ana("import", "ana", str(run)).exit_code == 0
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as nested:
            nested.writestr("a.fit", run.read_bytes())
        zipped.writestr("nested.zip", inner.getvalue())
        zipped.writestr("b.fit.gz", gzip.compress(run.read_bytes()))
    result = ana("import", "ana", str(archive))
    assert result.exit_code == 0, result.stderr
    assert "2 duplicate(s) skipped" in result.stdout
    assert count(warehouse_engine, Activity) == 1


def test_unknown_athlete_and_missing_path_exit_2_writing_nothing(
    run_cli: Cli, shared_data: Path, tmp_path: Path, warehouse_engine: Engine
) -> None:
    unknown = run_cli("import", "nobody", str(shared_data / "garmin-fit_sports-lib"))
    assert unknown.exit_code == 2
    assert "athlete='nobody' is not known" in unknown.stderr
    run_cli("athlete", "add", "ana", "--body-weight", "70", "--timezone", "UTC")
    missing = run_cli(
        "import", "ana", str(shared_data / "garmin-fit_sports-lib"), str(tmp_path / "x")
    )
    assert missing.exit_code == 2
    assert "PATH=" in missing.stderr
    assert count(warehouse_engine, Activity) == 0
    assert count(warehouse_engine, ImportLog) == 0


def test_activity_list_dates_and_table(ana: Cli, shared_data: Path) -> None:
    ana("import", "ana", str(shared_data / "garmin-fit_jarkko-fit-analyzer"))
    # Helsinki is UTC+3: the 17:44 UTC session of 2025-10-20 is that local date.
    rows = json.loads(
        ana("activity", "list", "ana", "--from", "2025-10-02", "--to", "2025-10-31",
            "--format", "json").stdout
    )  # fmt: skip
    assert [(r["local_date"], r["sport"]) for r in rows] == [("2025-10-20", "strength")]
    table = ana("activity", "list", "ana")
    assert table.exit_code == 0
    assert "strength" in table.stdout and "1.07" in table.stdout
    bad = ana("activity", "list", "ana", "--from", "yesterday")
    assert bad.exit_code == 2 and "--from='yesterday'" in bad.stderr


def test_progress_goes_to_stderr_and_json_stays_clean(ana: Cli, shared_data: Path) -> None:
    result = ana("import", "ana", str(shared_data / "garmin-fit_python-fitparse"))
    assert result.exit_code == 0
    assert "importing" not in result.stdout
    listed = ana("activity", "list", "ana", "--format", "json")
    assert isinstance(json.loads(listed.stdout), list)


def test_a_folder_without_activity_files_is_bad_input(ana: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no activities here")
    result = ana("import", "ana", str(tmp_path))
    assert result.exit_code == 2
    assert "nothing to import there" in result.stderr


def test_a_strava_export_imports_one_activity_per_row(
    ana: Cli, shared_data: Path, tmp_path: Path, warehouse_engine: Engine
) -> None:
    from tests.connectors.files.test_inputs import strava_export, zip_bytes

    archive = tmp_path / "export_12345.zip"
    archive.write_bytes(zip_bytes(strava_export(shared_data)))
    result = ana("import", "ana", str(archive))
    assert result.exit_code == 0, result.stderr
    assert "1 failed" in result.stdout and "Activity Date='31/31/2024 25:00'" in result.stdout
    # Row 1008's file is not in the export: its totals are stored, and the user is told.
    assert "1 Strava row(s) name a file the export does not hold (activities/1008.fit.gz)" in (
        result.stdout
    )
    rows = json.loads(ana("activity", "list", "ana", "--format", "json").stdout)
    by_source: dict[str, list[str]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row["source_id"])
    # 7 readable rows (the file of each is not a second activity) + the one unlisted FIT file.
    assert sorted(by_source["strava_export"]) == ["1001", "1002", "1003", "1004", "1005", "1006",
                                                  "1008"]  # fmt: skip
    assert len(by_source["fit"]) == 1
    lifts = json.loads(ana("lift", "list", "ana", "--format", "json").stdout)
    assert len(lifts) == 20  # the strength-run-strength file's active sets, under row 1006
    with warehouse_engine.connect() as connection:
        linked = connection.execute(
            select(Activity.source_id)
            .join(LiftSession, LiftSession.activity_id == Activity.id)
            .distinct()
        ).all()
    assert linked == [("1006",)]
    again = ana("import", "ana", str(archive))
    assert "8 duplicate(s) skipped" in again.stdout
    assert count(warehouse_engine, Activity) == 8


def test_the_activity_table_fits_80_columns_and_shows_a_correction(
    ana: Cli, shared_data: Path
) -> None:
    # A user's terminal, or a pipe, is 80 columns: the date and the km must not be cut off.
    narrow = Cli({**ana.env, "COLUMNS": "80"})
    treadmill = shared_data / "garmin-fit_sports-lib/6860622783.fit"
    assert narrow("import", "ana", str(treadmill)).exit_code == 0
    (row,) = json.loads(narrow("activity", "list", "ana", "--format", "json").stdout)
    table = narrow("activity", "list", "ana").stdout
    assert "2020-02-02" in table and "10.63" in table and "…" not in table
    assert narrow("activity", "correct", str(row["id"]), "--distance-km", "8.2").exit_code == 0
    corrected = narrow("activity", "list", "ana").stdout
    assert "8.20*" in corrected and "10.63" not in corrected and "corrected" in corrected
    # The JSON gives the distance every total counts, and the source's beside it.
    (again,) = json.loads(narrow("activity", "list", "ana", "--format", "json").stdout)
    assert again["distance_m"] == 8200.0
    assert again["source_distance_m"] == row["distance_m"] == pytest.approx(10630.37)
