"""FIT clocks as real watches keep them: never set (device-relative times), compressed
timestamp headers, and makers other than Garmin with their own ways with activity.timestamp,
local_timestamp and sub_sport. Every case sits near local midnight, where a wrong clock moves
the run to another day (and here another ISO week)."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from garmin_fit_sdk import Decoder, Encoder, Profile, Stream

from connectors.errors import FileFormatError
from connectors.files import parse_bytes
from connectors.files.fit import parse_fit
from connectors.files.fit_fast import fit_crc
from connectors.files.parsed import ParsedFile
from connectors.replay.fit_writer import FitSpec, SessionSpec, fit_bytes

BERLIN = ZoneInfo("Europe/Berlin")
# Sunday 3 March 2024, 23:20 in Berlin (UTC+1): 22:20 UTC. ISO week 2024-W09; the end, 52 min
# later, is already Monday of W10 in Berlin.
START = datetime(2024, 3, 3, 22, 20, 0, tzinfo=UTC)
LOCAL_START = datetime(2024, 3, 3, 23, 20, 0)
RUN = SessionSpec(start=START, timer_s=3001.5, elapsed_s=3137.0, distance_m=8012.34)
MESG = Profile["mesg_num"]


def parse(data: bytes, zone: ZoneInfo = BERLIN, path: str = "fast") -> ParsedFile:
    return parse_fit(data, name="w.fit", sha256="0" * 64, fallback_tz=zone, path=path)  # type: ignore[arg-type]


def the_run(parsed: ParsedFile) -> None:
    (activity,) = parsed.activities
    assert activity.sport == "run"
    assert activity.start_utc == START
    assert activity.local_start == LOCAL_START
    assert activity.local_start.date().isocalendar()[:2] == (2024, 9)
    assert (activity.distance_m, activity.moving_s) == (8012.34, 3001.5)
    assert activity.elapsed_s == 3137.0


# --- a clock that was never set ---------------------------------------------------------------


def test_device_relative_times_take_their_date_from_the_local_timestamp() -> None:
    data = fit_bytes(
        FitSpec(sessions=[RUN], local_offset=timedelta(hours=1), device_clock_from=48_211)
    )
    decoded = Decoder(Stream.from_byte_array(bytearray(data))).read()[0]
    assert decoded["session_mesgs"][0]["start_time"].year == 1989  # what the SDK says
    parsed = parse(data)
    the_run(parsed)
    assert parsed.activities[0].raw["device_clock"]["anchor"] == "activity.local_timestamp"
    assert parsed.activities[0].raw["local_time_from"] == "file"


def test_the_local_timestamp_gives_the_local_date_even_in_another_zone() -> None:
    """The wall clock is the file's; only the UTC moment leans on the athlete's zone."""
    data = fit_bytes(
        FitSpec(sessions=[RUN], local_offset=timedelta(hours=1), device_clock_from=48_211)
    )
    (activity,) = parse(data, zone=ZoneInfo("America/New_York")).activities
    assert activity.local_start == LOCAL_START
    assert activity.start_utc == START + timedelta(hours=6)  # 23:20 in New York is 04:20 UTC


def test_device_relative_times_take_their_date_from_time_created() -> None:
    data = fit_bytes(
        FitSpec(
            sessions=[RUN], local_offset=None, device_clock_from=48_211, absolute_time_created=True
        )
    )
    parsed = parse(data)
    the_run(parsed)
    assert parsed.activities[0].raw["device_clock"]["anchor"] == "file_id.time_created"


def test_device_relative_times_with_nothing_absolute_are_refused() -> None:
    data = fit_bytes(FitSpec(sessions=[RUN], local_offset=None, device_clock_from=48_211))
    with pytest.raises(FileFormatError, match=r"clock was not set.*0x10000000") as refused:
        parse(data)
    assert "activity.local_timestamp" in str(refused.value)
    assert "file_id.time_created" in str(refused.value)


@pytest.mark.parametrize("uptime", [0, 1, 86_400 * 400, 0x10000000 - 20_000])
@pytest.mark.parametrize("anchor", ["local", "created", "none"])
def test_never_a_1990_date(uptime: int, anchor: str) -> None:
    spec = FitSpec(
        sessions=[RUN],
        local_offset=timedelta(hours=1) if anchor == "local" else None,
        device_clock_from=uptime,
        absolute_time_created=anchor == "created",
    )
    try:
        parsed = parse(fit_bytes(spec))
    except FileFormatError:
        assert anchor == "none"
        return
    (activity,) = parsed.activities
    assert activity.start_utc == START and activity.local_start == LOCAL_START


# --- compressed timestamp headers -------------------------------------------------------------


def compressed_record_file(start: datetime = START) -> bytes:
    """A run whose 1 Hz records use compressed timestamp headers (5-bit offsets from the last
    full timestamp), as some watches and apps write them; the SDK's Encoder cannot write those,
    so they are spliced in by hand after the file_id the Encoder wrote."""
    file_id = {"mesg_num": MESG["FILE_ID"], "type": "activity", "manufacturer": "suunto",
               "product": 1, "serial_number": 77, "time_created": start}  # fmt: skip
    alone = Encoder()
    alone.write_mesg(file_id)
    file_id_bytes = bytes(alone.close())[14:-2]
    encoder = Encoder()
    encoder.write_mesg(file_id)
    end = start + timedelta(seconds=RUN.elapsed_s or 0)
    for message in (
        {"mesg_num": MESG["SESSION"], "timestamp": end, "start_time": start,
         "total_timer_time": RUN.timer_s, "total_elapsed_time": RUN.elapsed_s,
         "total_distance": RUN.distance_m, "sport": "running", "sub_sport": "generic"},
        {"mesg_num": MESG["ACTIVITY"], "timestamp": end, "num_sessions": 1,
         "local_timestamp": int((end + timedelta(hours=1)).timestamp()) - 631065600},
    ):  # fmt: skip
        encoder.write_mesg(message)
    body = bytes(encoder.close())[14:-2]
    assert body.startswith(file_id_bytes)
    base = int(start.timestamp()) - 631065600
    local = 3
    records = bytearray()
    # Definition of local 3 = record: timestamp (253, uint32), heart_rate (3, uint8).
    records += struct.pack("<BBBHB", 0x40 | local, 0, 0, MESG["RECORD"], 2)
    records += bytes([253, 4, 0x86, 3, 1, 0x02])
    records += struct.pack("<BIB", local, base, 120)  # a full timestamp first
    # Definition without the timestamp, for the compressed ones.
    records += struct.pack("<BBBHB", 0x40 | local, 0, 0, MESG["RECORD"], 1) + bytes([3, 1, 0x02])
    for second in range(1, 600):
        offset = (base + second) & 0x1F
        records += bytes([0x80 | (local << 5) | offset, 120 + second % 30])
    data = file_id_bytes + bytes(records) + body[len(file_id_bytes) :]
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(data), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    return header + data + struct.pack("<H", fit_crc(header + data))


def test_compressed_timestamp_records_still_give_their_session() -> None:
    data = compressed_record_file()
    errors = Decoder(Stream.from_byte_array(bytearray(data))).read()[1]
    assert errors and "Compressed timestamp" in str(errors[0])  # the SDK alone stops there
    parsed = parse(data)
    assert parsed.problem is None and not parsed.partial
    the_run(parsed)


def test_compressed_timestamps_through_the_files_connector() -> None:
    (activity,) = parse_bytes(
        compressed_record_file(), "fit", name="s.fit", fallback_tz=BERLIN
    ).activities
    assert activity.local_start == LOCAL_START


# --- other makers ------------------------------------------------------------------------------

BRANDS = [
    # COROS: activity.timestamp is the start, local_timestamp that moment's wall clock.
    ("coros", {"activity_timestamp": "start"}),
    # Suunto: no local_timestamp at all; the athlete's zone places it.
    ("suunto", {"local_offset": None}),
    # Polar: no sub_sport in the session.
    ("polar_electro", {"sub_sport": None}),
    # Wahoo: no sub_sport, no local_timestamp.
    ("wahoo_fitness", {"sub_sport": None, "local_offset": None}),
    # Amazfit (Zepp): activity.timestamp the end, local_timestamp the wall clock of the start.
    ("zepp", {"local_timestamp_of": "start"}),
    # COROS again: the start in both.
    ("coros", {"activity_timestamp": "start", "local_timestamp_of": "start"}),
    # A few seconds between the two timestamps (written apart).
    ("zepp", {"local_skew_s": 7}),
]


@pytest.mark.parametrize(("maker", "quirks"), BRANDS)
@pytest.mark.parametrize("path", ["fast", "full"])
def test_other_makers_keep_the_right_local_date(
    maker: str, quirks: dict[str, object], path: str
) -> None:
    quirks = dict(quirks)
    sub_sport = quirks.pop("sub_sport", "generic")
    skew = timedelta(seconds=int(quirks.pop("local_skew_s", 0)))  # type: ignore[call-overload]
    session = SessionSpec(
        start=START, timer_s=3001.5, elapsed_s=3137.0, distance_m=8012.34, sub_sport=sub_sport
    )  # type: ignore[arg-type]
    offset = quirks.pop("local_offset", timedelta(hours=1))
    spec = FitSpec(
        sessions=[session],
        manufacturer=maker,
        local_offset=offset + skew if isinstance(offset, timedelta) else None,
        **quirks,  # type: ignore[arg-type]
    )
    parsed = parse(fit_bytes(spec), path=path)
    the_run(parsed)
    assert parsed.activities[0].local_start.date() == date(2024, 3, 3)


def test_a_maker_in_another_zone_than_the_athlete_keeps_the_files_zone() -> None:
    """Local clock of the start, written next to the end: the offset is still +1 h, not the
    +1 h minus 52 min that pairing it with the end would give."""
    spec = FitSpec(sessions=[RUN], manufacturer="zepp", local_timestamp_of="start",
                   local_offset=timedelta(hours=1))  # fmt: skip
    (activity,) = parse(fit_bytes(spec), zone=ZoneInfo("Asia/Tokyo")).activities
    assert activity.local_start == LOCAL_START
