"""The fast FIT path must give exactly what a full garmin-fit-sdk decode gives, on every file."""

from __future__ import annotations

import math
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from garmin_fit_sdk import CrcCalculator, Decoder, Stream
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.files import fit_fast
from connectors.files.fit import fit_records
from connectors.files.fit_decode import MESSAGE_KEYS, decode_fit
from tests.connectors.files.conftest import real_fit_files

FALLBACK = UTC


def comparable(value: Any) -> Any:
    """NaN never equals itself; the SDK gives NaN for some float fields (total_grit)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    return value


def sdk_full_decode(data: bytes) -> tuple[dict[str, list[dict[Any, Any]]], list[Exception]]:
    """garmin-fit-sdk's plain read of the whole file, nothing of ours in between."""
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    return messages, errors


def _ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "real_fit" in metafunc.fixturenames:
        from tests.conftest import SHARED_DATA

        paths = real_fit_files(SHARED_DATA)
        metafunc.parametrize("real_fit", paths, ids=_ids(paths))


def test_fast_messages_equal_the_sdks_full_decode(real_fit: Path) -> None:
    data = real_fit.read_bytes()
    fast = decode_fit(data, path="fast")
    assert fast.path == "fast", "the fast path fell back on a real file"
    messages, errors = sdk_full_decode(data)
    for number, key in MESSAGE_KEYS.items():
        ours = getattr(fast, {0: "file_id", 34: "activity", 18: "session", 225: "set"}[number])
        assert comparable(list(ours)) == comparable(messages.get(key, [])), key
    # Damage is seen by both or by neither.
    assert (fast.problem is None) == (not errors)


def test_every_imported_value_equals_the_full_decode(real_fit: Path) -> None:
    data = real_fit.read_bytes()
    fast = decode_fit(data, path="fast")
    full = decode_fit(data, path="full")
    assert full.path == "full"
    from_fast = fit_records(fast, name="f", sha256="s", fallback_tz=FALLBACK)
    from_full = fit_records(full, name="f", sha256="s", fallback_tz=FALLBACK)
    assert from_fast.activities == from_full.activities
    assert from_fast.lift_sets == from_full.lift_sets
    assert from_fast.partial == from_full.partial
    assert from_fast.activities, "every real FIT file holds a readable session"


def test_crc_equals_the_sdks_on_every_real_file(fit_files: list[Path]) -> None:
    for path in fit_files:
        data = path.read_bytes()
        assert fit_fast.fit_crc(data) == CrcCalculator.calculate_crc(data, 0, len(data))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_crc_equals_the_sdks_on_any_bytes(data: bytes) -> None:
    assert fit_fast.fit_crc(data) == CrcCalculator.calculate_crc(data, 0, len(data))


def test_the_fast_path_skips_records(shared_data: Path) -> None:
    data = (shared_data / "garmin-fit_sports-lib/6782987395.fit").read_bytes()
    scanned = fit_fast.scan(data)
    assert scanned.problem is None
    assert scanned.parts == 1
    # 4988 records are stepped over: what the SDK is handed is a small fraction of the file.
    assert len(scanned.selected) < len(data) // 50
