"""Strava as a connected source (connectors.source.SourceSync): the activities after the
watermark minus the overlap window (everything on the first run), 200 a page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from connectors.source import Clock, RetryPolicy, Sleep, SyncPage, SyncStart, TokenStore
from connectors.strava.budget import RateBudget
from connectors.strava.client import StravaApi, StravaApp, StravaEndpoints
from connectors.strava.pages import iter_activity_pages

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class StravaSource:
    app: StravaApp
    endpoints: StravaEndpoints
    budget: RateBudget
    """Shared by every athlete: Strava counts requests per application."""
    clock: Clock
    sleep: Sleep
    overlap: timedelta
    timeout_s: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    name: Literal["strava"] = "strava"

    def start(self, tokens: TokenStore, start: SyncStart) -> StravaRun:
        api = StravaApi(
            tokens,
            self.app,
            endpoints=self.endpoints,
            budget=self.budget,
            clock=self.clock,
            sleep=self.sleep,
            timeout_s=self.timeout_s,
            retry=self.retry,
        )
        after = start.watermark - self.overlap if start.watermark else EPOCH
        return StravaRun(api=api, after=after)


@dataclass(frozen=True, slots=True, kw_only=True)
class StravaRun:
    api: StravaApi
    after: datetime

    @property
    def calls(self) -> int:
        return self.api.calls

    def pages(self) -> Iterator[SyncPage]:
        return iter_activity_pages(self.api, after=self.after)

    def cursor(self) -> dict[str, Any]:
        return {}
