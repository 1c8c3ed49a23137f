"""Fault campaign: the local Garmin and Strava servers answer a seeded-random third of the calls
with 429 (Strava's rate-limit headers and a Retry-After), 500, 503 or a dropped connection.
Running the nightly job again and again converges to exactly what one clean sync stores, table
by table and row by row; no row and no event is lost or doubled, and no requested sleep is past
the configured bound (measured through the sleep hook, not the wall clock).

Rerun: `.venv/bin/pytest -q tests/chaos/test_faults.py -s` (figures in test-artifacts/).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from flows.nightly import run_nightly
from tests.chaos.faults import (
    FAULT_KINDS,
    FaultInjector,
    SleepRecorder,
    announced,
    diff,
    record_figures,
    snapshot,
)
from tests.chaos.world import World, build_world, connect_all, make_deps
from tests.conftest import PgDatabases
from tests.servers import FakeGarmin, FakeStrava, StravaTemplates
from tests.sync_fixtures import FakeClock
from warehouse.db import make_engine
from warehouse.migrate import upgrade

SIZES = {"sqlite": (("ana", "ben", "cleo", "dan"), 50), "postgresql": (("ana", "ben", "cleo"), 30)}
"""Athletes and days of history per backend: PostgreSQL's campaign is the smaller one (its
round trips cost more; the product code under test is the same)."""
MAX_RUNS = 40
SEEDS = {"sqlite": 1401, "postgresql": 1402}


@pytest.fixture
def strava(fake_strava: FakeStrava, strava_templates: StravaTemplates) -> FakeStrava:
    fake_strava.templates = strava_templates
    return fake_strava


@pytest.fixture(params=["sqlite", "postgresql"])
def two_warehouses(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Engine, Engine]]:
    """A clean warehouse and one to fault, both migrated and empty, on one backend."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name}.db" for name in ("clean", "faulted")]
    else:
        databases: PgDatabases = request.getfixturevalue("pg_databases")
        urls = [databases.create(), databases.create()]
    engines = [make_engine(url) for url in urls]
    for engine in engines:
        upgrade(engine)
    yield request.param, engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def _settle(world: World, minutes: float = 16) -> None:
    # Past Strava's 15-minute window between runs, as the hourly deployment would be.
    world.clock.advance(minutes=minutes)


def test_faults_converge_to_the_clean_sync(
    two_warehouses: tuple[str, Engine, Engine],
    fake_garmin: FakeGarmin,
    strava: FakeStrava,
    clock: FakeClock,
) -> None:
    backend, clean_engine, faulted_engine = two_warehouses
    seed = SEEDS[backend]
    athletes, days = SIZES[backend]
    world = build_world(fake_garmin, strava, clock, athletes, days)
    clean_sleeps = SleepRecorder(lambda s: clock.advance(seconds=s))
    clean = make_deps(clean_engine, world, clean_sleeps, seed)
    connect_all(clean, world)
    clean_night = run_nightly(clean)
    assert {o.status for o in clean_night.outcomes} == {"ok"}
    expected, expected_events = snapshot(clean_engine), announced(clean_engine)
    assert len(expected["activities"]) > 2 * days  # the world really is multi-page
    _settle(world)

    sleeps = SleepRecorder(lambda s: clock.advance(seconds=s))
    deps = make_deps(faulted_engine, world, sleeps, seed)
    connect_all(deps, world)
    garmin_faults, strava_faults = FaultInjector(seed), FaultInjector(seed + 1)
    garmin_faults.install(fake_garmin)
    strava_faults.install(strava)
    statuses: list[dict[str, int]] = []
    for _ in range(MAX_RUNS):
        _settle(world)
        night = run_nightly(deps)
        tally: dict[str, int] = {}
        for outcome in night.outcomes:
            tally[outcome.status] = tally.get(outcome.status, 0) + 1
        statuses.append(tally)
        if set(tally) == {"ok"}:
            break
    runs = len(statuses)
    assert set(statuses[-1]) == {"ok"}, f"no convergence in {MAX_RUNS} runs: {statuses}"
    got, got_events = snapshot(faulted_engine), announced(faulted_engine)
    differences = diff(expected, got)
    lost_events = [key for key in expected_events if key not in got_events]
    doubled_events = [key for key, n in got_events.items() if n > 1]
    extra_events = [key for key in got_events if key not in expected_events]
    policy = deps.config.retry
    bound = max(policy.max_rate_wait_s, policy.max_delay_s, deps.config.garmin_min_interval_s)
    figures: dict[str, Any] = {
        "backend": backend,
        "seed": seed,
        "athletes": len(athletes),
        "days": days,
        "calls": {"garmin": garmin_faults.calls, "strava": strava_faults.calls},
        "faults_injected": {
            "garmin": dict(garmin_faults.injected),
            "strava": dict(strava_faults.injected),
            "total": sum(garmin_faults.injected.values()) + sum(strava_faults.injected.values()),
        },
        "runs_to_converge": runs,
        "statuses_per_run": statuses,
        "rows_compared": sum(len(rows) for rows in expected.values()),
        "tables_compared": len(expected),
        "rows_lost": sum(d["n_lost"] for d in differences.values()),
        "rows_extra_or_duplicated": sum(d["n_extra"] for d in differences.values()),
        "events_expected": sum(expected_events.values()),
        "events_lost": len(lost_events),
        "events_duplicated": len(doubled_events),
        "events_extra": extra_events,
        "sleeps_requested": len(sleeps.slept),
        "longest_sleep_s": max(sleeps.slept, default=0.0),
        "sleep_bound_s": bound,
        "total_sleep_s": round(sum(sleeps.slept), 1),
    }
    record_figures(f"faults-{backend}", figures)
    assert differences == {}
    assert lost_events == [] and doubled_events == []
    assert max(sleeps.slept, default=0.0) <= bound
    # The campaign really injected every kind.
    assert set(garmin_faults.injected) | set(strava_faults.injected) == set(FAULT_KINDS)
