"""Strava as a connected source (connectors.source.SourceSync): the activities after the
watermark minus the overlap window (everything on the first run), 200 a page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from connectors.records import Activity
from connectors.source import (
    Clock,
    MalformedItem,
    RetryPolicy,
    Skipped,
    Sleep,
    SyncPage,
    SyncStart,
    TokenStore,
)
from connectors.strava.budget import RateBudget
from connectors.strava.client import StravaApi, StravaApp, StravaEndpoints
from connectors.strava.mapping import map_activity
from connectors.strava.pages import PER_PAGE, iter_activity_pages

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
    page_size: int = PER_PAGE
    name: Literal["strava"] = "strava"

    def start(self, tokens: TokenStore, start: SyncStart) -> StravaRun | StravaPushRun:
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
        if start.only_ids:
            return StravaPushRun(api=api, activity_ids=start.only_ids)
        after = start.watermark - self.overlap if start.watermark else EPOCH
        return StravaRun(api=api, after=after, page_size=self.page_size)


@dataclass(frozen=True, slots=True, kw_only=True)
class StravaRun:
    api: StravaApi
    after: datetime
    page_size: int = PER_PAGE

    @property
    def calls(self) -> int:
        return self.api.calls

    def pages(self) -> Iterator[SyncPage]:
        return iter_activity_pages(self.api, after=self.after, per_page=self.page_size)

    def cursor(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class StravaPushRun:
    """The activities a push event named: GET /activities/{id} for each, one page, the
    watermark left alone (the list sync still owns it)."""

    api: StravaApi
    activity_ids: tuple[str, ...]

    @property
    def calls(self) -> int:
        return self.api.calls

    def pages(self) -> Iterator[SyncPage]:
        activities: list[Activity] = []
        skipped: list[Skipped] = []
        for activity_id in self.activity_ids:
            item = self.api.activity_if_any(activity_id)
            if item is None:
                skipped.append(Skipped(activity_id, "Strava has no such activity (any more)"))
                continue
            try:
                if not isinstance(item, Mapping):
                    raise MalformedItem(activity_id, "the activity is not an object")
                activities.append(map_activity(item))
            except MalformedItem as bad:
                skipped.append(Skipped(bad.source_id, bad.reason))
        yield SyncPage(
            activities=tuple(activities), skipped=tuple(skipped), watermark=None, calls=self.calls
        )

    def cursor(self) -> dict[str, Any]:
        return {}
