"""What every rule module shares: labels, rounding, the session `Basis`, race lookups, the cap.

Each rule is a small named function that reads the state (and, once the variant is chosen,
the `Basis`) and returns an `Effect` saying what it proposes and why, or None when it does not
apply. Nothing in `engine.prescription.rules` combines effects: `prescribe.py` does, so each
rule can be read and tested alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.prescription.params import RuleParams
from engine.prescription.state import AthleteState, RaceDay

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LABELS = {
    "back_squat": "back squat",
    "guided_squat": "guided squat",
    "bulgarian_split_squat": "Bulgarian split squat",
}


def label(variant: str) -> str:
    return _LABELS.get(variant, variant.replace("_", " "))


def kg(value: float) -> str:
    return f"{value:g} kg"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def round_down(value: float, step: float) -> float:
    """Down to a multiple of `step` (the doc's rule for every reduction). The epsilon keeps
    60 x 0.9 = 54.0000001 from falling a whole step because of float noise."""
    return round(math.floor(value / step + 1e-9) * step, 3)


@dataclass(frozen=True, slots=True, kw_only=True)
class Basis:
    """The session the modifying rules start from, once the variant is chosen."""

    variant: str
    single_leg: bool
    switched: bool
    """The variant differs from the last session's: no progression this week."""
    weight_kg: float
    """The working weight to start from, in the chosen variant's terms."""
    floor_kg: float
    """No reduction goes below this: the empty bar, or the current weight if already lower."""
    sets: int
    cap_kg: float | None
    """Heaviest weight progression may reach (None: no body weight, no cap)."""


def races_by_distance(state: AthleteState) -> list[RaceDay]:
    """Closest race first, so the reason names the race that matters; ties broken on every
    field so the order of the input never changes the plan."""
    return sorted(
        state.races,
        key=lambda race: (
            abs((race.race_date - state.planned_date).days),
            race.priority,
            race.race_date,
            race.name,
        ),
    )


def a_priority(priority: str) -> str:
    return f"an {priority}" if priority == "A" else f"a {priority}"


def athlete_text(experience: str) -> str:
    return {"beginner": "a beginner", "intermediate": "an intermediate athlete"}.get(
        experience, "an experienced athlete"
    )


def race_text(race: RaceDay) -> str:
    name = f' "{race.name}"' if race.name else ""
    return f"{race.priority} race{name} ({race.race_date.isoformat()})"


def reduce(basis: Basis, factor: float, params: RuleParams) -> float:
    return max(basis.floor_kg, round_down(basis.weight_kg * factor, params.round_kg))


def last_rir(state: AthleteState) -> int | None:
    """The RIR of the last working set. It still counts after a variant switch: a set to
    failure says the load was too heavy whatever the variant, and R8 is blocked anyway."""
    return None if state.squats is None else state.squats.last_rir


def epley_factor(reps: int, rir: int) -> float:
    """e1RM / weight for a set of `reps` with `rir` in reserve (Epley, as in section 1)."""
    return 1 + (reps + rir) / 30


def cap_kg(
    state: AthleteState,
    params: RuleParams,
    *,
    single_leg: bool,
    reps: int | None = None,
    rir: int | None = None,
) -> float | None:
    """Heaviest working weight allowed (None: no body weight, no cap).

    Single leg: the bilateral cap times `single_leg_factor` (the load the doc treats as
    equivalent). e1rm basis: the weight whose Epley e1RM at `params.reps` x RIR
    `target_rir_min` equals the cap; the safety rule also passes the session actually
    prescribed, and the stricter of the two wins (a guided session at RIR >= 4 is capped lower).
    """
    if state.body_weight_kg is None:
        return None
    cap = params.cap_ratio * state.body_weight_kg
    if params.cap_basis == "e1rm":
        factor = epley_factor(params.reps, params.target_rir_min)
        if reps is not None and rir is not None:
            # Never looser than the normal session's cap: fewer reps in a reduced session
            # must not let a closer race raise the weight, so the reps count at least as many
            # as a normal session's, at the prescribed session's (stricter) RIR.
            factor = max(factor, epley_factor(max(reps, params.reps), rir))
        cap /= factor
    if single_leg:
        cap *= params.single_leg_factor
    return cap
