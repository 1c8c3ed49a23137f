"""The worked cases' common defaults (coaching-rules.md section 2): 5 sessions a week,
technique controlled, no single-leg preference, last squat 1 week ago, ACWR 1.0, no race
within 21 days. Only the inputs live here; each test states the expected prescription."""

from __future__ import annotations

from datetime import date, timedelta

from engine.prescription import AthleteState, RaceDay, SquatHistory, WeekLoad
from engine.prescription.params import Experience, Priority

WEDNESDAY = date(2025, 10, 8)  # 2025-W41, the default gym day


def state(
    *,
    experience: Experience = "intermediate",
    body_weight_kg: float | None = 70.0,
    weight_kg: float | None = 60.0,
    variant: str = "back_squat",
    rir: int | None = 2,
    weeks_since_increase: int = 1,
    weeks_since_squat: int = 1,
    sessions: int = 5,
    technique: bool = True,
    single_leg: bool = False,
    acwr: float | None = 1.0,
    race_in_days: int | None = None,
    race_priority: Priority = "A",
) -> AthleteState:
    squats = (
        None
        if weight_kg is None
        else SquatHistory(
            variant=variant,
            working_weight_kg=weight_kg,
            last_rir=rir,
            weeks_since_increase=weeks_since_increase,
            weeks_since_squat=weeks_since_squat,
            last_session=WEDNESDAY - timedelta(weeks=weeks_since_squat),
        )
    )
    races = (
        ()
        if race_in_days is None
        else (
            RaceDay(
                race_date=WEDNESDAY + timedelta(days=race_in_days),
                priority=race_priority,
                name="Test race",
            ),
        )
    )
    return AthleteState(
        planned_date=WEDNESDAY,
        experience=experience,
        technique_controlled=technique,
        prefers_single_leg=single_leg,
        sessions_per_week=sessions,
        body_weight_kg=body_weight_kg,
        squats=squats,
        last_week=WeekLoad(
            distance_km=None if acwr is None else 40.0 * acwr,
            avg4_km=None if acwr is None else 40.0,
            acwr=acwr,
        ),
        races=races,
    )
