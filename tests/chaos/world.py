"""The world the fault and token campaigns share: a few athletes with a multi-page history on
the local Garmin and Strava servers, connected in two warehouses (one synced cleanly, one
under faults), and the sync's dependencies for each."""

from __future__ import annotations

import random
from dataclasses import dataclass

from cryptography.fernet import Fernet
from sqlalchemy import Engine

from connectors.garmin.client import GarminEndpoints
from connectors.source import RetryPolicy
from connectors.strava.budget import StravaRateBudget
from connectors.strava.client import StravaApp, StravaEndpoints
from flows.source_runs import SyncConfig, SyncDeps
from tests.chaos.faults import SleepRecorder
from tests.flows.sync_world import History, connect
from tests.servers import FakeGarmin, FakeStrava
from tests.sync_fixtures import FakeClock

STRAVA_PER_PAGE = 4
"""Strava's page is 200; 4 makes the backfill of a few weeks multi-page."""
GARMIN_PAGE_SIZE = 5


@dataclass
class World:
    garmin: FakeGarmin
    strava: FakeStrava
    clock: FakeClock
    athletes: tuple[str, ...]


def build_world(
    garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock, athletes: tuple[str, ...], days: int
) -> World:
    for name in athletes:
        History(garmin, strava, name).add_days(days)
    return World(garmin, strava, clock, athletes)


def make_deps(engine: Engine, world: World, sleep: SleepRecorder, seed: int) -> SyncDeps:
    """The sync's dependencies with the production retry policy (jitter from a seeded
    generator) and Garmin's pacing, sleeping through `sleep` on the fake clock."""
    config = SyncConfig(
        garmin=GarminEndpoints.from_base(world.garmin.base_url),
        strava=StravaEndpoints.from_base(world.strava.base_url),
        strava_app=StravaApp(world.strava.client_id, world.strava.client_secret),
        garmin_page_size=GARMIN_PAGE_SIZE,
        strava_page_size=STRAVA_PER_PAGE,
        retry=RetryPolicy(random=random.Random(seed).random),
    )
    return SyncDeps(
        engine=engine,
        cipher=Fernet(Fernet.generate_key()),
        config=config,
        clock=world.clock,
        sleep=sleep,
        strava_budget=StravaRateBudget(),
    )


def connect_all(deps: SyncDeps, world: World) -> dict[str, int]:
    return {name: connect(deps, world.garmin, world.strava, name) for name in world.athletes}
