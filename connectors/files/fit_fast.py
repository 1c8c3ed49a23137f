"""A FIT reader that steps over the messages an importer does not need.

A watch writes one `record` message per second (plus `hrv`, `gps_metadata`, ...), so a one-hour
run holds thousands of messages, while an importer needs a few dozen: file_id, activity, session,
set and the developer-data descriptions those may refer to. garmin-fit-sdk decodes every message
it meets (scale, enums, components, heart-rate merge), about 9 files per second on one core.

This module walks the file by its record headers only: a definition message says how long every
later data message with its local number is, so an unwanted message is skipped by adding its size,
without unpacking it. The wanted definitions and data messages are copied, unchanged, into a small
FIT stream that garmin-fit-sdk then decodes in full. Every decoded value therefore comes from the
SDK itself; what is saved is only the work on messages nobody reads.

The walk also checks what the SDK's read checks (header, definitions, sizes, the file CRC of each
chained part) and reports the first problem the way the SDK would meet it, so a damaged file is
marked the same whichever way it was read.
"""

from __future__ import annotations

import struct
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from garmin_fit_sdk import Profile
from garmin_fit_sdk import fit as sdk_fit

HEADER_SIZES = (12, 14)
CRC_SIZE = 2
FIT_SIGNATURE = b".FIT"

# Global message numbers the importer reads, from the SDK's profile.
_MESSAGE_NUMBERS: dict[str, int] = Profile["mesg_num"]
FILE_ID = _MESSAGE_NUMBERS["FILE_ID"]
SESSION = _MESSAGE_NUMBERS["SESSION"]
ACTIVITY = _MESSAGE_NUMBERS["ACTIVITY"]
SET = _MESSAGE_NUMBERS["SET"]
FIELD_DESCRIPTION = _MESSAGE_NUMBERS["FIELD_DESCRIPTION"]
DEVELOPER_DATA_ID = _MESSAGE_NUMBERS["DEVELOPER_DATA_ID"]

WANTED_MESSAGES: frozenset[int] = frozenset({FILE_ID, SESSION, ACTIVITY, SET})
# Developer-data descriptions are kept too: a wanted message may carry developer fields, and the
# SDK decodes them only when their description came first.
ALWAYS_KEPT: frozenset[int] = frozenset({FIELD_DESCRIPTION, DEVELOPER_DATA_ID})

_PROFILE_VERSION = int(Profile["version"]["major"]) * 1000 + int(Profile["version"]["minor"])
_VALID_BASE_TYPES = frozenset(sdk_fit.BASE_TYPE_DEFINITIONS)
_BASE_TYPE_MASK = sdk_fit.BASE_TYPE_MASK


# FIT's CRC-16 is the reflected CRC with polynomial x^16 + x^15 + x^2 + 1, seed 0 (CRC-16/ARC).
# A byte-at-a-time table loop costs about 0.1 us per byte in Python, more than the whole walk.
# Instead the file is taken as one polynomial over GF(2) (a Python int, so the work runs in C):
# the CRC is the remainder of data(x) * x^16 divided by the polynomial, with each byte's bits
# reversed because the CRC is reflected.
_CRC_POLYNOMIAL = 0x18005
_BIT_REVERSED_BYTES = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))


def _reduce_small(value: int) -> int:
    """`value` mod the CRC polynomial, one bit at a time (for values of a few dozen bits)."""
    while value.bit_length() > 16:
        value ^= _CRC_POLYNOMIAL << (value.bit_length() - 17)
    return value


