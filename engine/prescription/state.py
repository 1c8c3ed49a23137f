"""`AthleteState`: every input the prescription rules read, already reduced to plain values.

The warehouse (or a test) builds it; the engine never looks anything up. The planned session
date is an input too: the rules count race windows from it and never read a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.prescription.params import Experience, Priority

BILATERAL_VARIANTS = frozenset({"back_squat", "guided_squat", "front_squat", "box_squat"})
SINGLE_LEG_VARIANTS = frozenset(
    {"bulgarian_split_squat", "split_squat", "single_leg_squat", "pistol_squat"}
)


# Slugs that name a variant the rules know under another name: a watch's generic "squat" is
# the barbell back squat, a Smith machine is the guided bar of R3.
_CANONICAL = {
    "squat": "back_squat",
    "barbell_squat": "back_squat",
    "barbell_back_squat": "back_squat",
    "smith_squat": "guided_squat",
    "smith_machine_squat": "guided_squat",
}


def canonical_variant(exercise: str) -> str:
    return _CANONICAL.get(exercise, exercise)


def is_squat(exercise: str) -> bool:
    """Any squat variant counts as the week's squat session (goblet, smith, split...)."""
    return "squat" in exercise


def is_single_leg(variant: str) -> bool:
    return variant in SINGLE_LEG_VARIANTS or "split_squat" in variant or "single_leg" in variant


@dataclass(frozen=True, slots=True, kw_only=True)
class RaceDay:
    race_date: date
    priority: Priority
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SquatHistory:
    """What the last squat sessions say (see `engine.prescription.history.squat_history`)."""

    variant: str
    """Exercise slug of the last session's working sets."""
    working_weight_kg: float
    """Heaviest working-set weight of the last session (single leg: total external load)."""
    last_rir: int | None
    """RIR of the last working set at that weight; None when it was not logged."""
    weeks_since_increase: int
    """Whole weeks since the working weight was last raised (or first set, or the variant
    changed) up to the planned session date."""
    weeks_since_squat: int
    """Whole weeks from the last squat session to the planned session date."""
    last_session: date


@dataclass(frozen=True, slots=True, kw_only=True)
class IgnoredSet:
    """A logged set the squat state left out (see `engine.prescription.plausibility`)."""

    performed_on: date
    exercise: str
    reps: int
    weight_kg: float
    why: str
    """One line a person reads: "implausible: ...", "the watch's guess of the exercise"."""
    set_id: int | None = None
    """The warehouse id (`ironmiles lift confirm ID`), when the caller knows it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekLoad:
    """Run load of the last completed week before the planned week (W-1). Nulls when the load
    pipeline has no history yet."""

    distance_km: float | None = None
    avg4_km: float | None = None
    acwr: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AthleteState:
    planned_date: date
    """The suggested session date: the athlete's gym weekday in the planned week."""
    experience: Experience = "intermediate"
    technique_controlled: bool = False
    prefers_single_leg: bool = False
    sessions_per_week: int = 5
    body_weight_kg: float | None = None
    squats: SquatHistory | None = None
    """None: no squat ever logged."""
    last_week: WeekLoad = field(default_factory=WeekLoad)
    races: tuple[RaceDay, ...] = ()
    squat_weeks: frozenset[str] | None = None
    """ISO weeks (`2025-W41`) with at least one squat session, for R15; None: not known."""
    history_start: date | None = None
    """First day the warehouse holds any data for the athlete; R15 shrinks its window to it
    when no squat is recorded (otherwise to the first squat)."""
    ignored_sets: tuple[IgnoredSet, ...] = ()
    """Sets left out of `squats` and `squat_weeks` until confirmed; R16 names them."""
    provisional: bool = False
    """The plan is made while the week before the planned week is still running: its load and
    sets may still change, so the plan says it is provisional."""
