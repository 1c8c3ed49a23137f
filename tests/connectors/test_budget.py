from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import RateLimited
from connectors.strava.budget import StravaRateBudget

NOW = datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC)  # 7.5 min into a quarter hour


def test_reads_spend_the_read_window_and_say_how_long() -> None:
    budget = StravaRateBudget(read_limits=(3, 10), overall_limits=(5, 20))
    for _ in range(3):
        budget.acquire(NOW)
    with pytest.raises(RateLimited) as caught:
        budget.acquire(NOW)
    assert caught.value.retry_after == 450.0  # until 10:15:00
    # The next quarter hour starts a fresh window.
    budget.acquire(NOW + timedelta(seconds=450))


def test_daily_limit_waits_until_midnight_utc() -> None:
    budget = StravaRateBudget(read_limits=(100, 2), overall_limits=(200, 2000))
    budget.acquire(NOW)
    budget.acquire(NOW + timedelta(minutes=30))
    with pytest.raises(RateLimited) as caught:
        budget.acquire(NOW + timedelta(hours=1))
    assert (
        caught.value.retry_after
        == (datetime(2026, 3, 3, tzinfo=UTC) - (NOW + timedelta(hours=1))).total_seconds()
    )
    budget.acquire(datetime(2026, 3, 3, 0, 0, 1, tzinfo=UTC))


def test_headers_are_authoritative_shared_with_other_processes() -> None:
    budget = StravaRateBudget()
    budget.observe(
        {
            "X-ReadRateLimit-Limit": "100,1000",
            "X-ReadRateLimit-Usage": "100,400",
            "X-RateLimit-Limit": "200,2000",
            "X-RateLimit-Usage": "120,500",
        },
        NOW,
    )
    assert budget.usage() == {"read": (100, 400), "overall": (120, 500)}
    with pytest.raises(RateLimited):
        budget.acquire(NOW)


def test_after_429_the_window_is_spent() -> None:
    budget = StravaRateBudget()
    limited = budget.exhausted(NOW)
    assert limited.retry_after == 450.0
    with pytest.raises(RateLimited):
        budget.acquire(NOW + timedelta(seconds=10))
