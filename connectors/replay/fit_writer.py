"""Writes FIT activity files with garmin-fit-sdk's own Encoder, for what the real files lack.

Used by the demo (a season of sample files), the tests (time-zone edges, archives, damage) and
benchmarks/import_files.py (a year of one runner's files). The messages follow a watch's order:
file_id, records, sets, laps, sessions, activity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from garmin_fit_sdk import Encoder, Profile

MESG = Profile["mesg_num"]
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class SessionSpec:
    start: datetime
    """Aware UTC start."""
    timer_s: float
    elapsed_s: float | None = None
    distance_m: float | None = None
    sport: str = "running"
    sub_sport: str | None = "generic"
    avg_hr: int | None = None
    max_hr: int | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed_s or self.timer_s)


@dataclass(frozen=True)
class SetSpec:
    start: datetime
    duration_s: float
    set_type: str = "active"
    repetitions: int | None = None
    weight_kg: float | None = None
    category: Sequence[str] | None = None
    category_subtype: Sequence[int | None] | None = None


@dataclass(frozen=True)
class FitSpec:
    sessions: Sequence[SessionSpec]
    sets: Sequence[SetSpec] = ()
    local_offset: timedelta | None = None
    """activity.local_timestamp minus UTC; None writes no local_timestamp (no time zone)."""
    serial_number: int | None = 3_486_647_825
    time_created: datetime | None = None
    record_every_s: int | None = None
    """Write 1-per-N-seconds `record` messages through every session (None: no records)."""
    write_activity: bool = True
    extra: dict[str, object] = field(default_factory=dict)
    manufacturer: str = "garmin"
    activity_timestamp: Literal["end", "start"] = "end"
    """What activity.timestamp holds: the end (Garmin, the profile) or the start (some makers)."""
    local_timestamp_of: Literal["activity", "start", "end"] = "activity"
    """Which moment activity.local_timestamp is the wall clock of (the profile: activity's)."""
    device_clock_from: int | None = None
    """Write every time device-relative (a watch whose clock was never set): seconds since
    power-on, the first session starting at this value (below 0x10000000)."""
    absolute_time_created: bool = False
    """With device_clock_from: file_id.time_created still real (set from the phone)."""


def fit_bytes(spec: FitSpec) -> bytes:
    first = spec.sessions[0].start

    def at(moment: datetime) -> datetime | int:
        if spec.device_clock_from is None:
            return moment
        return spec.device_clock_from + int((moment - first).total_seconds())

    encoder = _ClockedEncoder(at)
    created = spec.time_created or first
    file_id: dict[str, object] = {
        "mesg_num": MESG["FILE_ID"],
        "type": "activity",
        "manufacturer": spec.manufacturer,
        "product": 4315,
        "time_created": created if spec.absolute_time_created else at(created),
    }
    if spec.serial_number is not None:
        file_id["serial_number"] = spec.serial_number
    encoder.write_mesg(file_id)
    encoder.write_mesg(
        {"mesg_num": MESG["EVENT"], "timestamp": first, "event": "timer", "event_type": "start"}
    )
    if spec.record_every_s:
        for session in spec.sessions:
            _write_records(encoder, session, spec.record_every_s)
    for index, set_spec in enumerate(spec.sets):
        encoder.write_mesg(_set_message(set_spec, index))
    for index, session in enumerate(spec.sessions):
        encoder.write_mesg(_lap_message(session, index))
    for index, session in enumerate(spec.sessions):
        encoder.write_mesg(_session_message(session, index))
    if spec.write_activity:
        last = max(session.end for session in spec.sessions)
        stamped = last if spec.activity_timestamp == "end" else first
        activity: dict[str, object] = {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": stamped,
            "total_timer_time": sum(session.timer_s for session in spec.sessions),
            "num_sessions": len(spec.sessions),
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
        }
        if spec.local_offset is not None:
            moment = {"activity": stamped, "start": first, "end": last}[spec.local_timestamp_of]
            local = moment + spec.local_offset
            activity["local_timestamp"] = int((local - FIT_EPOCH).total_seconds())
        encoder.write_mesg(activity)
    return encoder.close()


class _ClockedEncoder:
    """The SDK's Encoder, with every `timestamp` and `start_time` written by `at` (real times,
    or a never-set clock's seconds since power-on)."""

    def __init__(self, at: Callable[[datetime], datetime | int]) -> None:
        self._encoder = Encoder()
        self._at = at

    def write_mesg(self, message: dict[str, object]) -> None:
        timed = dict(message)
        for key in ("timestamp", "start_time"):
            value = timed.get(key)
            if isinstance(value, datetime):
                timed[key] = self._at(value)
        self._encoder.write_mesg(timed)

    def close(self) -> bytes:
        return bytes(self._encoder.close())


def _write_records(encoder: _ClockedEncoder, session: SessionSpec, every_s: int) -> None:
    seconds = int(session.elapsed_s or session.timer_s)
    speed = (session.distance_m or 0.0) / max(session.timer_s, 1.0)
    for second in range(0, seconds + 1, every_s):
        encoder.write_mesg(
            {
                "mesg_num": MESG["RECORD"],
                "timestamp": session.start + timedelta(seconds=second),
                "position_lat": 733545754 + second * 7,
                "position_long": 286910733 - second * 5,
                "distance": round(speed * second, 2),
                "enhanced_speed": round(speed, 3),
                "enhanced_altitude": 120.0 + (second % 60) / 10,
                "heart_rate": 120 + second % 40,
                "cadence": 85,
                "temperature": 21,
            }
        )


def _lap_message(session: SessionSpec, index: int) -> dict[str, object]:
    lap: dict[str, object] = {
        "mesg_num": MESG["LAP"],
        "message_index": index,
        "timestamp": session.end,
        "start_time": session.start,
        "total_timer_time": session.timer_s,
        "total_elapsed_time": session.elapsed_s or session.timer_s,
        "sport": session.sport,
        "event": "lap",
        "event_type": "stop",
    }
    if session.distance_m is not None:
        lap["total_distance"] = session.distance_m
    return lap


def _session_message(session: SessionSpec, index: int) -> dict[str, object]:
    message: dict[str, object] = {
        "mesg_num": MESG["SESSION"],
        "message_index": index,
        "timestamp": session.end,
        "start_time": session.start,
        "total_timer_time": session.timer_s,
        "total_elapsed_time": session.elapsed_s or session.timer_s,
        "sport": session.sport,
        "event": "session",
        "event_type": "stop",
        "first_lap_index": index,
        "num_laps": 1,
    }
    optional = {
        "sub_sport": session.sub_sport,
        "total_distance": session.distance_m,
        "avg_heart_rate": session.avg_hr,
        "max_heart_rate": session.max_hr,
    }
    message.update({key: value for key, value in optional.items() if value is not None})
    return message


def _set_message(spec: SetSpec, index: int) -> dict[str, object]:
    message: dict[str, object] = {
        "mesg_num": MESG["SET"],
        "message_index": index,
        "timestamp": spec.start + timedelta(seconds=spec.duration_s),
        "start_time": spec.start,
        "duration": spec.duration_s,
        "set_type": spec.set_type,
    }
    if spec.repetitions is not None:
        message["repetitions"] = spec.repetitions
    if spec.weight_kg is not None:
        message["weight"] = spec.weight_kg
    if spec.category is not None:
        message["category"] = list(spec.category)
    if spec.category_subtype is not None:
        message["category_subtype"] = [
            0xFFFF if value is None else value for value in spec.category_subtype
        ]
    return message
