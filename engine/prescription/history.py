"""Squat history inputs from plain set rows: the one place that decides what "the last
session", "the working weight" and "the last increase" mean."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby, pairwise

from engine.prescription.state import SquatHistory, canonical_variant, is_squat
from engine.prescription.weeks import week_monday, week_of


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRow:
    """One logged set, the engine's own view of it (it imports no records: flows/lift_sets.py
    maps the warehouse's connectors.records.LiftSet to this, in one place)."""

    performed_on: date
    exercise: str
    set_index: int
    reps: int
    weight_kg: float
    rir: int | None = None
    warmup: bool = False
    confirmed: bool = False
    """A person confirmed the set (`ironmiles lift confirm`): it counts whatever it says."""
    exercise_guessed: bool = False
    """The exercise name is the watch's own guess (a FIT `set` message)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Session:
    day: date
    variant: str
    working_weight_kg: float
    last_rir: int | None


def squat_history(rows: Iterable[SetRow], planned_date: date) -> SquatHistory | None:
    """The squat inputs of `AthleteState` as of the planned session date.

    Only sets before the Monday of the planned week count: a plan for week W is made from what
    happened up to the end of W-1, so re-planning mid-week gives the same plan. A session is
    one day's working squat sets (warm-ups and zero-rep sets excluded); its working weight is
    the heaviest set, its RIR that of the last set at that weight. The last increase is the
    latest session whose working weight rose above the session before it; a change of variant
    counts as a new start, and a history that never rose counts from its first session.
    """
    sessions = _sessions(rows, week_monday(week_of(planned_date)))
    if not sessions:
        return None
    last = sessions[-1]
    increase = sessions[0].day
    for before, after in pairwise(sessions):
        if after.variant != before.variant or after.working_weight_kg > before.working_weight_kg:
            increase = after.day
    return SquatHistory(
        variant=last.variant,
        working_weight_kg=last.working_weight_kg,
        last_rir=last.last_rir,
        weeks_since_increase=(planned_date - increase).days // 7,
        weeks_since_squat=(planned_date - last.day).days // 7,
        last_session=last.day,
    )


def squat_weeks(rows: Iterable[SetRow]) -> frozenset[str]:
    """ISO weeks with at least one working squat set (R15's input)."""
    return frozenset(week_of(row.performed_on) for row in rows if _is_working_squat(row))


def _is_working_squat(row: SetRow) -> bool:
    return is_squat(row.exercise) and not row.warmup and row.reps > 0


def _sessions(rows: Iterable[SetRow], before: date) -> list[_Session]:
    working = sorted(
        (row for row in rows if _is_working_squat(row) and row.performed_on < before),
        key=lambda row: (row.performed_on, row.set_index),
    )
    sessions: list[_Session] = []
    for day, group in groupby(working, key=lambda row: row.performed_on):
        sets = list(group)
        top = max(row.weight_kg for row in sets)
        # The last set at the top weight: its RIR says how hard the working weight was.
        last_top = [row for row in sets if row.weight_kg == top][-1]
        sessions.append(
            _Session(
                day=day,
                variant=canonical_variant(last_top.exercise),
                working_weight_kg=top,
                last_rir=last_top.rir,
            )
        )
    return sessions
