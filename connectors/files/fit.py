"""FIT activity files to records: one Activity per session, one LiftSet per active strength set.

Values come straight from the file's own summary messages (decoded by garmin-fit-sdk, see
fit_decode): distance, timer time (our moving time) and elapsed time from `session`; the local
clock from `activity.local_timestamp` (fit_clock: also device-relative times and other makers'
ways with it); lifts from `set`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from garmin_fit_sdk import Profile

from connectors.errors import FileFormatError
from connectors.exercises import normalise_exercise
from connectors.files.fit_clock import FitClock, fit_clock
from connectors.files.fit_decode import DecodePath, FitMessages, Message, decode_fit
from connectors.files.parsed import ParsedFile, UndatedFile, json_safe
from connectors.files.sports import fit_sport_family, snake_case
from connectors.records import Activity, LiftSet

_EXERCISE_NAMES: dict[str, dict[int, str]] = Profile["types"]


@dataclass(frozen=True, slots=True)
class _Session:
    index: int
    message: Message
    start_utc: datetime


def parse_fit(
    data: bytes,
    *,
    name: str,
    sha256: str,
    fallback_tz: tzinfo,
    path: DecodePath = "fast",
) -> ParsedFile:
    """Read one FIT file. Raises FileFormatError when it holds no readable session."""
    messages = decode_fit(data, path=path)
    return fit_records(messages, name=name, sha256=sha256, fallback_tz=fallback_tz)


def fit_records(
    messages: FitMessages, *, name: str, sha256: str, fallback_tz: tzinfo
) -> ParsedFile:
    """Map decoded FIT messages to records (separate from decoding so both paths share it)."""
    file_id = messages.file_id[0] if messages.file_id else {}
    file_type = file_id.get("type")
    if file_type is not None and file_type != "activity":
        # Garmin account exports hold monitoring, sleep and settings files beside activities.
        return ParsedFile(
            name=name, sha256=sha256, activities=(), problem=f"not an activity file ({file_type})"
        )
    written = _sessions(messages.session)
    if not written and messages.session:
        raise UndatedFile("no session has a start time or an end: nothing places it in a week")
    if not written:
        reason = messages.problem or "the file has no session message"
        raise FileFormatError(f"no readable session: {reason}")
    clock = fit_clock(
        file_id,
        messages.activity[0] if messages.activity else None,
        [(s.start_utc, _datetime(s.message.get("timestamp"))) for s in written],
        fallback_tz,
    )
    sessions = [replace(s, start_utc=clock.absolute(s.start_utc) or s.start_utc) for s in written]

    file_key = _file_key(file_id, sessions[0], sha256, clock)
    utc_offset = clock.utc_offset
    clock_note = (
        {"relative": True, "anchor": clock.anchor, "shift_s": clock.shift.total_seconds()}
        if clock.relative
        else None
    )
    partial = messages.problem is not None
    multi = len(sessions) > 1

    activities = []
    source_ids = {}
    local_dates = {}
    for session in sessions:
        source_id = f"{file_key}:s{session.index}"
        source_ids[session.index] = source_id
        local_start = _local_start(session.start_utc, utc_offset, fallback_tz)
        local_dates[session.index] = local_start.date()
        message = session.message
        activities.append(
            Activity(
                source="fit",
                source_id=source_id,
                start_utc=session.start_utc,
                local_start=local_start,
                sport=fit_sport_family(message.get("sport"), message.get("sub_sport")),
                sub_sport=snake_case(message.get("sub_sport")),
                distance_m=_number(message.get("total_distance")),
                moving_s=_number(message.get("total_timer_time")),
                elapsed_s=_number(message.get("total_elapsed_time")),
                avg_hr=_integer(message.get("avg_heart_rate")),
                max_hr=_integer(message.get("max_heart_rate")),
                rpe=_session_rpe(message.get("workout_rpe")),
                partial=partial,
                parent_source_id=file_key if multi else None,
                raw={
                    "file_id": json_safe(file_id),
                    "activity": json_safe(messages.activity[0]) if messages.activity else None,
                    "session": json_safe(message),
                    "local_time_from": "file" if utc_offset is not None else "athlete_timezone",
                    "device_clock": clock_note,
                },
            )
        )

    lift_sets = _lift_sets(messages.set, sessions, file_key, source_ids, local_dates, clock)
    return ParsedFile(
        name=name,
        sha256=sha256,
        activities=tuple(activities),
        lift_sets=lift_sets,
        partial=partial,
        problem=messages.problem,
    )


def _sessions(messages: tuple[Message, ...]) -> list[_Session]:
    sessions = []
    for index, message in enumerate(messages):
        start = _datetime(message.get("start_time"))
        elapsed = _number(message.get("total_elapsed_time"))
        end = _datetime(message.get("timestamp"))
        if start is None and end is not None and elapsed is not None:
            start = end - timedelta(seconds=elapsed)
        if start is None:
            continue  # a session that cannot be placed in time cannot be counted in a week
        sessions.append(_Session(index=index, message=message, start_utc=start))
    return sessions


def _file_key(file_id: Message, first: _Session, sha256: str, clock: FitClock) -> str:
    """Stable per recording: the device's serial (or maker) and the file's creation time."""
    created = clock.absolute(_datetime(file_id.get("time_created"))) or first.start_utc
    device = file_id.get("serial_number") or file_id.get("manufacturer")
    if device is None:
        return f"sha256-{sha256[:16]}"
    return f"{device}-{created:%Y%m%dT%H%M%SZ}"


def _local_start(start_utc: datetime, offset: timedelta | None, fallback_tz: tzinfo) -> datetime:
    if offset is not None:
        return (start_utc + offset).replace(tzinfo=None)
    return start_utc.astimezone(fallback_tz).replace(tzinfo=None)


def _session_rpe(value: Any) -> float | None:
    """The athlete's post-workout RPE. Garmin stores it times ten (RPE 2 is 20, RPE 10 is 100);
    0 means not rated."""
    number = _number(value)
    if number is None or not 0 < number <= 100:
        return None
    return number / 10


def _lift_sets(
    sets: tuple[Message, ...],
    sessions: list[_Session],
    file_key: str,
    source_ids: dict[int, str],
    local_dates: dict[int, Any],
    clock: FitClock,
) -> tuple[LiftSet, ...]:
    lifts = []
    position_in_session: dict[int, int] = {}
    for set_number, message in enumerate(sets):
        if message.get("set_type") != "active" or _is_empty_set(message):
            continue
        start = clock.absolute(
            _datetime(message.get("start_time")) or _datetime(message.get("timestamp"))
        )
        session = _session_holding(start, sessions)
        position_in_session[session.index] = position_in_session.get(session.index, 0) + 1
        categories = _as_list(message.get("category"))
        subtypes = _as_list(message.get("category_subtype"))
        exercise_name = _exercise_name(categories, subtypes)
        weight = _number(message.get("weight"))
        lifts.append(
            LiftSet(
                source="fit",
                source_id=f"{file_key}:set{set_number}",
                performed_on=local_dates[session.index],
                exercise=_exercise_slug(exercise_name, categories),
                set_index=position_in_session[session.index],
                reps=_integer(message.get("repetitions")) or 0,
                weight_kg=weight if weight is not None else 0.0,
                start_utc=start,
                session_source_id=source_ids[session.index],
                # The watch names the exercise from its own motion guess (`category`); only a
                # person (Garmin Connect, manual entry, `lift confirm`) makes it a fact.
                exercise_guessed=True,
                raw={
                    "set": json_safe(message),
                    "set_message_index": set_number,
                    "category_candidates": json_safe(categories),
                    "exercise_name": exercise_name,
                },
            )
        )
    return tuple(lifts)


def _is_empty_set(message: Message) -> bool:
    """A set with no reps, no weight and no category (yoga files have them) is not a lift."""
    return all(message.get(field) is None for field in ("repetitions", "weight", "category"))


def _session_holding(start: datetime | None, sessions: list[_Session]) -> _Session:
    """The session whose time span holds the set: the last one started at or before it.

    A session's span ends where the next one starts: a watch's elapsed time can overlap the next
    leg (in 20555050352_ACTIVITY.fit the run's elapsed time runs 96 s into the strength leg after
    it, where the first set of that leg already sits). A set before the first session (a clock
    edge) goes to the first.
    """
    if start is None:
        return sessions[0]
    holder = sessions[0]
    for session in sorted(sessions, key=lambda item: item.start_utc):
        if session.start_utc <= start:
            holder = session
    return holder


def _exercise_name(categories: list[Any], subtypes: list[Any]) -> str | None:
    """The exercise the watch named for its first category guess, when it named one."""
    if not categories or not subtypes or not isinstance(categories[0], str):
        return None
    subtype = subtypes[0]
    if not isinstance(subtype, int):
        return None
    names = _EXERCISE_NAMES.get(f"{categories[0]}_exercise_name", {})
    name = names.get(subtype)
    return str(name) if name is not None else None


def _exercise_slug(exercise_name: str | None, categories: list[Any]) -> str:
    """The named exercise in the project's own slugs (`barbell_back_squat` is `back_squat`, as
    manual entry writes it); else the watch's first category guess as it is (`squat` may be an
    air squat: it is not promoted to a back squat)."""
    if exercise_name:
        return normalise_exercise(exercise_name)
    first = categories[0] if categories else None
    if isinstance(first, str):
        return snake_case(first) or "unknown"
    return "unknown"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _datetime(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _integer(value: Any) -> int | None:
    number = _number(value)
    return round(number) if number is not None else None
