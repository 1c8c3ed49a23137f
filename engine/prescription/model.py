"""What a prescription is made of: the effect each rule proposes, and the composed result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The fields of a prescription a rule can decide; `Fired.fields` names a subset of them.
SESSION_FIELDS = (
    "variant",
    "supervised",
    "warmup",
    "sets",
    "reps",
    "weight_kg",
    "target_rir",
    "date",
)


@dataclass(frozen=True, slots=True)
class TargetRir:
    """Reps in reserve on the last working set: `low`-`high`, or at least `low` (high None)."""

    low: int
    high: int | None = None

    def text(self) -> str:
        """`"2-3"` or `">=3"` (the JSON form)."""
        return f"{self.low}-{self.high}" if self.high is not None else f">={self.low}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    """What one rule proposes. None means "no opinion"; the composer keeps the most
    conservative proposal per field (lowest weight, sets and reps, highest RIR floor)."""

    rule: str
    reason: str
    skip: bool = False
    variant: str | None = None
    supervised: bool | None = None
    per_leg: bool | None = None
    weight_kg: float | None = None
    sets: int | None = None
    reps: int | None = None
    target_rir: TargetRir | None = None
    warmup: Warmup | None = None
    blocks_progression: bool = False
    """A rule that makes this week not a normal week (no +step_kg)."""
    date: date | None = None
    advice: str | None = None

    def fields(self) -> frozenset[str]:
        named = {
            "skip": self.skip or None,
            "variant": self.variant,
            "supervised": self.supervised,
            "weight_kg": self.weight_kg,
            "sets": self.sets,
            "reps": self.reps,
            "target_rir": self.target_rir,
            "date": self.date,
            "warmup": self.warmup,
            "advice": self.advice,
        }
        return frozenset(name for name, value in named.items() if value is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fired:
    """A rule that fired, the reason a coach reads, and the fields it decided."""

    rule: str
    reason: str
    fields: frozenset[str] = field(default_factory=frozenset)
    advice: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Warmup:
    sets: int
    reps: int
    weight_kg: float
    """0.0: body-weight squats (the working weight is the empty bar)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Prescription:
    """The week's squat session, or a skip, with every rule that fired."""

    date: date
    skip: bool
    variant: str | None = None
    per_leg: bool = False
    """Reps are counted per leg and the weight is the total external load (single leg)."""
    warmup: Warmup | None = None
    sets: int | None = None
    reps: int | None = None
    weight_kg: float | None = None
    target_rir: TargetRir | None = None
    supervised: bool = False
    rules: tuple[Fired, ...] = ()
    provisional: bool = False
    """Made before the previous week ended; the nightly re-plan replaces it once it has."""

    @property
    def advice(self) -> tuple[str, ...]:
        return tuple(fired.advice for fired in self.rules if fired.advice)

    def explained(self, name: str) -> tuple[Fired, ...]:
        """The fired rules that decided field `name`."""
        return tuple(fired for fired in self.rules if name in fired.fields)
