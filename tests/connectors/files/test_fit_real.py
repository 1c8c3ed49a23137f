"""Acceptance on the real FIT files: the values INVENTORY.md says each file reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from connectors.errors import FileFormatError
from connectors.files import parse_bytes
from connectors.files.parsed import ParsedFile
from tests.connectors.files.conftest import inventory_active_sets

UTC_ZONE = UTC

# INVENTORY.md §2.2: every running session, as the file's own session message reports it.
# (file, session #, sub_sport, total_distance m, total_timer_time s, total_elapsed_time s,
#  avg HR, max HR, start UTC)
RUNNING_SESSIONS = [
    (
        "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit",
        1,
        "generic",
        1065.49,
        1011.819,
        1282.457,
        103,
        115,
        "2025-10-01 09:21:51",
    ),
    (
        "garmin-fit_python-fitparse/2013-02-06-12-11-14.fit",
        0,
        "generic",
        4835.38,
        2625.14,
        2625.14,
        147,
        171,
        "2013-02-06 12:11:14",
    ),
    (
        "garmin-fit_python-fitparse/activity-settings-corruptheader.fit",
        0,
        "generic",
        5.73,
        13.749,
        13.749,
        None,
        None,
        "2012-04-09 21:22:26",
    ),
    (
        "garmin-fit_python-fitparse/activity-small-fenix2-run.fit",
        0,
        None,
        9008.22,
        2832.0,
        2832.0,
        None,
        None,
        "2015-08-15 14:45:08",
    ),
    (
        "garmin-fit_python-fitparse/activity-unexpected-eof.fit",
        0,
        "generic",
        5.73,
        13.749,
        13.749,
        None,
        None,
        "2012-04-09 21:22:26",
    ),
    (
        "garmin-fit_python-fitparse/developer-types-sample.fit",
        0,
        "generic",
        6753.99,
        3424.0,
        3424.0,
        None,
        None,
        "2017-01-17 17:06:47",
    ),
    (
        "garmin-fit_python-fitparse/garmin-fenix-5-run.fit",
        0,
        "generic",
        157.56,
        56.887,
        56.887,
        90,
        112,
        "2017-06-11 14:34:09",
    ),
    (
        "garmin-fit_python-fitparse/strava-android-app-201.10-b1218918.fit",
        0,
        None,
        11274.04,
        3558.0,
        3558.0,
        None,
        None,
        "2021-09-27 14:13:10",
    ),
    (
        "garmin-fit_sports-lib/6782987395.fit",
        0,
        "generic",
        14004.85,
        4989.112,
        4989.112,
        137,
        167,
        "2019-06-15 09:42:23",
    ),
    (
        "garmin-fit_sports-lib/6860622783.fit",
        0,
        "treadmill",
        10630.37,
        3097.789,
        3763.503,
        145,
        177,
        "2020-02-02 11:19:33",
    ),
]

# §2.1 "UTC offset" column (activity.local_timestamp - activity.timestamp); None = not in file.
UTC_OFFSET_HOURS = {
    "12129115726_ACTIVITY.fit": -6,
    "20474406937_ACTIVITY.fit": 3,
    "20555050352_ACTIVITY.fit": 3,
    "20748058539_ACTIVITY.fit": 3,
    "2013-02-06-12-11-14.fit": None,
    "activity-settings-corruptheader.fit": -4,
    "activity-small-fenix2-run.fit": 2,
    "activity-unexpected-eof.fit": None,
    "developer-types-sample.fit": None,
    "garmin-fenix-5-bike.fit": -7,
    "garmin-fenix-5-run.fit": -7,
    "strava-android-app-201.10-b1218918.fit": None,
    "6782987395.fit": -4,
    "6860622783.fit": -5,
}

# A zone no real file uses, so a fallback can be told apart from the file's own offset.
FALLBACK = timezone(timedelta(hours=9, minutes=30))


def parse(path: Path) -> ParsedFile:
    return parse_bytes(path.read_bytes(), "fit", name=path.name, fallback_tz=FALLBACK)


@pytest.mark.parametrize(
    ("relative", "index", "sub_sport", "distance", "timer", "elapsed", "avg_hr", "max_hr", "start"),
    RUNNING_SESSIONS,
    ids=[f"{row[0].split('/')[1]}#{row[1]}" for row in RUNNING_SESSIONS],
)
def test_every_running_session_imports_as_the_file_reports(
    shared_data: Path,
    relative: str,
    index: int,
    sub_sport: str | None,
    distance: float,
    timer: float,
    elapsed: float,
    avg_hr: int | None,
    max_hr: int | None,
    start: str,
) -> None:
    parsed = parse(shared_data / relative)
    activity = next(a for a in parsed.activities if a.source_id.endswith(f":s{index}"))
    assert activity.sport == "run"
    assert activity.sub_sport == sub_sport
    assert activity.distance_m == pytest.approx(distance, abs=0.01)
    assert activity.moving_s == pytest.approx(timer, abs=0.01)
    assert activity.elapsed_s == pytest.approx(elapsed, abs=0.01)
    assert (activity.avg_hr, activity.max_hr) == (avg_hr, max_hr)
    assert activity.start_utc == datetime.fromisoformat(start).replace(tzinfo=UTC)


def test_local_start_uses_the_files_offset_and_else_the_athletes_zone(
    fit_files: list[Path],
) -> None:
    for path in fit_files:
        parsed = parse(path)
        hours = UTC_OFFSET_HOURS[path.name]
        for activity in parsed.activities:
            assert activity.local_start is not None
            if hours is None:
                expected = activity.start_utc.astimezone(FALLBACK).replace(tzinfo=None)
                assert activity.raw["local_time_from"] == "athlete_timezone"
            else:
                expected = (activity.start_utc + timedelta(hours=hours)).replace(tzinfo=None)
                assert activity.raw["local_time_from"] == "file"
            assert activity.local_start == expected, path.name


def test_sport_families_of_every_session(fit_files: list[Path]) -> None:
    families = {
        path.name: [(a.sport, a.sub_sport) for a in parse(path).activities] for path in fit_files
    }
    assert families["20555050352_ACTIVITY.fit"] == [
        ("strength", "strength_training"),
        ("run", "generic"),
        ("strength", "strength_training"),
    ]
    assert families["12129115726_ACTIVITY.fit"] == [("other", "yoga")]
    assert families["garmin-fenix-5-bike.fit"] == [("ride", "generic")]
    assert families["6860622783.fit"] == [("run", "treadmill")]
    assert families["20474406937_ACTIVITY.fit"] == [("strength", "strength_training")]
    # A run is a run only when the file says running: the ride and the yoga are not.
    runs = sum(family == "run" for items in families.values() for family, _ in items)
    assert runs == len(RUNNING_SESSIONS)


def test_multi_session_file_gives_three_activities_under_one_parent(shared_data: Path) -> None:
    parsed = parse(shared_data / "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit")
    assert len(parsed.activities) == 3
    parents = {activity.parent_source_id for activity in parsed.activities}
    assert len(parents) == 1
    assert None not in parents
    assert len({activity.source_id for activity in parsed.activities}) == 3
    # §2.3: the two strength legs' own timer times
    assert [a.moving_s for a in parsed.activities] == pytest.approx([353.028, 1011.819, 1180.648])


def test_single_session_files_have_no_parent(shared_data: Path) -> None:
    parsed = parse(shared_data / "garmin-fit_sports-lib/6782987395.fit")
    assert [a.parent_source_id for a in parsed.activities] == [None]


@pytest.mark.parametrize(
    ("name", "partial"),
    [
        ("activity-unexpected-eof.fit", True),
        ("strava-android-app-201.10-b1218918.fit", True),
        ("activity-settings-corruptheader.fit", True),
        ("2013-02-06-12-11-14.fit", False),  # header CRC 0x0000 means "not computed": legal
        ("garmin-fenix-5-run.fit", False),
    ],
)
def test_damaged_files_whose_session_is_readable_import_as_partial(
    shared_data: Path, name: str, partial: bool
) -> None:
    parsed = parse(shared_data / "garmin-fit_python-fitparse" / name)
    assert parsed.partial is partial
    assert [a.partial for a in parsed.activities] == [partial]
    assert (parsed.problem is not None) is partial


def test_reimport_gives_identical_records(shared_data: Path) -> None:
    path = shared_data / "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit"
    assert parse(path) == parse(path)


def test_strength_files_give_the_inventorys_active_sets(shared_data: Path) -> None:
    expected_by_file = inventory_active_sets(shared_data)
    folders = {"12129115726_ACTIVITY.fit": "garmin-fit_garth"}
    for file_name, expected in expected_by_file.items():
        folder = folders.get(file_name, "garmin-fit_jarkko-fit-analyzer")
        parsed = parse(shared_data / folder / file_name)
        lifted = [row for row in expected if row.reps is not None or row.weight_kg is not None]
        got = [
            (lift.raw["set_message_index"], lift.reps, lift.weight_kg, lift.exercise)
            for lift in parsed.lift_sets
        ]
        want = [
            (
                row.message_number,
                row.reps,
                row.weight_kg,
                row.exercise_name or row.first_category or "unknown",
            )
            for row in lifted
        ]
        assert got == want, file_name


def test_yoga_set_messages_give_no_lift_sets(shared_data: Path) -> None:
    parsed = parse(shared_data / "garmin-fit_garth/12129115726_ACTIVITY.fit")
    assert parsed.lift_sets == ()
    assert len(parsed.activities) == 1


def test_sets_of_a_strength_run_strength_file_go_to_the_strength_session_holding_them(
    shared_data: Path,
) -> None:
    parsed = parse(shared_data / "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit")
    first, run, last = (activity.source_id for activity in parsed.activities)
    by_session: dict[str, list[int]] = {}
    for lift in parsed.lift_sets:
        assert lift.session_source_id is not None
        by_session.setdefault(lift.session_source_id, []).append(lift.raw["set_message_index"])
    # §2.5: messages 0-6 fall in the first strength leg (09:10-09:20), 9-39 in the last.
    assert by_session == {first: [0, 2, 4, 6], last: list(range(9, 40, 2))}
    assert run not in by_session
    # 1-based within each session, local date from the file's own +3 h offset
    assert [lift.set_index for lift in parsed.lift_sets][:5] == [1, 2, 3, 4, 1]
    assert {lift.performed_on.isoformat() for lift in parsed.lift_sets} == {"2025-10-01"}


def test_lift_set_source_ids_are_unique_and_stable(shared_data: Path) -> None:
    path = shared_data / "garmin-fit_jarkko-fit-analyzer/20474406937_ACTIVITY.fit"
    ids = [lift.source_id for lift in parse(path).lift_sets]
    assert len(set(ids)) == len(ids) == 38
    assert ids == [lift.source_id for lift in parse(path).lift_sets]
    assert all(lift.source == "fit" for lift in parse(path).lift_sets)


@pytest.mark.parametrize("data", [b"", b"not a fit file at all", b"\x0e\x10" + b"\x00" * 20])
def test_unreadable_bytes_raise_file_format_error(data: bytes) -> None:
    with pytest.raises(FileFormatError):
        parse_bytes(data, "fit", name="junk.fit", fallback_tz=UTC_ZONE)


def test_session_rpe_is_the_watchs_rating_over_ten(shared_data: Path) -> None:
    from garmin_fit_sdk import Decoder, Stream

    path = shared_data / "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit"
    messages, _ = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    ratings = [session.get("workout_rpe") for session in messages["session_mesgs"]]
    assert ratings == [None, None, 20]  # only the last strength leg was rated
    assert [a.rpe for a in parse(path).activities] == [None, None, 2.0]


# INVENTORY.md §2.3: the non-running sessions (file, session #, family, sub_sport, timer s,
# elapsed s, distance m or None, avg HR, max HR).
OTHER_SESSIONS = [
    ("garmin-fit_garth/12129115726_ACTIVITY.fit", 0, "other", "yoga", 9.676, 9.676, None, 87, 89),
    ("garmin-fit_jarkko-fit-analyzer/20474406937_ACTIVITY.fit", 0, "strength",
     "strength_training", 2404.937, 2404.937, 0.0, 111, 158),
    ("garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit", 0, "strength",
     "strength_training", 353.028, 586.131, 0.0, 82, 95),
    ("garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit", 2, "strength",
     "strength_training", 1180.648, 1183.76, 0.0, 100, 131),
    ("garmin-fit_jarkko-fit-analyzer/20748058539_ACTIVITY.fit", 0, "strength",
     "strength_training", 1857.71, 1857.71, 0.0, 88, 133),
    ("garmin-fit_python-fitparse/garmin-fenix-5-bike.fit", 0, "ride", "generic", 60.363, 60.363,
     459.52, 101, 114),
]  # fmt: skip


@pytest.mark.parametrize(
    ("relative", "index", "family", "sub_sport", "timer", "elapsed", "distance", "avg", "peak"),
    OTHER_SESSIONS,
)
def test_non_running_sessions_as_the_file_reports(
    shared_data: Path,
    relative: str,
    index: int,
    family: str,
    sub_sport: str,
    timer: float,
    elapsed: float,
    distance: float | None,
    avg: int,
    peak: int,
) -> None:
    activity = parse(shared_data / relative).activities[index]
    assert (activity.sport, activity.sub_sport) == (family, sub_sport)
    assert activity.moving_s == pytest.approx(timer, abs=0.001)
    assert activity.elapsed_s == pytest.approx(elapsed, abs=0.001)
    assert activity.distance_m == (None if distance is None else pytest.approx(distance))
    assert (activity.avg_hr, activity.max_hr) == (avg, peak)
