"""The one mapping from the warehouse's lift sets to the engine's.

The warehouse hands stored sets as connectors.records.LiftSet records (with their id and a
person's confirmation: warehouse.lifts.StoredLiftSet); the engine, which imports neither,
takes its own engine.prescription.SetRow. Planning and `lift list` (why a set is held back)
both map here, so the two never disagree about a set.
"""

from __future__ import annotations

from engine.prescription import SetRow
from warehouse.lifts import StoredLiftSet


def engine_set(stored: StoredLiftSet) -> SetRow:
    lift = stored.record
    return SetRow(
        performed_on=lift.performed_on,
        exercise=lift.exercise,
        set_index=lift.set_index,
        reps=lift.reps,
        weight_kg=lift.weight_kg,
        rir=lift.rir,
        warmup=lift.warmup,
        confirmed=stored.confirmed,
        exercise_guessed=lift.exercise_guessed,
    )
