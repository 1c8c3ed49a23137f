"""Damaged files never crash a reader: they give records or a FileFormatError, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.errors import FileFormatError
from connectors.files import parse_bytes
from connectors.files.fit_decode import decode_fit
from connectors.files.parsed import ParsedFile
from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes
from tests.conftest import SHARED_DATA

FALLBACK = UTC
STRENGTH_RUN_STRENGTH = "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit"
SMALL_RUN = "garmin-fit_python-fitparse/garmin-fenix-5-run.fit"


@cache
def real(relative: str) -> bytes:
    return (SHARED_DATA / relative).read_bytes()


@cache
def generated_strength() -> bytes:
    t0 = datetime(2026, 1, 7, 17, 0, tzinfo=UTC)
    return fit_bytes(
        FitSpec(
            sessions=[SessionSpec(start=t0, timer_s=900.0, sport="training",
                                  sub_sport="strength_training")],
            sets=[SetSpec(start=t0, duration_s=30, repetitions=5, weight_kg=80.0,
                          category=["squat", "lunge", "plyo"])],
            record_every_s=10,
        )
    )  # fmt: skip


def read_or_refuse(data: bytes, kind: str = "fit") -> ParsedFile | None:
    try:
        parsed = parse_bytes(data, kind, name="damaged", fallback_tz=FALLBACK)  # type: ignore[arg-type]
    except FileFormatError:
        return None
    for activity in parsed.activities:
        assert activity.start_utc.tzinfo is not None
        assert activity.local_start is not None
    for lift in parsed.lift_sets:
        assert lift.session_source_id in {a.source_id for a in parsed.activities}
    return parsed


sources = st.sampled_from(["small", "generated"])


def source_bytes(which: str) -> bytes:
    return real(SMALL_RUN) if which == "small" else generated_strength()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=sources, data=st.data())
def test_a_truncated_fit_never_crashes_and_the_fast_path_agrees_with_the_sdk(
    which: str, data: st.DataObject
) -> None:
    whole = source_bytes(which)
    cut = data.draw(st.integers(min_value=0, max_value=len(whole) - 1))
    damaged = whole[:cut]
    parsed = read_or_refuse(damaged)
    if parsed is not None:
        assert parsed.partial  # something is missing: at least the CRC
    fast, full = decode_fit(damaged, path="fast"), decode_fit(damaged, path="full")
    assert fast.session == full.session
    assert fast.set == full.set
    assert (fast.problem is None) == (full.problem is None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=sources, data=st.data())
def test_flipped_bits_never_crash_a_fit_reader(which: str, data: st.DataObject) -> None:
    damaged = bytearray(source_bytes(which))
    flips = data.draw(
        st.lists(st.integers(0, len(damaged) * 8 - 1), min_size=1, max_size=4, unique=True)
    )
    for bit in flips:
        damaged[bit // 8] ^= 1 << (bit % 8)
    parsed = read_or_refuse(bytes(damaged))
    # Past the 14-byte header every byte is covered by the file CRC (the header's own CRC and
    # version bytes are not checked by readers, as in the SDK).
    if parsed is not None and parsed.activities and min(flips) >= 14 * 8:
        assert parsed.partial, "a flipped bit in the data must at least break the CRC"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_as_fit_give_records_or_a_file_format_error(data: bytes) -> None:
    read_or_refuse(b"\x0e\x20\x00\x00" + data)
    read_or_refuse(data)


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from(["gpx", "tcx"]), data=st.data())
def test_damaged_gpx_and_tcx_never_crash(kind: str, data: st.DataObject) -> None:
    path = {
        "gpx": "gpx_gpxpy/track-with-empty-segment.gpx",
        "tcx": "tcx_python-tcxparser/test.tcx",
    }[kind]
    whole = real(path)
    cut = data.draw(st.integers(min_value=0, max_value=len(whole)))
    damaged = bytearray(whole[:cut])
    if damaged and data.draw(st.booleans()):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    read_or_refuse(bytes(damaged), kind)


def test_the_real_multi_session_file_cut_after_its_sessions_keeps_them(shared_data: Path) -> None:
    whole = real(STRENGTH_RUN_STRENGTH)
    parsed = read_or_refuse(whole[:-100])
    # Garmin writes sessions near the start of this file, so they survive the cut.
    assert parsed is not None and parsed.partial and len(parsed.activities) == 3
