"""Folders, zips (nested, as Garmin exports them), .gz files and Strava bulk exports, built in
tmp_path from the real files at test time."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from connectors.errors import FileFormatError, InputError
from connectors.files import InputFile, iter_inputs, parse_input
from connectors.files.inputs import Inputs
from connectors.files.strava_export import (
    StravaRow,
    StravaRowError,
    parse_activity_date,
    read_activities_csv,
)

FALLBACK = UTC
RUN = "garmin-fit_sports-lib/6782987395.fit"
TREADMILL = "garmin-fit_sports-lib/6860622783.fit"
MULTI = "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit"
GPX = "gpx_gpxpy/korita-zbevnica.gpx"
TCX = "tcx_python-tcxparser/test.tcx"


@pytest.fixture
def expand() -> Iterator[Callable[..., list[InputFile]]]:
    """iter_inputs listed, its archives closed when the test ends."""
    opened: list[Inputs] = []

    def listed(*paths: Path) -> list[InputFile]:
        inputs = iter_inputs(paths)
        opened.append(inputs)
        return list(inputs)

    yield listed
    for inputs in opened:
        inputs.close()


def names(items: list[InputFile], base: Path) -> list[str]:
    return [item.name.removeprefix(f"{base}/") for item in items]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_missing_path_is_input_error_before_anything(tmp_path: Path, shared_data: Path) -> None:
    with pytest.raises(InputError, match="PATH"):
        iter_inputs([shared_data / RUN, tmp_path / "nope.fit"])


def test_folder_recursion_skips_other_and_hidden_files(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    (tmp_path / "2025" / "10").mkdir(parents=True)
    (tmp_path / "2025" / "10" / "run.fit").write_bytes((shared_data / RUN).read_bytes())
    (tmp_path / "walk.GPX").write_bytes((shared_data / GPX).read_bytes())
    (tmp_path / "notes.txt").write_text("not an activity")
    (tmp_path / "._run.fit").write_bytes(b"macOS resource fork")
    items = expand(tmp_path)
    assert names(items, tmp_path) == ["2025/10/run.fit", "walk.GPX"]
    assert [item.kind for item in items] == ["fit", "gpx"]


def test_gz_files_are_read_decompressed(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    original = (shared_data / TCX).read_bytes()
    path = tmp_path / "ride.tcx.gz"
    path.write_bytes(gzip.compress(original))
    (item,) = expand(path)
    assert item.kind == "tcx"
    assert item.read_bytes() == original
    parsed = parse_input(item, fallback_tz=FALLBACK)
    assert parsed.activities[0].distance_m == pytest.approx(4689.24, rel=0.005)


def test_a_broken_gz_is_a_file_format_error(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    path = tmp_path / "run.fit.gz"
    path.write_bytes(gzip.compress((shared_data / RUN).read_bytes())[:-30])
    (item,) = expand(path)
    with pytest.raises(FileFormatError, match="gzip"):
        parse_input(item, fallback_tz=FALLBACK)


def test_garmin_export_with_nested_zips(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    inner = zip_bytes(
        {
            "user_123_ACTIVITY.fit": (shared_data / MULTI).read_bytes(),
            "user_124_ACTIVITY.fit": (shared_data / TREADMILL).read_bytes(),
            "README.html": b"<html/>",
        }
    )
    outer = zip_bytes(
        {
            "DI_CONNECT/DI-Connect-Fitness/summary.json": b"{}",
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner,
            "DI_CONNECT/DI-Connect-Uploaded-Files/run.fit.gz": gzip.compress(
                (shared_data / RUN).read_bytes()
            ),
            "__MACOSX/._run.fit": b"junk",
        }
    )
    path = tmp_path / "garmin_export.zip"
    path.write_bytes(outer)
    items = expand(path)
    assert [item.name.removeprefix(f"{path}!") for item in items] == [
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!user_123_ACTIVITY.fit",
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!user_124_ACTIVITY.fit",
        "DI_CONNECT/DI-Connect-Uploaded-Files/run.fit.gz",
    ]
    parsed = [parse_input(item, fallback_tz=FALLBACK) for item in items]
    assert [len(p.activities) for p in parsed] == [3, 1, 1]
    assert sum(len(p.lift_sets) for p in parsed) == 20
    assert (
        parsed[2].sha256 == parse_input(expand(shared_data / RUN)[0], fallback_tz=FALLBACK).sha256
    ), "the hash is of the decompressed file, so a .gz copy is the same file"


def test_a_corrupt_zip_is_one_unreadable_input(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    good = tmp_path / "a.fit"
    good.write_bytes((shared_data / RUN).read_bytes())
    bad = tmp_path / "b.zip"
    bad.write_bytes(zip_bytes({"x.fit": b"1234"})[:40])
    items = expand(tmp_path)
    assert [item.kind for item in items] == ["fit", "unreadable"]
    with pytest.raises(FileFormatError, match="zip"):
        parse_input(items[1], fallback_tz=FALLBACK)


# --- Strava bulk export -----------------------------------------------------------------------

HEADER = [
    "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
    "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
    "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
    "Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain",
    "Average Heart Rate",
]  # fmt: skip


def strava_row(
    activity_id: str,
    date: str,
    name: str,
    kind: str,
    elapsed: str,
    km: str,
    filename: str,
    moving: str,
    metres: str,
) -> list[str]:
    return [activity_id, date, name, kind, "", elapsed.split(".")[0], km, "", "", "false", "",
            "", filename, "", "", elapsed, moving, metres, "", "", "", ""]  # fmt: skip


def strava_export(shared_data: Path) -> dict[str, bytes]:
    rows = [
        strava_row("1001", "Jun 15, 2019, 9:42:23 AM", "Sunday long run\nwith hills", "Run",
                   "4989.0", "14.00", "activities/1001.fit.gz", "4989.0", "14004.849609"),
        strava_row("1002", "2 Feb 2020, 11:19:33", "Treadmill", "Run", "3763.0", "10.63",
                   "activities/1002.fit.gz", "3097.0", "10630.4"),
        strava_row("1003", "3 Oct 2010, 09:36:30", 'Hike "Korita"', "Hike", "13381.0", "14.91",
                   "activities/1003.gpx.gz", "7084.0", "14913.7"),
        strava_row("1004", "Dec 26, 2012, 9:29:53 PM", "Track", "Run", "1992.0", "4.69",
                   "activities/1004.tcx.gz", "1992.0", "4689.2"),
        strava_row("1005", "Jan 1, 2024, 10:00:00 AM", "Gym, no file", "Weight Training",
                   "3600.0", "0.00", "", "3000.0", "0.0"),
        strava_row("1006", "Oct 1, 2025, 9:10:26 AM", "Strength + run", "Workout", "2545.0",
                   "1.07", "activities/1006.fit.gz", "2545.0", "1065.5"),
        strava_row("1007", "31/31/2024 25:00", "Bad date", "Run", "60", "0.1", "", "60", "100"),
        strava_row("1008", "Jan 2, 2024, 7:00:00 AM", "File missing", "Run", "1800.0", "5.00",
                   "activities/1008.fit.gz", "1790.0", "5001.0"),
    ]  # fmt: skip
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *rows])
    files = {
        "activities/1001.fit.gz": gzip.compress((shared_data / RUN).read_bytes()),
        "activities/1002.fit.gz": gzip.compress((shared_data / TREADMILL).read_bytes()),
        "activities/1003.gpx.gz": gzip.compress((shared_data / GPX).read_bytes()),
        "activities/1004.tcx.gz": gzip.compress((shared_data / TCX).read_bytes()),
        "activities/1006.fit.gz": gzip.compress((shared_data / MULTI).read_bytes()),
        "activities/unlisted.fit": (shared_data / "garmin-fit_python-fitparse" /
                                    "garmin-fenix-5-bike.fit").read_bytes(),
    }  # fmt: skip
    return {"activities.csv": text.getvalue().encode(), "profile.csv": b"x", **files}


def test_strava_export_one_activity_per_row_enriched_by_its_file(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    path = tmp_path / "export_12345.zip"
    path.write_bytes(zip_bytes(strava_export(shared_data)))
    items = expand(path)
    kinds = [item.kind for item in items]
    # 7 readable rows, 1 row with a bad date, and the one file no row names.
    assert kinds.count("strava_activity") == 7
    assert kinds.count("unreadable") == 1
    assert kinds.count("fit") == 1 and items[-1].name.endswith("activities/unlisted.fit")
    bad = next(item for item in items if item.kind == "unreadable")
    assert "Activity Date='31/31/2024 25:00'" in (bad.error or "")

    parsed = {
        item.strava_row.activity_id: parse_input(item, fallback_tz=FALLBACK)
        for item in items
        if item.strava_row is not None
    }
    assert all(len(p.activities) == 1 for p in parsed.values())
    run = parsed["1001"].activities[0]
    assert run.source == "strava_export" and run.source_id == "1001"
    assert run.name == "Sunday long run\nwith hills"
    assert run.distance_m == pytest.approx(14004.85, abs=0.01)  # the file's own value
    assert run.moving_s == pytest.approx(4989.112, abs=0.01)
    assert run.local_start == datetime(2019, 6, 15, 5, 42, 23)  # the file's -4 h offset
    treadmill = parsed["1002"].activities[0]
    assert (treadmill.sport, treadmill.sub_sport) == ("run", "treadmill")
    assert treadmill.moving_s == pytest.approx(3097.789, abs=0.01)
    hike = parsed["1003"].activities[0]
    assert hike.sport == "walk" and hike.name == 'Hike "Korita"'
    assert hike.distance_m == pytest.approx(14913.7, rel=0.005)
    assert parsed["1004"].activities[0].distance_m == pytest.approx(4689.24, rel=0.005)
    gym = parsed["1005"].activities[0]
    assert (gym.sport, gym.moving_s, gym.elapsed_s) == ("strength", 3000.0, 3600.0)
    assert gym.start_utc == datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    # The multi-session file stays one activity (the row's), with the file's sets pointing at it.
    combined = parsed["1006"]
    assert len(combined.activities) == 1
    assert combined.activities[0].distance_m == pytest.approx(1065.5)
    assert len(combined.lift_sets) == 20
    assert {lift.session_source_id for lift in combined.lift_sets} == {"1006"}
    assert combined.activities[0].local_start == datetime(2025, 10, 1, 12, 10, 26)  # +3 h
    missing = parsed["1008"].activities[0]
    assert (missing.distance_m, missing.moving_s) == (5001.0, 1790.0)


def test_strava_export_as_an_unzipped_folder(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    for name, data in strava_export(shared_data).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    items = expand(tmp_path)
    assert [item.kind for item in items].count("strava_activity") == 7


def test_a_strava_row_whose_file_is_broken_still_gives_the_row(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    export = strava_export(shared_data)
    export["activities/1001.fit.gz"] = gzip.compress(b"\x0e\x10garbage")
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes(export))
    item = next(i for i in expand(path) if i.strava_row and i.strava_row.activity_id == "1001")
    parsed = parse_input(item, fallback_tz=FALLBACK)
    (activity,) = parsed.activities
    assert activity.distance_m == pytest.approx(14004.849609)  # the row's metres
    assert parsed.problem is not None and "unreadable" in parsed.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 May 2024, 08:19:26", datetime(2024, 5, 22, 8, 19, 26, tzinfo=UTC)),
        ("Jan 1, 2024, 10:00:00 AM", datetime(2024, 1, 1, 10, 0, tzinfo=UTC)),
        ("Jan 1, 2024, 10:00:00\u202fPM", datetime(2024, 1, 1, 22, 0, tzinfo=UTC)),
        ("22 Sept 2024, 18:19:26", datetime(2024, 9, 22, 18, 19, 26, tzinfo=UTC)),
        ("2024-05-22 08:19:26", datetime(2024, 5, 22, 8, 19, 26, tzinfo=UTC)),
        ("22.05.2024, 08:19:26", datetime(2024, 5, 22, 8, 19, 26, tzinfo=UTC)),
    ],
)
def test_activity_dates_in_the_accounts_locale(text: str, expected: datetime) -> None:
    assert parse_activity_date(text) == expected


def test_a_csv_that_is_not_a_strava_export_is_refused(
    expand: Callable[..., list[InputFile]], tmp_path: Path
) -> None:
    (tmp_path / "activities.csv").write_text("date,km\n2024-01-01,5\n")
    (item,) = expand(tmp_path)
    assert item.kind == "unreadable" and "Activity ID" in (item.error or "")


def test_two_strava_exports_in_one_folder(
    expand: Callable[..., list[InputFile]], tmp_path: Path, shared_data: Path
) -> None:
    for export in ("first", "second"):
        for name, data in strava_export(shared_data).items():
            (tmp_path / export / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / export / name).write_bytes(data)
    items = expand(tmp_path)
    assert [item.kind for item in items].count("strava_activity") == 14
    assert [item.kind for item in items].count("fit") == 2  # each export's unlisted file


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["Jan 1, 2024, 10:00:00 AM",
                 "Run", "5.0", "activities/1.fit.gz", "", "1,5"])), max_size=25),
        max_size=6,
    ),
    raw_tail=st.binary(max_size=30),
)  # fmt: skip
def test_any_activities_csv_gives_rows_row_errors_or_a_file_format_error(
    rows: list[list[str]], raw_tail: bytes
) -> None:
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *rows])
    try:
        results = list(read_activities_csv(text.getvalue().encode() + raw_tail))
    except FileFormatError:
        event("file refused")
        return
    event("rows read" if any(isinstance(r, StravaRow) for r in results) else "no rows read")
    for result in results:
        if isinstance(result, StravaRow):
            assert result.start_utc.tzinfo is not None
            assert "\x00" not in (result.name or "")
        else:
            assert isinstance(result, StravaRowError) and result.reason


def test_a_nested_zip_larger_than_the_member_limit_is_still_expanded(
    expand: Callable[..., list[InputFile]],
    tmp_path: Path,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = (shared_data / RUN).read_bytes()
    inner = zip_bytes({"big_part.fit": run})
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes({"part1.zip": inner, "loose.fit": run}))
    # An activity file above the limit is refused; a zip above it is spooled and opened.
    monkeypatch.setattr("connectors.files.inputs.MAX_MEMBER_BYTES", len(run) - 1)
    monkeypatch.setattr("connectors.files.inputs._SPOOL_IN_MEMORY", 1024)  # spill to disk
    items = expand(path)
    assert [item.name.rsplit("!", 1)[-1] for item in items] == ["loose.fit", "big_part.fit"]
    for item in items:
        with pytest.raises(FileFormatError, match="too large"):
            item.read_bytes()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_archive_never_crashes_the_listing_or_the_reading(
    tmp_path: Path, shared_data: Path, data: st.DataObject
) -> None:
    run = (shared_data / "garmin-fit_python-fitparse/garmin-fenix-5-run.fit").read_bytes()
    archive = bytearray(
        zip_bytes(
            {
                "nested.zip": zip_bytes({"a.fit": run}),
                "b.fit.gz": gzip.compress(run),
                "c.fit": run,
            }
        )
    )
    for _ in range(data.draw(st.integers(1, 6))):
        archive[data.draw(st.integers(0, len(archive) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        archive = archive[: data.draw(st.integers(0, len(archive)))]
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(archive))
    with iter_inputs([path]) as inputs:
        for item in inputs:
            try:
                parse_input(item, fallback_tz=FALLBACK)
            except FileFormatError:
                continue
