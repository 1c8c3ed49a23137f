"""FIT cases the real files lack, written with garmin-fit-sdk's Encoder (see fit_writer)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from garmin_fit_sdk import Profile

from connectors.errors import FileFormatError
from connectors.files import parse_bytes
from connectors.files.fit_decode import decode_fit
from connectors.files.parsed import ParsedFile
from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes

BERLIN = ZoneInfo("Europe/Berlin")
BARBELL_BACK_SQUAT = next(
    number
    for number, name in Profile["types"]["squat_exercise_name"].items()
    if name == "barbell_back_squat"
)


def parse(data: bytes, zone: ZoneInfo = BERLIN) -> ParsedFile:
    return parse_bytes(data, "fit", name="generated.fit", fallback_tz=zone)


def run(start: datetime, **kwargs: object) -> SessionSpec:
    return SessionSpec(
        start=start,
        timer_s=1800.0,
        elapsed_s=1850.0,
        distance_m=5000.0,
        avg_hr=150,
        max_hr=171,
        **kwargs,
    )  # type: ignore[arg-type]


def test_sunday_late_local_run_that_is_monday_in_utc_lands_in_sundays_iso_week() -> None:
    # Sunday 2026-01-04 23:30 in New York is Monday 04:30 UTC.
    start = datetime(2026, 1, 5, 4, 30, tzinfo=UTC)
    data = fit_bytes(FitSpec(sessions=[run(start)], local_offset=timedelta(hours=-5)))
    (activity,) = parse(data).activities
    assert activity.start_utc.isocalendar().week == 2  # Monday: next week in UTC
    assert activity.local_start == datetime(2026, 1, 4, 23, 30)
    assert activity.local_start.isocalendar()[:2] == (2026, 1)  # Sunday: ISO week 1
    assert activity.raw["local_time_from"] == "file"


def test_file_without_local_timestamp_uses_the_athletes_zone() -> None:
    start = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    data = fit_bytes(FitSpec(sessions=[run(start)], local_offset=None))
    (activity,) = parse(data, ZoneInfo("Europe/Berlin")).activities
    assert activity.local_start == datetime(2026, 7, 2, 0, 30)  # CEST, +2 h: the next day
    (in_la,) = parse(data, ZoneInfo("America/Los_Angeles")).activities
    assert in_la.local_start == datetime(2026, 7, 1, 15, 30)
    assert activity.raw["local_time_from"] == "athlete_timezone"


def test_file_without_activity_message_uses_the_athletes_zone() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # Berlin switches to CEST at 01:00 UTC
    data = fit_bytes(FitSpec(sessions=[run(start)], write_activity=False))
    (activity,) = parse(data).activities
    assert activity.local_start == datetime(2026, 3, 29, 1, 30)


def test_an_absurd_local_offset_is_ignored() -> None:
    start = datetime(2026, 1, 5, 4, 30, tzinfo=UTC)
    data = fit_bytes(FitSpec(sessions=[run(start)], local_offset=timedelta(hours=30)))
    (activity,) = parse(data).activities
    assert activity.local_start == datetime(2026, 1, 5, 5, 30)  # Berlin in winter, +1 h


@pytest.mark.parametrize(
    ("sport", "sub_sport", "family"),
    [
        ("running", "treadmill", "run"),
        ("running", "trail", "run"),
        ("running", "track", "run"),
        ("running", "indoor_running", "run"),
        ("running", "virtual_activity", "run"),
        ("cycling", "road", "ride"),
        ("walking", "generic", "walk"),
        ("hiking", None, "walk"),
        ("swimming", "lap_swimming", "swim"),
        ("training", "strength_training", "strength"),
        ("training", "yoga", "other"),
        ("rowing", None, "other"),
    ],
)
def test_sport_and_sub_sport_map_to_families(
    sport: str, sub_sport: str | None, family: str
) -> None:
    session = SessionSpec(
        start=datetime(2026, 2, 1, 8, tzinfo=UTC), timer_s=600.0, sport=sport, sub_sport=sub_sport
    )
    (activity,) = parse(fit_bytes(FitSpec(sessions=[session]))).activities
    assert activity.sport == family
    assert activity.sub_sport == sub_sport


def test_multisport_file_counts_its_run_leg_as_a_run() -> None:
    t0 = datetime(2026, 5, 10, 7, 0, tzinfo=UTC)
    legs = [
        SessionSpec(
            start=t0, timer_s=900.0, distance_m=750.0, sport="swimming", sub_sport="open_water"
        ),
        SessionSpec(
            start=t0 + timedelta(minutes=16),
            timer_s=3600.0,
            distance_m=30000.0,
            sport="cycling",
            sub_sport="road",
        ),
        SessionSpec(
            start=t0 + timedelta(minutes=78),
            timer_s=1800.0,
            distance_m=7000.0,
            sport="running",
            sub_sport="generic",
        ),
    ]
    parsed = parse(fit_bytes(FitSpec(sessions=legs, local_offset=timedelta(hours=2))))
    assert [a.sport for a in parsed.activities] == ["swim", "ride", "run"]
    assert [a.distance_m for a in parsed.activities] == [750.0, 30000.0, 7000.0]
    assert len({a.parent_source_id for a in parsed.activities}) == 1


def test_strength_sets_exercise_weight_and_session() -> None:
    t0 = datetime(2026, 1, 7, 17, 0, tzinfo=UTC)
    sets = [
        SetSpec(
            start=t0 + timedelta(seconds=10),
            duration_s=40,
            repetitions=8,
            weight_kg=60.0,
            category=["squat", "lunge", "deadlift"],
            category_subtype=[None, None, None],
        ),
        SetSpec(start=t0 + timedelta(seconds=50), duration_s=90, set_type="rest"),
        SetSpec(
            start=t0 + timedelta(seconds=140),
            duration_s=40,
            repetitions=10,
            weight_kg=0.0,
            category=["pull_up", "row", "shrug"],
            category_subtype=[13, None, None],
        ),
        SetSpec(
            start=t0 + timedelta(seconds=200),
            duration_s=30,
            repetitions=12,
            weight_kg=22.5,
            category=["unknown", "unknown", "unknown"],
        ),
        SetSpec(
            start=t0 + timedelta(seconds=230),
            duration_s=20,
            repetitions=5,
            weight_kg=80.0,
            category=["squat", "lunge", "deadlift"],
            category_subtype=[BARBELL_BACK_SQUAT, None, None],
        ),
        SetSpec(start=t0 + timedelta(seconds=250), duration_s=30),  # empty, as in yoga files
    ]
    session = SessionSpec(start=t0, timer_s=600.0, sport="training", sub_sport="strength_training")
    parsed = parse(
        fit_bytes(FitSpec(sessions=[session], sets=sets, local_offset=timedelta(hours=1)))
    )
    got = [(s.exercise, s.reps, s.weight_kg, s.set_index) for s in parsed.lift_sets]
    assert got == [
        ("squat", 8, 60.0, 1),  # a category guess stays what it is
        ("lat_pulldown", 10, 0.0, 2),
        ("unknown", 12, 22.5, 3),
        ("back_squat", 5, 80.0, 4),  # a named exercise in the project's slugs
    ]
    assert {s.performed_on for s in parsed.lift_sets} == {date(2026, 1, 7)}
    assert {s.session_source_id for s in parsed.lift_sets} == {parsed.activities[0].source_id}
    assert parsed.lift_sets[1].raw["category_candidates"] == ["pull_up", "row", "shrug"]


def test_file_without_serial_or_creation_time_still_has_a_stable_id() -> None:
    spec = FitSpec(sessions=[run(datetime(2026, 4, 1, 6, tzinfo=UTC))], serial_number=None)
    first, second = parse(fit_bytes(spec)), parse(fit_bytes(spec))
    assert first.activities[0].source_id == second.activities[0].source_id
    assert first.activities[0].source_id.startswith("garmin-")


def test_a_non_activity_fit_file_is_skipped_with_a_reason() -> None:
    from garmin_fit_sdk import Encoder

    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": Profile["mesg_num"]["FILE_ID"],
            "type": "monitoring_b",
            "manufacturer": "garmin",
            "serial_number": 1,
            "time_created": datetime(2026, 1, 1, tzinfo=UTC),
        }
    )
    parsed = parse(bytes(encoder.close()))
    assert parsed.activities == ()
    assert parsed.problem == "not an activity file (monitoring_b)"


def test_a_file_with_no_session_is_unreadable() -> None:
    data = fit_bytes(FitSpec(sessions=[run(datetime(2026, 4, 1, 6, tzinfo=UTC))]))
    # Cut the file just after file_id: a watch that died before writing its summary.
    with pytest.raises(FileFormatError, match="no readable session"):
        parse(data[:60])


def test_chained_fit_files_are_both_read() -> None:
    first = fit_bytes(FitSpec(sessions=[run(datetime(2026, 4, 1, 6, tzinfo=UTC))], serial_number=1))
    second = fit_bytes(
        FitSpec(sessions=[run(datetime(2026, 4, 2, 6, tzinfo=UTC))], serial_number=1)
    )
    messages = decode_fit(first + second)
    assert messages.problem is None
    assert len(messages.session) == 2
    assert decode_fit(first + second, path="full").session == messages.session


def test_a_flipped_data_byte_is_caught_by_the_crc() -> None:
    data = bytearray(fit_bytes(FitSpec(sessions=[run(datetime(2026, 4, 1, 6, tzinfo=UTC))])))
    data[len(data) - 20] ^= 0x01
    parsed = parse(bytes(data))
    assert parsed.partial
    assert parsed.problem is not None
    assert "CRC" in parsed.problem
