"""Fixtures of the sync tests (connectors and flows): local Garmin and Strava servers, a fake
clock and an in-memory token store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.servers import (
    FakeGarmin,
    FakeStrava,
    GarminTemplates,
    ReplayServer,
    StravaTemplates,
    load_garmin_templates,
    load_strava_templates,
)


class MemoryStore:
    """A TokenStore in memory that remembers every save (the order matters for Strava)."""

    def __init__(self, tokens: Mapping[str, Any] | None = None) -> None:
        self.tokens = dict(tokens) if tokens else None
        self.saves: list[dict[str, Any]] = []

    def load(self) -> Mapping[str, Any] | None:
        return self.tokens

    def save(self, tokens: Mapping[str, Any]) -> None:
        self.tokens = dict(tokens)
        self.saves.append(dict(tokens))


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC))


@pytest.fixture(scope="session")
def garmin_templates(shared_data: Path) -> GarminTemplates:
    return load_garmin_templates(shared_data)


@pytest.fixture(scope="session")
def strava_templates(shared_data: Path) -> StravaTemplates:
    return load_strava_templates(shared_data)


@pytest.fixture(scope="session")
def garmin_server() -> Iterator[ReplayServer]:
    server = ReplayServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def strava_server() -> Iterator[ReplayServer]:
    server = ReplayServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_garmin(garmin_templates: GarminTemplates, garmin_server: ReplayServer) -> FakeGarmin:
    return FakeGarmin(garmin_templates, server=garmin_server)


@pytest.fixture
def fake_strava(clock: FakeClock, strava_server: ReplayServer) -> FakeStrava:
    return FakeStrava(clock, server=strava_server)
