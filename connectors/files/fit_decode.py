"""Decoding FIT bytes into the SDK's message dicts, by the fast path or by a full decode.

Both paths hand back the same thing: garmin-fit-sdk's own message dicts for the message types
the importer reads, and the first problem met. The fast path (fit_fast.scan) feeds the SDK only
those messages; the full path lets the SDK read everything. Where the SDK cannot decode what the
fast path selected, the full path is used instead, so the fast path can only ever save time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from garmin_fit_sdk import Decoder, Profile, Stream

from connectors.files import fit_fast

Message = dict[str | int, Any]
"""One decoded message as garmin-fit-sdk gives it: field name (or number) to value."""

# Where the SDK's read() puts each message type (its profile's `messages_key`).
MESSAGE_KEYS: dict[int, str] = {
    number: str(Profile["messages"][number]["messages_key"])
    for number in (fit_fast.FILE_ID, fit_fast.ACTIVITY, fit_fast.SESSION, fit_fast.SET)
}

DecodePath = Literal["fast", "full"]


@dataclass(frozen=True, slots=True)
class FitMessages:
    file_id: tuple[Message, ...]
    activity: tuple[Message, ...]
    session: tuple[Message, ...]
    set: tuple[Message, ...]
    problem: str | None
    """Why the file is damaged (it was read only up to there), or None for an intact file."""
    path: DecodePath
    """Which path produced these messages (the fast one falls back to the full one)."""


def decode_fit(data: bytes, *, path: DecodePath = "fast") -> FitMessages:
    """The importer's messages of a FIT file. Never raises on damaged input."""
    if path == "fast":
        scanned = fit_fast.scan(data)
        messages, errors = _sdk_read(scanned.selected, check_crc=False)
        if not errors:
            return _collect(messages, scanned.problem, "fast")
        # The SDK refused what the walk accepted: something the walk does not model.
    messages, errors = _sdk_read(data, check_crc=True)
    problem = _describe(errors[0]) if errors else None
    return _collect(messages, problem, "full")


def _sdk_read(data: bytes, *, check_crc: bool) -> tuple[dict[str, list[Message]], list[Exception]]:
    stream = Stream.from_byte_array(bytearray(data))
    try:
        messages, errors = Decoder(stream).read(enable_crc_check=check_crc)
    finally:
        stream.close()
    # The SDK's stub types each message list per key; here they are all plain dicts.
    plain: dict[str, list[Message]] = dict(messages)  # type: ignore[arg-type]
    return plain, list(errors)


def _describe(error: Exception) -> str:
    if "FIT Runtime Error" not in str(error):
        # The SDK itself tripped over the damage (a TypeError or IndexError deep in its
        # decoder): its message says nothing to a user, so say what happened instead.
        return f"damaged data the FIT decoder could not read ({type(error).__name__})"
    text = str(error).replace("FIT Runtime Error", "").strip(" ,")
    return text or type(error).__name__


def _collect(
    messages: dict[str, list[Message]], problem: str | None, path: DecodePath
) -> FitMessages:
    def of(number: int) -> tuple[Message, ...]:
        return tuple(messages.get(MESSAGE_KEYS[number], ()))

    return FitMessages(
        file_id=of(fit_fast.FILE_ID),
        activity=of(fit_fast.ACTIVITY),
        session=of(fit_fast.SESSION),
        set=of(fit_fast.SET),
        problem=problem,
        path=path,
    )
