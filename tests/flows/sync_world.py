"""The world the nightly-sync tests share: an athlete connected to the local Garmin and Strava
servers, a history on both, and small readers of what the warehouse holds. The fixtures that
build it (`strava`, `deps`, `cli_env`) are in tests/flows/conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from flows.source_runs import SourceOutcome, SyncDeps
from tests.servers import (
    FakeGarmin,
    FakeStrava,
    exercise_sets_payload,
    garmin_item,
    strava_item,
)
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.models import Activity, SyncState

T0 = datetime(2025, 6, 2, 14, 10, tzinfo=UTC)  # history starts here; the clock is in 2026


def connect(deps: SyncDeps, garmin: FakeGarmin, strava: FakeStrava, name: str) -> int:
    with session_scope(deps.engine) as session:
        athlete_id = add_athlete(
            session, AthleteProfile(name=name, timezone="America/Costa_Rica")
        ).id
    deps.store(athlete_id, "garmin").save(garmin.issue_tokens(name))
    deps.store(athlete_id, "strava").save(strava.issue_tokens(name))
    return athlete_id


class History:
    """An athlete's history on both services: Garmin runs, each uploaded to Strava as well (20 s
    later, a slightly different elapsed time), a few Strava-only rides and Garmin strength
    sessions with their sets."""

    def __init__(self, garmin: FakeGarmin, strava: FakeStrava, name: str) -> None:
        self.garmin, self.strava, self.name = garmin, strava, name
        self.garmin_run_m: dict[str, float] = {}
        self.day = 0
        self.ids = 0

    def add_days(self, days: int) -> None:
        for _ in range(days):
            start = T0 + timedelta(days=self.day)
            self.ids += 1
            gid, sid = 21_000_000_000 + self.day, 13_000_000_000 + self.day
            if self.day % 7 == 3:
                lift = garmin_item(
                    self.garmin.templates,
                    gid,
                    start,
                    type_key="strength_training",
                    parent_type_id=29,
                    duration_s=2400.0,
                )
                self.garmin.add_runs(self.name, [lift])
                self.garmin.account(self.name).exercise_sets[str(gid)] = exercise_sets_payload(
                    gid, start, [("barbell_back_squat", 8, 60.0), ("barbell_back_squat", 8, 60.0)]
                )
            else:
                km = 6.0 + (self.day % 5)
                duration = km * 330.0
                old = self.day % 4 == 0
                self.garmin.add_runs(
                    self.name,
                    [
                        garmin_item(
                            self.garmin.templates,
                            gid,
                            start,
                            distance_m=km * 1000,
                            duration_s=duration,
                            old_era=old,
                            type_key="trail_running" if self.day % 3 else "running",
                        )
                    ],
                )
                self.garmin_run_m[str(gid)] = km * 1000
                assert self.strava.templates is not None
                self.strava.add(
                    self.name,
                    [
                        strava_item(
                            self.strava.templates,
                            sid,
                            start + timedelta(seconds=20),
                            distance_m=km * 1000 + 35,
                            moving_s=duration - 4,
                            elapsed_s=duration + 25,
                            sport_type="TrailRun" if self.day % 3 else "Run",
                        )
                    ],
                )
            if self.day % 10 == 5:
                assert self.strava.templates is not None
                self.strava.add(
                    self.name,
                    [
                        strava_item(
                            self.strava.templates,
                            14_000_000_000 + self.day,
                            start + timedelta(hours=5),
                            sport_type="Ride",
                            distance_m=30_000.0,
                            moving_s=4000,
                            elapsed_s=4300,
                        )
                    ],
                )
            self.day += 1

    @property
    def last_start(self) -> datetime:
        return T0 + timedelta(days=self.day - 1)


def rows(engine: Engine) -> list[tuple[Any, ...]]:
    """Every activity row, every column (the convergence check compares them all)."""
    with engine.connect() as connection:
        result = connection.execute(select(Activity).order_by(Activity.source, Activity.source_id))
        return [tuple(r) for r in result]


def count(engine: Engine, model: type, **where: Any) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(connection.execute(query).scalar_one())


def state(engine: Engine, athlete_id: int, source: str) -> SyncState:
    with session_scope(engine) as session:
        found = session.get(SyncState, (athlete_id, source))
        assert found is not None
        return found


def by_source(outcomes: list[SourceOutcome]) -> dict[str, SourceOutcome]:
    return {o.source: o for o in outcomes}
