"""`RuleParams`: every number of coaching-rules.md section 2 as a default a coach can override.

Overrides arrive as strings (`a_skip_days=21` from the CLI) or as a stored JSON mapping (the
athlete's `rule_overrides`); both go through `RuleParams.with_overrides`, which checks each
value against the parameter's type and range and names the field, the value and the fix.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.errors import ParamError

CapBasis = Literal["working", "e1rm"]
Priority = Literal["A", "B", "C"]
Experience = Literal["beginner", "intermediate", "experienced"]

ParamValue = int | float | bool | str


def _p(default: ParamValue, low: float | None, high: float | None, help_: str) -> Any:
    """A parameter with its inclusive range and a one-line meaning (shown in error messages)."""
    return field(default=default, metadata={"low": low, "high": high, "help": help_})


def _choice(default: str, choices: tuple[str, ...], help_: str) -> Any:
    return field(default=default, metadata={"choices": choices, "help": help_})


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleParams:
    """The defaults of coaching-rules.md section 2. Weights in kg, windows in calendar days."""

    # R0: the seed's "only time for 3 sessions a week: just run".
    min_sessions_per_week: int = _p(4, 1, 14, "gym only with at least this many sessions a week")
    bar_kg: float = _p(20.0, 0.0, 50.0, "weight of the empty bar")
    round_kg: float = _p(2.5, 0.5, 10.0, "every reduction rounds down to a multiple of this")
    step_kg: float = _p(5.0, 0.5, 20.0, "one progression step")
    failure_drop_kg: float = _p(5.0, 0.5, 20.0, "R6: drop after a set to failure (RIR 0)")
    # R8: progress after >= 2 weeks if last RIR >= 4, after >= 4 weeks if it was 2-3.
    easy_rir: int = _p(4, 1, 10, "last RIR at or above this is an easy set")
    easy_weeks: int = _p(2, 1, 52, "weeks at a weight before progressing after an easy set")
    moderate_rir: int = _p(2, 1, 10, "last RIR from this up to easy_rir - 1 is a moderate set")
    moderate_weeks: int = _p(4, 1, 52, "weeks at a weight before progressing after a moderate set")
    # R10: "until about 150 % of body weight".
    cap_ratio: float = _p(1.5, 0.3, 4.0, "working weight cap as a multiple of body weight")
    cap_basis: str = _choice("working", ("working", "e1rm"), "what the cap compares")
    # R1 / R2: race windows, calendar days from the planned session date.
    a_skip_days: int = _p(14, 0, 120, "skip when an A race is this many days ahead or fewer")
    a_reduced_days: int = _p(21, 0, 120, "reduced session up to this many days before an A race")
    a_skip_after_days: int = _p(7, 0, 60, "skip when an A race was this many days ago or fewer")
    b_skip_days: int = _p(3, 0, 120, "skip when a B race is this many days ahead or fewer")
    b_reduced_days: int = _p(10, 0, 120, "reduced session up to this many days before a B race")
    b_skip_after_days: int = _p(2, 0, 60, "skip when a B race was this many days ago or fewer")
    c_skip_days: int = _p(2, 0, 120, "skip when a C race is this many days ahead or fewer")
    c_reduced_days: int = _p(7, 0, 120, "reduced session up to this many days before a C race")
    c_skip_after_days: int = _p(2, 0, 60, "skip when a C race was this many days ago or fewer")
    # Reduced session (R2).
    reduced_weight_factor: float = _p(0.9, 0.1, 1.0, "reduced session: weight multiplier")
    reduced_reps: int = _p(6, 1, 20, "reduced session: reps per set")
    reduced_set_cut: int = _p(1, 0, 5, "reduced session: sets removed (never below 1)")
    reduced_target_rir: int = _p(3, 0, 10, "reduced session: minimum reps in reserve")
    # R11: big run weeks.
    big_week_acwr: float = _p(1.3, 0.5, 5.0, "ACWR above this is a big run week")
    big_week_max_sets: int = _p(2, 1, 5, "sets allowed in a big run week")
    very_big_week_acwr: float = _p(1.5, 0.5, 5.0, "ACWR above this is a very big run week")
    very_big_week_max_sets: int = _p(1, 1, 5, "sets allowed in a very big run week")
    # R12: re-entry.
    reentry_weeks: int = _p(3, 1, 52, "weeks without squats that make the next one a re-entry")
    reentry_weight_factor: float = _p(0.9, 0.1, 1.0, "re-entry session: weight multiplier")
    reentry_set_cut: int = _p(1, 0, 5, "re-entry session: sets removed (never below 1)")
    # R5: single-leg switch.
    single_leg_factor: float = _p(0.5, 0.1, 1.0, "single-leg total load / bilateral load")
    # R13: warm-up.
    warmup_factor: float = _p(0.5, 0.1, 1.0, "warm-up weight / working weight")
    warmup_sets: int = _p(1, 1, 3, "warm-up sets")
    warmup_reps: int = _p(8, 1, 20, "warm-up reps")
    # Base session (the seed's "1 to 3 sets of 8", 2-3 reps in reserve).
    sets_beginner: int = _p(2, 1, 5, "working sets for a beginner")
    sets_intermediate: int = _p(2, 1, 5, "working sets for an intermediate athlete")
    sets_experienced: int = _p(3, 1, 5, "working sets for an experienced athlete")
    reps: int = _p(8, 1, 20, "reps per working set")
    target_rir_min: int = _p(2, 0, 10, "normal session: fewest reps in reserve")
    target_rir_max: int = _p(3, 0, 10, "normal session: most reps in reserve")
    guided_target_rir: int = _p(4, 0, 10, "technique not controlled: minimum reps in reserve")
    # R15: the seed's "60-80 % of the year".
    squat_share_min: float = _p(0.6, 0.0, 1.0, "lowest healthy share of weeks with squats")
    squat_share_max: float = _p(0.8, 0.0, 1.0, "highest healthy share of weeks with squats")
    squat_share_weeks: int = _p(52, 4, 104, "trailing weeks the share is taken over")
    squat_share_min_history_weeks: int = _p(
        8, 1, 104, "no share warning before this many weeks since the first squat"
    )
    # Plausibility of a logged load (docs/coaching-params.md): beyond these a set is refused
    # at manual entry, and kept unconfirmed (out of the plan) from a file or a sync.
    plausible_squat_bw_ratio: float = _p(
        2.5, 1.0, 6.0, "a squat heavier than this x body weight is implausible"
    )
    plausible_squat_max_kg: float = _p(
        300.0, 50.0, 600.0, "a squat heavier than this is implausible"
    )
    plausible_set_max_kg: float = _p(
        500.0, 50.0, 1000.0, "any set heavier than this is implausible"
    )
    # Watch guesses: a FIT `set` message names the exercise the watch guessed.
    trust_watch_exercise: bool = _p(
        False, None, None, "let the watch's own exercise guess drive the plan unconfirmed"
    )
    ignored_sets_shown: int = _p(5, 1, 50, "ignored sets the plan names one by one")

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            _check_range(spec, getattr(self, spec.name))
        _check_order(self, "target_rir_min", "target_rir_max")
        _check_order(self, "big_week_acwr", "very_big_week_acwr")
        _check_order(self, "squat_share_min", "squat_share_max")
        _check_order(self, "very_big_week_max_sets", "big_week_max_sets")
        _check_order(self, "moderate_rir", "easy_rir", strict=True)
        _check_order(self, "plausible_squat_max_kg", "plausible_set_max_kg")

    # -- per-athlete overrides --------------------------------------------------------------

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(spec.name for spec in dataclasses.fields(cls))

    def with_overrides(self, overrides: Mapping[str, object]) -> RuleParams:
        """A copy with `overrides` applied; values may be typed (stored JSON) or strings (CLI).

        Raises ParamError naming the first bad field, its value and the fix."""
        specs = {spec.name: spec for spec in dataclasses.fields(self)}
        changes: dict[str, ParamValue] = {}
        for name, raw in overrides.items():
            spec = specs.get(name)
            if spec is None:
                raise ParamError(name, raw, f"unknown parameter; known: {', '.join(specs)}")
            changes[name] = coerce(spec, raw)
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def overrides(self) -> dict[str, ParamValue]:
        """The fields that differ from the defaults (what an athlete's record stores)."""
        base = RuleParams()
        return {
            name: getattr(self, name)
            for name in self.names()
            if getattr(self, name) != getattr(base, name)
        }

    def skip_days(self, priority: Priority) -> int:
        return int(getattr(self, f"{priority.lower()}_skip_days"))

    def reduced_days(self, priority: Priority) -> int:
        return int(getattr(self, f"{priority.lower()}_reduced_days"))

    def skip_after_days(self, priority: Priority) -> int:
        return int(getattr(self, f"{priority.lower()}_skip_after_days"))

    def base_sets(self, experience: Experience) -> int:
        return int(getattr(self, f"sets_{experience}"))


def parse_override(text: str) -> tuple[str, ParamValue]:
    """`"a_skip_days=21"` -> `("a_skip_days", 21)`, checked against the parameter's type and
    range (alone: cross-field checks happen when the override is applied)."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParamError("param", text, "write it as NAME=VALUE, e.g. a_skip_days=21")
    specs = {spec.name: spec for spec in dataclasses.fields(RuleParams)}
    spec = specs.get(name)
    if spec is None:
        raise ParamError(name, raw, f"unknown parameter; known: {', '.join(specs)}")
    value = coerce(spec, raw.strip())
    _check_range(spec, value)
    return name, value


def _kind(spec: dataclasses.Field[Any]) -> type:
    default: object = spec.default
    return type(default)


def coerce(spec: dataclasses.Field[Any], raw: object) -> ParamValue:
    """Turn a stored or typed-in value into the parameter's type, or raise ParamError."""
    kind = _kind(spec)
    name = spec.name
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"true", "yes", "1", "on"}:
            return True
        if text in {"false", "no", "0", "off"}:
            return False
        raise ParamError(name, raw, "use true or false")
    if kind is int:
        if isinstance(raw, bool):
            raise ParamError(name, raw, "use a whole number")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ParamError(name, raw, f"use a whole number {_range_text(spec)}") from None
    if kind is float:
        if isinstance(raw, bool):
            raise ParamError(name, raw, "use a number")
        try:
            value = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
        except ValueError:
            raise ParamError(name, raw, f"use a number {_range_text(spec)}") from None
        if not math.isfinite(value):
            raise ParamError(name, raw, f"use a finite number {_range_text(spec)}")
        return value
    text = str(raw).strip()
    choices = spec.metadata.get("choices", ())
    if choices and text not in choices:
        raise ParamError(name, raw, f"use one of {', '.join(choices)}")
    return text


