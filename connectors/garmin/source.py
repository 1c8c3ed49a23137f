"""Garmin as a connected source (connectors.source.SourceSync): the activity list from the
watermark minus the overlap window, then the weigh-ins since the last day checked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from connectors.garmin.client import GarminApi, GarminEndpoints
from connectors.garmin.pages import DEFAULT_PAGE_SIZE, fetch_weigh_ins, iter_activity_pages
from connectors.source import Clock, Pacer, RetryPolicy, Sleep, SyncPage, SyncStart, TokenStore


@dataclass(frozen=True, slots=True, kw_only=True)
class GarminSource:
    endpoints: GarminEndpoints
    clock: Clock
    sleep: Sleep
    overlap: timedelta
    history_start: date
    page_size: int = DEFAULT_PAGE_SIZE
    timeout_s: float = 20.0
    weigh_ins: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    min_interval_s: float = 0.0
    """Pacing of one account's calls (a Pacer per athlete run: Garmin limits accounts)."""
    name: Literal["garmin"] = "garmin"

    def start(self, tokens: TokenStore, start: SyncStart) -> GarminRun:
        api = GarminApi(
            tokens,
            endpoints=self.endpoints,
            sleep=self.sleep,
            timeout_s=self.timeout_s,
            retry=self.retry,
            pacer=Pacer(self.min_interval_s, self.clock, self.sleep),
        )
        return GarminRun(source=self, api=api, start=start)


@dataclass(slots=True, kw_only=True)
class GarminRun:
    source: GarminSource
    api: GarminApi
    start: SyncStart
    _cursor: dict[str, Any] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        return self.api.calls

    def pages(self) -> Iterator[SyncPage]:
        source, watermark = self.source, self.start.watermark
        since = (watermark - source.overlap).date() if watermark else source.history_start
        yield from iter_activity_pages(
            self.api,
            since=since,
            page_size=source.page_size,
            details_known=self.start.details_known,
        )
        if not source.weigh_ins:
            return
        checked = self.start.cursor.get("weigh_ins_through")
        weigh_since = (
            date.fromisoformat(checked) - source.overlap if checked else source.history_start
        )
        today = source.clock().date()
        yield fetch_weigh_ins(self.api, since=weigh_since, until=today + timedelta(days=1))
        self._cursor = {"weigh_ins_through": today.isoformat()}

    def cursor(self) -> dict[str, Any]:
        return dict(self._cursor)
