"""Strava's app-wide budget (100 reads / 15 min, 1,000 a day; 200 / 2,000 overall) shared by
every process that syncs, behind the `RateBudget` interface the Strava client takes:

- with a Prefect server configured (PREFECT_API_URL), through Prefect global concurrency limits
  used as rate limits (slots decay at limit / window seconds), created idempotently;
- otherwise through the warehouse: one row per application and window, taken atomically.

Either way Strava's X-RateLimit / X-ReadRateLimit headers correct the count (they include
requests of processes we do not know about), and a spent window raises `RateLimited` with the
seconds until it resets instead of sleeping past the configured bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from connectors.errors import RateLimited
from connectors.strava.budget import (
    DAY_S,
    WINDOW_S,
    StravaRateBudget,
    parse_usage,
    window_start,
)
from warehouse.db import session_scope
from warehouse.rate_budget import correct_usage, take_request

READ_LIMITS = (100, 1000)
OVERALL_LIMITS = (200, 2000)


@dataclass(frozen=True, slots=True)
class _Window:
    kind: str  # "read" | "overall"
    span: str  # "15min" | "daily"
    limit: int

    def key(self, app: str) -> str:
        return f"{app}:{self.kind}:{self.span}"

    @property
    def seconds(self) -> int:
        return WINDOW_S if self.span == "15min" else DAY_S


def _windows(read_limits: tuple[int, int], overall_limits: tuple[int, int]) -> list[_Window]:
    return [
        _Window("read", "15min", read_limits[0]),
        _Window("read", "daily", read_limits[1]),
        _Window("overall", "15min", overall_limits[0]),
        _Window("overall", "daily", overall_limits[1]),
    ]


def _applies(window: _Window, read: bool) -> bool:
    return read or window.kind == "overall"


def _span(window: _Window) -> str:
    return "short" if window.span == "15min" else "daily"


class WarehouseBudget:
    """The budget in the warehouse's `rate_budget` table, shared by every process using it."""

    def __init__(
        self,
        engine: Engine,
        app: str,
        *,
        read_limits: tuple[int, int] = READ_LIMITS,
        overall_limits: tuple[int, int] = OVERALL_LIMITS,
    ) -> None:
        self._engine = engine
        self._app = app
        self._windows = _windows(read_limits, overall_limits)

    def acquire(self, now: datetime, *, read: bool = True) -> None:
        # All windows in one transaction: a spent one rolls back the others' counts.
        with session_scope(self._engine) as session:
            for window in self._windows:
                if not _applies(window, read):
                    continue
                start = window_start(now, _span(window))
                if not take_request(session, window.key(self._app), start, window.limit):
                    raise _limited(now, window, "budget spent")

    def observe(self, headers: Mapping[str, str], now: datetime) -> None:
        reported = parse_usage(headers)
        if not reported:
            return
        with session_scope(self._engine) as session:
            for window in self._windows:
                if window.kind not in reported:
                    continue
                limits, usage = reported[window.kind]
                index = 0 if window.span == "15min" else 1
                correct_usage(
                    session,
                    window.key(self._app),
                    window_start(now, _span(window)),
                    limit=limits[index],
                    used=usage[index],
                )

    def exhausted(self, now: datetime) -> RateLimited:
        with session_scope(self._engine) as session:
            for window in self._windows:
                if window.span == "15min":
                    start = window_start(now, "short")
                    key = window.key(self._app)
                    correct_usage(session, key, start, limit=window.limit, used=window.limit)
        return RateLimited(
            StravaRateBudget.seconds_until_reset(now, "15-minute"), "(Strava answered 429)"
        )


def _limited(now: datetime, window: _Window, why: str) -> RateLimited:
    which = "15-minute" if window.span == "15min" else "daily"
    return RateLimited(
        StravaRateBudget.seconds_until_reset(now, which), f"(Strava {which} {window.kind} {why})"
    )


class PrefectBudget:
    """The budget as Prefect global concurrency limits used as rate limits: a slot per request,
    each limit's slots decaying at limit / window seconds, so every process and worker that
    talks to the same Prefect server shares it. Strava's headers still correct the count
    through a local tracker (they see what the limits cannot: other deployments' requests)."""

    def __init__(
        self,
        app: str,
        *,
        max_wait_s: float = 60.0,
        read_limits: tuple[int, int] = READ_LIMITS,
        overall_limits: tuple[int, int] = OVERALL_LIMITS,
    ) -> None:
        self._app = app
        self._windows = _windows(read_limits, overall_limits)
        self._max_wait_s = max_wait_s
        self._headers = StravaRateBudget(read_limits=read_limits, overall_limits=overall_limits)

    def names(self) -> list[str]:
        return [w.key(self._app).replace(":", "-") for w in self._windows]

    def ensure_limits(self) -> None:
        """Create (or bring up to date) the global concurrency limits; idempotent."""
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            for window, name in zip(self._windows, self.names(), strict=True):
                client.upsert_global_concurrency_limit_by_name(
                    name, window.limit, slot_decay_per_second=window.limit / window.seconds
                )

    def acquire(self, now: datetime, *, read: bool = True) -> None:
        from prefect.concurrency.sync import rate_limit

        self._headers.acquire(now, read=read)  # raises when Strava's own count says spent
        names = [
            name
            for window, name in zip(self._windows, self.names(), strict=True)
            if _applies(window, read)
        ]
        try:
            rate_limit(names, occupy=1, timeout_seconds=self._max_wait_s, strict=True)
        except TimeoutError:
            wait = StravaRateBudget.seconds_until_reset(now, "15-minute")
            raise RateLimited(wait, "(Strava budget: Prefect rate limit)") from None

    def observe(self, headers: Mapping[str, str], now: datetime) -> None:
        self._headers.observe(headers, now)

    def exhausted(self, now: datetime) -> RateLimited:
        return self._headers.exhausted(now)


def shared_budget(
    engine: Engine, client_id: int | None, *, prefect: bool
) -> WarehouseBudget | PrefectBudget | StravaRateBudget:
    """The Strava budget every process shares: Prefect's when a server is configured, the
    warehouse's otherwise (in memory only when no Strava app is configured at all)."""
    if client_id is None:
        return StravaRateBudget()
    app = f"strava:{client_id}"
    if prefect:
        budget = PrefectBudget(app)
        budget.ensure_limits()
        return budget
    return WarehouseBudget(engine, app)
