"""Fixtures of the nightly-sync tests: the run's dependencies pointed at the local Garmin and
Strava servers (with a fake clock), and a CLI environment pointed at them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from connectors.garmin.client import GarminEndpoints
from connectors.source import RetryPolicy
from connectors.strava.budget import StravaRateBudget
from connectors.strava.client import StravaApp, StravaEndpoints
from flows.source_runs import SyncConfig, SyncDeps
from tests.conftest import Cli
from tests.servers import FakeGarmin, FakeStrava, StravaTemplates
from tests.sync_fixtures import FakeClock


@pytest.fixture
def strava(fake_strava: FakeStrava, strava_templates: StravaTemplates) -> FakeStrava:
    fake_strava.templates = strava_templates
    return fake_strava


@pytest.fixture
def deps(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> SyncDeps:
    config = SyncConfig(
        garmin=GarminEndpoints.from_base(fake_garmin.base_url),
        strava=StravaEndpoints.from_base(strava.base_url),
        strava_app=StravaApp(strava.client_id, strava.client_secret),
        garmin_page_size=50,
        # Exact sleeps in the assertions: no jitter, and no pacing (its own test paces).
        retry=RetryPolicy(jitter=0.0),
        garmin_min_interval_s=0.0,
    )
    return SyncDeps(
        engine=warehouse_engine,
        cipher=Fernet(Fernet.generate_key()),
        config=config,
        clock=clock,
        sleep=clock.sleep,
        strava_budget=StravaRateBudget(),
    )


@pytest.fixture
def cli_env(run_cli: Cli, fake_garmin: FakeGarmin, strava: FakeStrava) -> Cli:
    run_cli.env.update({
        "IRONMILES_SECRET_KEY": Fernet.generate_key().decode(),
        "IRONMILES_GARMIN_API_BASE": fake_garmin.base_url,
        "IRONMILES_STRAVA_API_BASE": strava.base_url,
        "IRONMILES_STRAVA_CLIENT_ID": str(strava.client_id),
        "IRONMILES_STRAVA_CLIENT_SECRET": strava.client_secret,
    })  # fmt: skip
    strava.now = lambda: datetime.now(UTC)
    return run_cli