@lru_cache(maxsize=64)
def _x_power_mod(exponent: int) -> int:
    """x^exponent mod the CRC polynomial, by squaring."""
    if exponent < 16:
        return 1 << exponent
    half = _x_power_mod(exponent // 2)
    square = 0
    for bit in range(16):
        if half >> bit & 1:
            square ^= half << bit
    if exponent & 1:
        square <<= 1
    return _reduce_small(square)


def fit_crc(data: bytes | memoryview) -> int:
    """FIT CRC-16 of `data`, equal to garmin_fit_sdk.CrcCalculator.calculate_crc(data)."""
    value = int.from_bytes(bytes(data).translate(_BIT_REVERSED_BYTES), "big") << 16
    # Fold the high half onto the low half: value = high * x^k + low = high * (x^k mod P) + low,
    # which halves the length each round with at most 16 shifted XORs of big ints.
    while value.bit_length() > 64:
        length = value.bit_length()
        split = max(1 << (length.bit_length() - 1), 32)
        if split >= length:
            split >>= 1
        high = value >> split
        folded = value & ((1 << split) - 1)
        multiplier = _x_power_mod(split)
        shift = 0
        while multiplier:
            if multiplier & 1:
                folded ^= high << shift
            multiplier >>= 1
            shift += 1
        value = folded
    return int(f"{_reduce_small(value):016b}"[::-1], 2)


@dataclass(frozen=True, slots=True)
class FitScan:
    """What the walk found: the wanted messages as a small FIT file, and the first problem."""

    selected: bytes
    """A complete FIT file (header, the kept definition and data messages, CRC 0 = unchecked)."""
    problem: str | None
    """The first thing that made the file damaged (truncation, bad header, CRC), or None."""
    parts: int
    """How many chained FIT files were read."""


class _Damaged(Exception):
    pass


def scan(
    data: bytes,
    wanted: Collection[int] = WANTED_MESSAGES,
    *,
    check_crc: bool = True,
) -> FitScan:
    """Walk every chained FIT part in `data`, keeping the messages whose global number is wanted.

    Never raises on bad input: the messages before the damage are kept and `problem` says what
    stopped the walk, as the SDK's read() would have stopped there.
    """
    keep = frozenset(wanted) | ALWAYS_KEPT
    out = bytearray()
    problem: str | None = None
    parts = 0
    position = 0
    length = len(data)
    try:
        while position < length:
            position = _scan_part(data, position, keep, out, check_crc=check_crc)
            parts += 1
    except _Damaged as damaged:
        problem = str(damaged)
    header = struct.pack("<BBHI4sH", 14, 0x20, _PROFILE_VERSION, len(out), FIT_SIGNATURE, 0)
    return FitScan(selected=header + bytes(out) + b"\x00\x00", problem=problem, parts=parts)


def _scan_part(
    data: bytes, start: int, keep: frozenset[int], out: bytearray, *, check_crc: bool
) -> int:
    length = len(data)
    header_size = data[start]
    if header_size not in HEADER_SIZES or length - start < header_size + CRC_SIZE:
        raise _Damaged(f"not a FIT file at byte {start}")
    if data[start + 8 : start + 12] != FIT_SIGNATURE:
        raise _Damaged(f"not a FIT file at byte {start}")
    data_size = int.from_bytes(data[start + 4 : start + 8], "little")
    position = start + header_size
    end = position + data_size

    # Per local message number: total size of its data messages (header byte included), and
    # whether they are copied. Definitions may be redefined at any point; the latest one wins.
    sizes: list[int] = [0] * 16
    kept: list[bool] = [False] * 16
    defined: list[bool] = [False] * 16

    while position < end:
        if position >= length:
            raise _Damaged(f"file ends at byte {length}, its header promises {end + CRC_SIZE}")
        record_header = data[position]
        if record_header & 0x80:
            # Compressed-timestamp header (records only, in practice): size as its definition.
            local = (record_header >> 5) & 0x03
            if not defined[local]:
                raise _Damaged(f"undefined local message {local} at byte {position}")
            if kept[local]:
                raise _Damaged(f"compressed timestamp on a wanted message at byte {position}")
            position += sizes[local]
        elif record_header & 0x40:
            position = _read_definition(data, position, keep, out, sizes, kept, defined)
        else:
            local = record_header & 0x0F
            if not defined[local]:
                raise _Damaged(f"undefined local message {local} at byte {position}")
            size = sizes[local]
            if kept[local]:
                if position + size > length:
                    raise _Damaged(f"file ends inside a message at byte {position}")
                out += data[position : position + size]
            position += size

    if position > length:
        raise _Damaged(f"file ends at byte {length}, its header promises {end + CRC_SIZE}")
    if position != end:
        raise _Damaged(f"last message overruns the data size at byte {position}")
    if end + CRC_SIZE > length:
        raise _Damaged(f"file ends at byte {length} before its CRC")
    if check_crc:
        stored = int.from_bytes(data[end : end + CRC_SIZE], "little")
        if fit_crc(memoryview(data)[start:end]) != stored:
            raise _Damaged(f"CRC mismatch in the FIT part at byte {start}")
    return end + CRC_SIZE


def _read_definition(
    data: bytes,
    position: int,
    keep: frozenset[int],
    out: bytearray,
    sizes: list[int],
    kept: list[bool],
    defined: list[bool],
) -> int:
    length = len(data)
    start = position
    record_header = data[position]
    if position + 6 > length:
        raise _Damaged(f"file ends inside a definition at byte {position}")
    architecture = data[position + 2]
    global_number = int.from_bytes(
        data[position + 3 : position + 5], "big" if architecture else "little"
    )
    field_count = data[position + 5]
    position += 6
    fields_end = position + 3 * field_count
    if fields_end > length:
        raise _Damaged(f"file ends inside a definition at byte {start}")
    size = 1
    for field_at in range(position, fields_end, 3):
        if data[field_at + 2] & _BASE_TYPE_MASK not in _VALID_BASE_TYPES:
            raise _Damaged(f"invalid field base type in a definition at byte {start}")
        size += data[field_at + 1]
    position = fields_end
    if record_header & 0x20:
        if position >= length:
            raise _Damaged(f"file ends inside a definition at byte {start}")
        developer_count = data[position]
        position += 1
        developer_end = position + 3 * developer_count
        if developer_end > length:
            raise _Damaged(f"file ends inside a definition at byte {start}")
        for field_at in range(position, developer_end, 3):
            size += data[field_at + 1]
        position = developer_end
    local = record_header & 0x0F
    sizes[local] = size
    defined[local] = True
    kept[local] = global_number in keep
    if kept[local]:
        out += data[start:position]
    return position
