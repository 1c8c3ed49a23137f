"""Typed, frozen records: the only shape in which outside data crosses into the warehouse.

Every record that comes from an outside source keeps `source`, `source_id` and the raw payload
it was mapped from, so that a change in our mapping is a rebuild from stored rows, never a
re-download.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, get_args

RecordSource = Literal["garmin", "strava", "fit", "gpx", "tcx", "strava_export", "manual"]
"""Where a record came from. Files keep their format; `strava_export` is a bulk export's CSV row."""

SportFamily = Literal["run", "ride", "walk", "swim", "strength", "other", "unknown"]
"""What totals an activity counts toward. Only `run` is mileage. `unknown`: the file named no
sport and no word of its name said one (a person sets it with `ironmiles activity set-sport`)."""

# The vocabularies, here once: the CLI, the warehouse and the planner take them from here (the
# engine, which imports no connector, declares the same Literal types; mypy checks the flows
# that hand one to the other, and tests/connectors/test_vocabularies.py checks them too).
Priority = Literal["A", "B", "C"]
"""A race's priority: A the season's goal, B important, C a training race."""
PRIORITIES: tuple[Priority, ...] = get_args(Priority)

Experience = Literal["beginner", "intermediate", "experienced"]
"""An athlete's lifting experience, as the coaching rules read it."""
EXPERIENCES: tuple[Experience, ...] = get_args(Experience)

RawPayload = Mapping[str, Any]
"""JSON-serialisable payload exactly as the source gave it (after decoding to JSON types)."""

# Which source wins when several copies of one activity are linked (lower wins).
SOURCE_PREFERENCE: Mapping[str, int] = {
    "garmin": 0,
    "fit": 1,
    "tcx": 2,
    "gpx": 3,
    "strava_export": 4,
    "strava": 5,
    "manual": 6,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One session of one sport, as one source reports it."""

    source: RecordSource
    source_id: str
    start_utc: datetime
    """Timezone-aware UTC start."""
    local_start: datetime | None
    """Naive wall-clock start where the activity happened, as the source reports it; None when
    the source does not say (the warehouse then uses the athlete's time zone)."""
    sport: SportFamily
    sub_sport: str | None = None
    """The source's finer type, normalised to snake case (`treadmill`, `trail`, `generic`...)."""
    name: str | None = None
    distance_m: float | None = None
    moving_s: float | None = None
    elapsed_s: float | None = None
    avg_hr: int | None = None
    max_hr: int | None = None
    rpe: float | None = None
    """Session RPE (1-10) where the athlete logged one."""
    partial: bool = False
    """True when the source was damaged and only part of it could be read."""
    parent_source_id: str | None = None
    """For a leg of a multisport activity: the parent's source_id (the parent itself is not
    stored as an activity, so nothing is counted twice)."""
    raw: RawPayload = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.start_utc.tzinfo is None or self.start_utc.utcoffset() is None:
            raise ValueError(f"Activity {self.source}:{self.source_id}: start_utc must be aware")
        if self.local_start is not None and self.local_start.tzinfo is not None:
            raise ValueError(f"Activity {self.source}:{self.source_id}: local_start must be naive")


@dataclass(frozen=True, slots=True, kw_only=True)
class LiftSet:
    """One set of one exercise."""

    source: RecordSource
    source_id: str
    """Stable per set: re-reading the same source gives the same id."""
    performed_on: date
    """The athlete's local date of the session."""
    exercise: str
    """Normalised slug (`back_squat`, `bulgarian_split_squat`, ...)."""
    set_index: int
    """1-based position of the set within its exercise on that day (manual) or session (files)."""
    reps: int
    weight_kg: float
    """External load; 0.0 for a body-weight set. Single-leg sets carry the total external load."""
    rir: int | None = None
    rpe: float | None = None
    warmup: bool = False
    notes: str | None = None
    start_utc: datetime | None = None
    session_source_id: str | None = None
    """The source_id of the activity the set belongs to (a Garmin or FIT strength session)."""
    raw: RawPayload = field(default_factory=dict)
    exercise_guessed: bool = False
    """The exercise is the watch's own guess (a FIT `set` message's category), not a name a
    person chose or corrected (manual entry, the Garmin API's exercise sets)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyWeight:
    source: RecordSource
    source_id: str
    measured_on: date
    weight_kg: float
    raw: RawPayload = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Race:
    race_date: date
    name: str
    distance_km: float
    priority: Priority
