"""The rules of coaching-rules.md section 2, one small named function each.

Every function reads the state (and, after the variant is chosen, the session `Basis`) and
returns an `Effect` saying what it proposes and why, or None when it does not apply. Nothing
here combines effects: `prescribe.py` does, so each rule can be read and tested alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from engine.prescription.model import Effect, TargetRir, Warmup
from engine.prescription.params import RuleParams
from engine.prescription.state import AthleteState, RaceDay, is_single_leg
from engine.prescription.weeks import shift_week, week_monday, week_of

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


# -- skip rules -------------------------------------------------------------------------------


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
    for race in _races_by_distance(state):
        days = (race.race_date - state.planned_date).days
        if 0 <= days <= params.skip_days(race.priority):
            return Effect(
                rule="R1",
                reason=(
                    f"{_race_text(race)} in {days} days: no squats within "
                    f"{params.skip_days(race.priority)} days before {_a(race.priority)} race"
                ),
                skip=True,
            )
        if days < 0 and -days <= params.skip_after_days(race.priority):
            return Effect(
                rule="R1",
                reason=(
                    f"{_race_text(race)} was {-days} days ago: no squats within "
                    f"{params.skip_after_days(race.priority)} days after {_a(race.priority)} race"
                ),
                skip=True,
            )
    return None


# -- variant rules (exactly one fires) ----------------------------------------------------------


def r3_guided(state: AthleteState, params: RuleParams) -> Effect | None:
    if state.technique_controlled:
        return None
    return Effect(
        rule="R3",
        reason=(
            "technique not signed off: guided squat in a rack, supervised, "
            f"{params.base_sets(state.experience)} x {params.reps}, "
            f"RIR >= {params.guided_target_rir}, no progression"
        ),
        variant="guided_squat",
        supervised=True,
        per_leg=False,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.guided_target_rir),
        blocks_progression=True,
    )


def r5_single_leg(state: AthleteState, params: RuleParams) -> Effect | None:
    if not (
        state.technique_controlled
        and state.experience == "experienced"
        and state.prefers_single_leg
    ):
        return None
    return Effect(
        rule="R5",
        reason=(
            f"experienced and prefers single leg: Bulgarian split squat, {params.reps} reps "
            "per leg, weight = total external load"
        ),
        variant="bulgarian_split_squat",
        supervised=False,
        per_leg=True,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.target_rir_min, params.target_rir_max),
    )


def r4_free_bar(state: AthleteState, params: RuleParams) -> Effect | None:
    if not state.technique_controlled:
        return None
    return Effect(
        rule="R4",
        reason=(
            f"technique controlled: back squat with a free bar, "
            f"{params.base_sets(state.experience)} x {params.reps} for "
            f"{_athlete(state.experience)}, RIR {params.target_rir_min}-{params.target_rir_max}"
        ),
        variant="back_squat",
        supervised=False,
        per_leg=False,
        sets=params.base_sets(state.experience),
        reps=params.reps,
        target_rir=TargetRir(params.target_rir_min, params.target_rir_max),
    )


def basis_for(
    state: AthleteState, chosen: Effect, params: RuleParams
) -> tuple[Basis, Effect | None]:
    """The starting session for the chosen variant, and the effect of a switch (if any).

    A switch between bilateral and single-leg variants converts the load by
    `single_leg_factor` (the doc: single-leg total external load = 0.5 x bilateral) and holds.
    """
    assert chosen.variant is not None
    assert chosen.sets is not None
    variant = chosen.variant
    single_leg = is_single_leg(variant)
    cap = _cap_kg(state, params, single_leg=single_leg)
    history = state.squats
    if history is None:
        weight, switched, switch = params.bar_kg, False, None
    elif history.variant == variant:
        weight, switched, switch = history.working_weight_kg, False, None
    else:
        switched = True
        weight = history.working_weight_kg
        was_single = is_single_leg(history.variant)
        if single_leg and not was_single:
            weight = round_down(weight * params.single_leg_factor, params.round_kg)
            how = f"load {kg(history.working_weight_kg)} x {params.single_leg_factor:g}"
        elif was_single and not single_leg:
            weight = round_down(weight / params.single_leg_factor, params.round_kg)
            if cap is not None:
                weight = min(weight, round_down(cap, params.round_kg))
            how = f"bilateral equivalent of {kg(history.working_weight_kg)}"
        else:
            how = f"same load as the {label(history.variant)}"
        switch = Effect(
            rule=chosen.rule,
            reason=(
                f"switch from {label(history.variant)} to {label(variant)}: "
                f"{how} = {kg(weight)}, no progression on the switch session"
            ),
            weight_kg=weight,
            blocks_progression=True,
        )
    basis = Basis(
        variant=variant,
        single_leg=single_leg,
        switched=switched,
        weight_kg=weight,
        floor_kg=min(params.bar_kg, weight),
        sets=chosen.sets,
        cap_kg=cap,
    )
    return basis, switch


def r3_beginner_bar(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """The weight half of R3: a beginner without technique works with the empty bar."""
    if state.technique_controlled or state.experience != "beginner":
        return None
    return Effect(
        rule="R3",
        reason=f"a beginner works with the empty bar, {kg(min(params.bar_kg, basis.weight_kg))}",
        weight_kg=min(params.bar_kg, basis.weight_kg),
    )


def r3_hold(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """The hold half of R3 for athletes past beginner level."""
    if state.technique_controlled or state.experience == "beginner":
        return None
    return Effect(
        rule="R3",
        reason=f"hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
    )


# -- week modifiers -----------------------------------------------------------------------------


def r2_race_reduced(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    for race in _races_by_distance(state):
        days = (race.race_date - state.planned_date).days
        if params.skip_days(race.priority) < days <= params.reduced_days(race.priority):
            weight = _reduce(basis, params.reduced_weight_factor, params)
            sets = max(1, basis.sets - params.reduced_set_cut)
            return Effect(
                rule="R2",
                reason=(
                    f"{_race_text(race)} in {days} days: reduced session "
                    f"({kg(basis.weight_kg)} x {params.reduced_weight_factor:g} rounded down "
                    f"= {kg(weight)}, {params.reduced_reps} reps, {sets} set"
                    f"{'s' if sets != 1 else ''}, RIR >= {params.reduced_target_rir}), "
                    "no progression"
                ),
                weight_kg=weight,
                sets=sets,
                reps=params.reduced_reps,
                target_rir=TargetRir(params.reduced_target_rir),
                blocks_progression=True,
            )
    return None


def r11_big_week(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    acwr = state.last_week.acwr
    if acwr is None or acwr <= params.big_week_acwr:
        return None
    very_big = acwr > params.very_big_week_acwr
    sets = min(basis.sets, params.very_big_week_max_sets if very_big else params.big_week_max_sets)
    load = ""
    if state.last_week.distance_km is not None and state.last_week.avg4_km is not None:
        load = (
            f" ({state.last_week.distance_km:.1f} km against a 4-week mean of "
            f"{state.last_week.avg4_km:.1f} km)"
        )
    threshold = params.very_big_week_acwr if very_big else params.big_week_acwr
    return Effect(
        rule="R11",
        reason=(
            f"big run week: ACWR {acwr:.2f} > {threshold:g}{load}: no progression, "
            f"at most {sets} set{'s' if sets != 1 else ''}"
        ),
        weight_kg=basis.weight_kg,
        sets=sets,
        blocks_progression=True,
    )


def r12_reentry(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    history = state.squats
    if history is None or history.weeks_since_squat < params.reentry_weeks:
        return None
    weight = _reduce(basis, params.reentry_weight_factor, params)
    sets = max(1, basis.sets - params.reentry_set_cut)
    return Effect(
        rule="R12",
        reason=(
            f"re-entry after {history.weeks_since_squat} weeks without squats: "
            f"{kg(basis.weight_kg)} x {params.reentry_weight_factor:g} rounded down = "
            f"{kg(weight)}, {sets} set{'s' if sets != 1 else ''}, no progression"
        ),
        weight_kg=weight,
        sets=sets,
        blocks_progression=True,
    )


# -- load from last time --------------------------------------------------------------------


def r6_failure(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    if _last_rir(state) != 0:
        return None
    weight = max(
        basis.floor_kg, round_down(basis.weight_kg - params.failure_drop_kg, params.round_kg)
    )
    return Effect(
        rule="R6",
        reason=(
            f"last working set at RIR 0 (failure or lost form): {kg(params.failure_drop_kg)} "
            f"less, {kg(weight)}"
        ),
        weight_kg=weight,
    )


def r7_hard(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    rir = _last_rir(state)
    if rir is None or not 1 <= rir < params.moderate_rir:
        return None
    return Effect(
        rule="R7",
        reason=f"last working set at RIR {rir}: hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
    )


def r9_rir_unknown(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    if state.squats is None:
        return Effect(
            rule="R9",
            reason=f"no squat session logged yet: start with the empty bar, {kg(basis.weight_kg)}",
            weight_kg=basis.weight_kg,
            advice="Log the reps in reserve (RIR) of your last working set, so next week's "
            "weight can be set.",
        )
    if state.squats.last_rir is not None:
        return None
    return Effect(
        rule="R9",
        reason=f"no RIR logged for the last session: hold at {kg(basis.weight_kg)}",
        weight_kg=basis.weight_kg,
        advice="How many more reps could you have done on your last working set? "
        "Log the RIR with your sets so the weight can progress.",
    )


def r8_progression(state: AthleteState, basis: Basis, params: RuleParams) -> Effect | None:
    """Called only in a normal week (nothing blocked progression)."""
    history = state.squats
    rir = _last_rir(state)
    if history is None or rir is None or rir < params.moderate_rir:
        return None
    weeks = history.weeks_since_increase
    needed = params.easy_weeks if rir >= params.easy_rir else params.moderate_weeks
    if weeks < needed:
        return Effect(
            rule="R8",
            reason=(
                f"hold at {kg(basis.weight_kg)}: {weeks} of {needed} weeks since the last "
                f"increase with RIR {rir}"
            ),
            weight_kg=basis.weight_kg,
        )
    return Effect(
        rule="R8",
        reason=(
            f"RIR {rir} and {weeks} weeks since the last increase (>= {needed}): "
            f"+{kg(params.step_kg)}, {kg(basis.weight_kg + params.step_kg)}"
        ),
        weight_kg=basis.weight_kg + params.step_kg,
    )


def r10_cap(
    state: AthleteState, basis: Basis, progression: Effect | None, params: RuleParams
) -> Effect | None:
    """Holds a progression that would pass the cap; says so when no body weight is known."""
    if basis.cap_kg is None:
        return Effect(
            rule="R10",
            reason="no body weight logged: no cap applied",
            advice="No body weight on record, so the 150 % body-weight cap is not applied: "
            "log your body weight.",
        )
    if (
        progression is None
        or progression.weight_kg is None
        or progression.weight_kg <= basis.weight_kg
    ):
        return None
    if progression.weight_kg <= basis.cap_kg:
        return None
    bw = state.body_weight_kg
    return Effect(
        rule="R10",
        reason=(
            f"{kg(progression.weight_kg)} would pass the cap of {kg(round(basis.cap_kg, 2))} "
            f"({params.cap_ratio:g} x {kg(bw or 0)} body weight, {params.cap_basis}): "
            f"hold at {kg(basis.weight_kg)}"
        ),
        weight_kg=basis.weight_kg,
    )


# -- always, unless skipped ---------------------------------------------------------------------


def r13_warmup_weight(weight_kg: float, params: RuleParams) -> float:
    """1 x 8 at max(bar, 0.5 x working weight) rounded down; body weight (0.0) when the
    working weight is the bar or less."""
    if weight_kg <= params.bar_kg:
        return 0.0
    return max(params.bar_kg, round_down(weight_kg * params.warmup_factor, params.round_kg))


def r13_warmup(weight_kg: float, per_leg: bool, params: RuleParams) -> Effect:
    warm = r13_warmup_weight(weight_kg, params)
    warmup = Warmup(sets=params.warmup_sets, reps=params.warmup_reps, weight_kg=warm)
    leg = "/leg" if per_leg else ""
    what = (
        "body-weight squats"
        if warm == 0
        else f"max(bar, {params.warmup_factor:g} x {kg(weight_kg)}) rounded down = {kg(warm)}"
    )
    return Effect(
        rule="R13",
        reason=f"one warm-up set: {params.warmup_sets} x {params.warmup_reps}{leg}, {what}",
        warmup=warmup,
    )


def r14_timing(state: AthleteState) -> Effect:
    day = WEEKDAYS[state.planned_date.weekday()]
    return Effect(
        rule="R14",
        reason=f"{day} {state.planned_date.isoformat()} is the gym day",
        date=state.planned_date,
        advice=(
            f"{day}: squat after a hard run the same day (at least 3 h apart), at least 48 h "
            "before the next key session or race, never on the long-run day."
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SquatShare:
    weeks_with_squats: int
    window_weeks: int

    @property
    def share(self) -> float:
        return self.weeks_with_squats / self.window_weeks if self.window_weeks else 0.0


def squat_share(
    weeks: frozenset[str],
    planned_week: str,
    params: RuleParams,
    history_start: date | None = None,
) -> SquatShare:
    """Share of the trailing `squat_share_weeks` completed weeks (W-52 .. W-1) with a squat
    session. A history that starts inside the window shrinks it, so a new athlete is not
    judged on weeks before the warehouse knew them."""
    window = [
        shift_week(planned_week, -offset) for offset in range(params.squat_share_weeks, 0, -1)
    ]
    if history_start is not None:
        start = week_monday(week_of(history_start))
        window = [week for week in window if week_monday(week) >= start]
    return SquatShare(
        weeks_with_squats=sum(1 for week in window if week in weeks),
        window_weeks=len(window),
    )


def r15_share(state: AthleteState, params: RuleParams) -> Effect | None:
    if state.squat_weeks is None:
        return None
    share = squat_share(state.squat_weeks, week_of(state.planned_date), params, state.history_start)
    if share.window_weeks < params.squat_share_min_history_weeks:
        return None
    if params.squat_share_min <= share.share <= params.squat_share_max:
        return None
    low = share.share < params.squat_share_min
    text = (
        f"squats in {share.weeks_with_squats} of the last {share.window_weeks} weeks "
        f"({share.share:.0%}): {'below' if low else 'above'} the "
        f"{params.squat_share_min:.0%}-{params.squat_share_max:.0%} of the year the coach aims for"
    )
    return Effect(
        rule="R15",
        reason=text,
        advice=(
            "Squat more regularly: once a week for most of the year."
            if low
            else "Plan some weeks without the gym: squats 60-80 % of the year, not all of it."
        ),
    )


# -- helpers ----------------------------------------------------------------------------------


def _races_by_distance(state: AthleteState) -> list[RaceDay]:
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


def _a(priority: str) -> str:
    return f"an {priority}" if priority == "A" else f"a {priority}"


def _athlete(experience: str) -> str:
    return {"beginner": "a beginner", "intermediate": "an intermediate athlete"}.get(
        experience, "an experienced athlete"
    )


def _race_text(race: RaceDay) -> str:
    name = f' "{race.name}"' if race.name else ""
    return f"{race.priority} race{name} ({race.race_date.isoformat()})"


def _reduce(basis: Basis, factor: float, params: RuleParams) -> float:
    return max(basis.floor_kg, round_down(basis.weight_kg * factor, params.round_kg))


def _last_rir(state: AthleteState) -> int | None:
    """The RIR of the last working set. It still counts after a variant switch: a set to
    failure says the load was too heavy whatever the variant, and R8 is blocked anyway."""
    return None if state.squats is None else state.squats.last_rir


def _cap_kg(state: AthleteState, params: RuleParams, *, single_leg: bool) -> float | None:
    """Heaviest working weight progression may reach. Single leg: the bilateral cap times
    `single_leg_factor` (the load the doc treats as equivalent). e1rm basis: the weight whose
    Epley e1RM at `reps` x RIR `target_rir_min` equals the cap."""
    if state.body_weight_kg is None:
        return None
    cap = params.cap_ratio * state.body_weight_kg
    if params.cap_basis == "e1rm":
        cap /= 1 + (params.reps + params.target_rir_min) / 30
    if single_leg:
        cap *= params.single_leg_factor
    return cap
