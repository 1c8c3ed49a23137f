"""Rules that decide whether there is a session at all, and the race windows: R0, R1, R2."""

from __future__ import annotations

from engine.prescription.model import Effect, TargetRir
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import (
    Basis,
    a_priority,
    kg,
    plural,
    race_text,
    races_by_distance,
    reduce,
)
from engine.prescription.state import AthleteState


def r0_time(state: AthleteState, params: RuleParams) -> Effect | None:
    if state.sessions_per_week >= params.min_sessions_per_week:
        return None
    return Effect(
        rule="R0",
        reason=(
            f"{state.sessions_per_week} sessions a week: no gym this week, just run "
            f"(the gym starts at {params.min_sessions_per_week} sessions)"
        ),
        skip=True,
    )


def r1_race_skip(state: AthleteState, params: RuleParams) -> Effect | None:
    for race in races_by_distance(state):
        days = (race.race_date - state.planned_date).days
        if 0 <= days <= params.skip_days(race.priority):
            return Effect(
                rule="R1",
                reason=(
                    f"{race_text(race)} in {days} days: no squats within "
                    f"{params.skip_days(race.priority)} days before "
                    f"{a_priority(race.priority)} race"
                ),
                skip=True,
            )
        if days < 0 and -days <= params.skip_after_days(race.priority):
            return Effect(
                rule="R1",
                reason=(
                    f"{race_text(race)} was {-days} days ago: no squats within "
                    f"{params.skip_after_days(race.priority)} days after "
                    f"{a_priority(race.priority)} race"
                ),
                skip=True,
            )
    return None


def r2_race_reduced(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    for race in races_by_distance(state):
        days = (race.race_date - state.planned_date).days
        if params.skip_days(race.priority) < days <= params.reduced_days(race.priority):
            weight = reduce(basis, params.reduced_weight_factor, params)
            sets = max(1, basis.sets - params.reduced_set_cut)
            return Effect(
                rule="R2",
                reason=(
                    f"{race_text(race)} in {days} days: reduced session "
                    f"({kg(basis.weight_kg)} x {params.reduced_weight_factor:g} rounded down "
                    f"= {kg(weight)}, {params.reduced_reps} reps, {plural(sets, 'set')}, "
                    f"RIR >= {params.reduced_target_rir}), no progression"
                ),
                weight_kg=weight,
                sets=sets,
                reps=params.reduced_reps,
                target_rir=TargetRir(params.reduced_target_rir),
                blocks_progression=True,
            )
    return None
