"""Compose the rules into one prescription: skip beats everything; otherwise every rule
proposes, and the most conservative proposal wins per field (lowest weight, sets and reps,
highest reps-in-reserve floor). Progression (R8) is asked only in a normal week. Safety comes
last and above all: the composed weight is cut to the cap (R10) before the warm-up is set."""

from __future__ import annotations

from collections.abc import Callable

from engine.prescription.model import Effect, Fired, Prescription, TargetRir
from engine.prescription.params import RuleParams
from engine.prescription.rules import (
    Basis,
    basis_for,
    choose_variant,
    r0_time,
    r1_race_skip,
    r2_race_reduced,
    r3_beginner_bar,
    r3_hold,
    r6_failure,
    r7_hard,
    r8_progression,
    r9_rir_unknown,
    r10_cap,
    r10_safety_cut,
    r11_big_week,
    r12_reentry,
    r13_warmup,
    r14_timing,
    r15_share,
    r16_ignored_loads,
)
from engine.prescription.state import AthleteState

SessionRule = Callable[[AthleteState, Basis, RuleParams], Effect | None]

# Rules that adjust the chosen variant's session; their order does not change the result
# (each proposes from the same basis), only the order of reasons within one rule.
_MODIFIERS: tuple[SessionRule, ...] = (
    r3_beginner_bar,
    r3_hold,
    r2_race_reduced,
    r11_big_week,
    r12_reentry,
    r6_failure,
    r7_hard,
    r9_rir_unknown,
)


def prescribe(state: AthleteState, params: RuleParams | None = None) -> Prescription:
    """The week's squat session for `state`, with every rule that fired and why."""
    params = params or RuleParams()
    notes = [
        effect for effect in (r15_share(state, params), r16_ignored_loads(state, params)) if effect
    ]
    skips = [effect for effect in (r0_time(state, params), r1_race_skip(state, params)) if effect]
    if skips:
        return Prescription(
            date=state.planned_date,
            skip=True,
            rules=_fired([*skips, *notes], {}),
            provisional=state.provisional,
        )

    chosen = choose_variant(state, params)
    basis, switch = basis_for(state, chosen, params)
    effects = [chosen, *([switch] if switch else [])]
    effects += [effect for rule in _MODIFIERS if (effect := rule(state, basis, params))]

    normal_week = not any(effect.blocks_progression for effect in effects)
    progression = r8_progression(state, basis, params) if normal_week else None
    cap = r10_cap(state, basis, progression, params)
    effects += [effect for effect in (progression, cap) if effect]

    weight = min((e.weight_kg for e in effects if e.weight_kg is not None), default=basis.weight_kg)
    sets = min(e.sets for e in effects if e.sets is not None)
    reps = min(e.reps for e in effects if e.reps is not None)
    target = max((e.target_rir for e in effects if e.target_rir is not None), key=_strictness)
    safety = r10_safety_cut(state, basis, weight, reps, target, params)
    if safety is not None:
        assert safety.weight_kg is not None
        effects.append(safety)
        weight = safety.weight_kg
    warmup = r13_warmup(weight, bool(chosen.per_leg), params)
    effects += [warmup, r14_timing(state), *notes]

    winners: dict[str, object] = {
        "weight_kg": weight,
        "sets": sets,
        "reps": reps,
        "target_rir": target,
    }
    assert chosen.variant is not None
    assert warmup.warmup is not None
    return Prescription(
        date=state.planned_date,
        skip=False,
        variant=chosen.variant,
        per_leg=bool(chosen.per_leg),
        warmup=warmup.warmup,
        sets=sets,
        reps=reps,
        weight_kg=float(weight),
        target_rir=target,
        supervised=any(effect.supervised for effect in effects),
        rules=_fired(effects, winners),
        provisional=state.provisional,
    )


def _strictness(target: TargetRir) -> tuple[int, int]:
    """More reps in reserve is more conservative; an open range beats a closed one."""
    return target.low, 99 if target.high is None else target.high


def _fired(effects: list[Effect], winners: dict[str, object]) -> tuple[Fired, ...]:
    """One `Fired` per rule id in rule order. A rule explains a contested field (weight, sets,
    reps, target RIR) only when its proposal is the one that won."""
    merged: dict[str, Fired] = {}
    for effect in effects:
        fields = {
            name
            for name in effect.fields()
            if name not in winners or getattr(effect, name) == winners[name]
        }
        previous = merged.get(effect.rule)
        if previous is None:
            merged[effect.rule] = Fired(
                rule=effect.rule,
                reason=effect.reason,
                fields=frozenset(fields),
                advice=effect.advice,
            )
        else:
            merged[effect.rule] = Fired(
                rule=effect.rule,
                reason=f"{previous.reason}; {effect.reason}",
                fields=previous.fields | fields,
                advice=previous.advice or effect.advice,
            )
    return tuple(merged[rule] for rule in sorted(merged, key=lambda rule: int(rule[1:])))
