"""Strava's rate budget, shared by every athlete of the application.

Strava counts requests per application, in 15-minute windows that start on the quarter hour and
in days that start at midnight UTC. Read requests (GET) have their own, lower limits inside the
overall ones. Each response reports the usage in its headers; between responses we count our own
requests. When a window is spent the budget raises `RateLimited` with the seconds until it
resets instead of sleeping, so the sync stops cleanly and resumes in the next window.

Pure: the time is always a parameter.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from connectors.errors import RateLimited

WINDOW_S = 15 * 60
DAY_S = 24 * 60 * 60


class RateBudget(Protocol):
    """What the Strava client asks of a budget. StravaRateBudget keeps it in memory (one
    process); flows/rate_budgets.py shares it between processes (the warehouse, or a Prefect
    global concurrency limit) behind this same interface."""

    def acquire(self, now: datetime, *, read: bool = True) -> None:
        """Count one request about to be sent, or raise `RateLimited`."""
        ...

    def observe(self, headers: Mapping[str, str], now: datetime) -> None:
        """Correct the count from Strava's X-RateLimit / X-ReadRateLimit headers."""
        ...

    def exhausted(self, now: datetime) -> RateLimited:
        """After a 429: mark the window spent; the error says how long to wait."""
        ...


def parse_usage(headers: Mapping[str, str]) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
    """{'read'|'overall': ((15-min limit, daily limit), (15-min usage, daily usage))} for the
    pairs that Strava's headers carry (both limit and usage present and readable)."""
    folded = {key.casefold(): value for key, value in headers.items()}
    found = {}
    for kind, prefix in (("read", "x-readratelimit"), ("overall", "x-ratelimit")):
        limits = _parse_pair(folded.get(f"{prefix}-limit"))
        usage = _parse_pair(folded.get(f"{prefix}-usage"))
        if limits is not None and usage is not None:
            found[kind] = (limits, usage)
    return found


def window_start(now: datetime, kind: str) -> datetime:
    """The start (UTC) of the 15-minute window ('short') or the day ('daily') holding `now`."""
    utc = now.astimezone(UTC)
    if kind == "daily":
        return utc.replace(hour=0, minute=0, second=0, microsecond=0)
    return datetime.fromtimestamp(int(utc.timestamp()) // WINDOW_S * WINDOW_S, UTC)


@dataclass(slots=True)
class _Counter:
    short_limit: int
    long_limit: int
    short_usage: int = 0
    long_usage: int = 0

    def spent(self, headroom: int) -> str | None:
        if self.long_usage >= self.long_limit - headroom:
            return "daily"
        if self.short_usage >= self.short_limit - headroom:
            return "15-minute"
        return None


def _window(now: datetime) -> tuple[int, datetime]:
    """(index of the 15-minute window, the UTC day) for an aware time."""
    utc = now.astimezone(UTC)
    return int(utc.timestamp()) // WINDOW_S, utc.replace(hour=0, minute=0, second=0, microsecond=0)


def _parse_pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        short, long = (int(part.strip()) for part in value.split(","))
    except ValueError:
        return None
    return short, long


class StravaRateBudget:
    """Usage of one Strava application. Thread-safe: athletes may sync in parallel."""

    def __init__(
        self,
        *,
        read_limits: tuple[int, int] = (100, 1000),
        overall_limits: tuple[int, int] = (200, 2000),
        headroom: int = 0,
    ) -> None:
        self._read = _Counter(*read_limits)
        self._overall = _Counter(*overall_limits)
        self._headroom = headroom
        self._window: tuple[int, datetime] | None = None
        self._lock = threading.Lock()

    def _roll(self, now: datetime) -> None:
        window = _window(now)
        if self._window is None or window == self._window:
            self._window = window
            return
        if window[1] != self._window[1]:
            self._read.long_usage = self._overall.long_usage = 0
        self._read.short_usage = self._overall.short_usage = 0
        self._window = window

    @staticmethod
    def seconds_until_reset(now: datetime, which: str) -> float:
        utc = now.astimezone(UTC)
        if which == "daily":
            tomorrow = utc.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
            return (tomorrow - utc).total_seconds()
        return float(WINDOW_S - (utc.timestamp() % WINDOW_S))

    def acquire(self, now: datetime, *, read: bool = True) -> None:
        """Count one request about to be sent, or raise `RateLimited` if the budget is spent."""
        with self._lock:
            self._roll(now)
            counters = (self._read, self._overall) if read else (self._overall,)
            for counter in counters:
                which = counter.spent(self._headroom)
                if which is not None:
                    raise RateLimited(
                        self.seconds_until_reset(now, which), f"(Strava {which} budget spent)"
                    )
            for counter in counters:
                counter.short_usage += 1
                counter.long_usage += 1

    def observe(self, headers: Mapping[str, str], now: datetime) -> None:
        """Take Strava's own count from a response (it includes other processes' requests)."""
        folded = {key.casefold(): value for key, value in headers.items()}
        with self._lock:
            self._roll(now)
            for counter, prefix in (
                (self._read, "x-readratelimit"),
                (self._overall, "x-ratelimit"),
            ):
                limits = _parse_pair(folded.get(f"{prefix}-limit"))
                usage = _parse_pair(folded.get(f"{prefix}-usage"))
                if limits is not None:
                    counter.short_limit, counter.long_limit = limits
                if usage is not None:
                    counter.short_usage, counter.long_usage = usage

    def exhausted(self, now: datetime) -> RateLimited:
        """After a 429: mark the current window spent and say how long to wait."""
        with self._lock:
            self._roll(now)
            daily = (
                self._read.long_usage >= self._read.long_limit
                or self._overall.long_usage >= self._overall.long_limit
            )
            self._read.short_usage = max(self._read.short_usage, self._read.short_limit)
            self._overall.short_usage = max(self._overall.short_usage, self._overall.short_limit)
        which = "daily" if daily else "15-minute"
        return RateLimited(self.seconds_until_reset(now, which), f"(Strava answered 429, {which})")

    def usage(self) -> dict[str, tuple[int, int]]:
        """Current counts, for the sync summary: {'read': (15 min, day), 'overall': (...)}."""
        with self._lock:
            return {
                "read": (self._read.short_usage, self._read.long_usage),
                "overall": (self._overall.short_usage, self._overall.long_usage),
            }