def _check_range(spec: dataclasses.Field[Any], value: object) -> None:
    kind = _kind(spec)
    if kind is not bool and isinstance(value, bool):
        raise ParamError(spec.name, value, f"use a {kind.__name__}, not true/false")
    if kind is int and not isinstance(value, int):
        raise ParamError(spec.name, value, f"use a whole number {_range_text(spec)}")
    if kind is float and not isinstance(value, int | float):
        raise ParamError(spec.name, value, f"use a number {_range_text(spec)}")
    if kind is float and not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ParamError(spec.name, value, f"use a finite number {_range_text(spec)}")
    if kind is str:
        choices = spec.metadata.get("choices", ())
        if value not in choices:
            raise ParamError(spec.name, value, f"use one of {', '.join(choices)}")
        return
    low, high = spec.metadata.get("low"), spec.metadata.get("high")
    number = float(value)  # type: ignore[arg-type]
    if (low is not None and number < low) or (high is not None and number > high):
        raise ParamError(spec.name, value, f"use a value {_range_text(spec)}")


def _range_text(spec: dataclasses.Field[Any]) -> str:
    low, high = spec.metadata.get("low"), spec.metadata.get("high")
    return f"from {low:g} to {high:g}: {spec.metadata.get('help', '')}"


def _check_order(params: RuleParams, lower: str, upper: str, *, strict: bool = False) -> None:
    low, high = getattr(params, lower), getattr(params, upper)
    if low > high or (strict and low == high):
        relation = "below" if strict else "at most"
        raise ParamError(lower, low, f"must be {relation} {upper} ({high})")
