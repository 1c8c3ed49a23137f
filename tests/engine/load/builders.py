"""Hand-built input frames for the load pipeline's tests (schemas in engine.load.schemas)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from engine.load import ACTIVITIES, LIFT_SESSIONS, LIFT_SETS, empty


@dataclass(frozen=True)
class Act:
    athlete_id: int
    local_date: date
    km: float | None = 10.0
    sport: str = "run"
    id: int | None = None
    canonical_id: int | None = None
    corrected_km: float | None = None
    moving_s: float | None = 3000.0
    rpe: float | None = None


@dataclass(frozen=True)
class Set:
    athlete_id: int
    performed_on: date
    exercise: str
    reps: int
    weight_kg: float
    rir: int | None = None
    warmup: bool | None = False


@dataclass(frozen=True)
class Session:
    athlete_id: int
    performed_on: date
    duration_s: float | None
    rpe: float | None


def activities(rows: list[Act]) -> pl.DataFrame:
    """Rows without an id get 1, 2, ... in order (after the explicit ids)."""
    taken = {r.id for r in rows if r.id is not None}
    free = (i for i in range(1, 10**9) if i not in taken)
    return pl.DataFrame(
        [
            {
                "id": r.id if r.id is not None else next(free),
                "canonical_id": r.canonical_id,
                "athlete_id": r.athlete_id,
                "local_date": r.local_date,
                "sport": r.sport,
                "distance_m": None if r.km is None else r.km * 1000.0,
                "corrected_distance_m": None if r.corrected_km is None else r.corrected_km * 1000,
                "moving_s": r.moving_s,
                "rpe": r.rpe,
            }
            for r in rows
        ],
        schema=dict(ACTIVITIES),
    )


def lift_sets(rows: list[Set]) -> pl.DataFrame:
    return pl.DataFrame([vars(r) for r in rows], schema=dict(LIFT_SETS))


def lift_sessions(rows: list[Session]) -> pl.DataFrame:
    return pl.DataFrame([vars(r) for r in rows], schema=dict(LIFT_SESSIONS))


NO_SETS = empty(LIFT_SETS)
NO_SESSIONS = empty(LIFT_SESSIONS)
NO_ACTIVITIES = empty(ACTIVITIES)

MONDAY = date(2025, 9, 1)  # ISO 2025-W36


def day(week: int, weekday: int = 0) -> date:
    """The date `weekday` days after the Monday of week `week` counted from MONDAY (week 0)."""
    return MONDAY + timedelta(weeks=week, days=weekday)
