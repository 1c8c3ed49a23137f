"""The Strava budget shared through the warehouse, on both databases: taken atomically by
several engines at once (as separate processes would), corrected by Strava's headers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import RateLimited
from flows.rate_budgets import WarehouseBudget
from warehouse.db import make_engine, session_scope
from warehouse.rate_budget import window_usage

NOW = datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC)
QUARTER = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_engines_racing_for_the_last_requests_take_exactly_the_limit(warehouse_url: str) -> None:
    engines = [make_engine(warehouse_url) for _ in range(3)]
    budgets = [WarehouseBudget(e, "strava:1", read_limits=(7, 1000)) for e in engines]

    def take(i: int) -> bool:
        try:
            budgets[i % 3].acquire(NOW)
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=6) as pool:
        taken = list(pool.map(take, range(20)))
    assert sum(taken) == 7
    with session_scope(engines[0]) as session:
        assert window_usage(session, "strava:1:read:15min", QUARTER) == 7
        # the refused requests rolled back their counts in the other windows too
        assert window_usage(session, "strava:1:overall:15min", QUARTER) == 7
    with pytest.raises(RateLimited) as caught:
        budgets[0].acquire(NOW)
    assert caught.value.retry_after == pytest.approx(450.0)  # the next quarter hour
    budgets[1].acquire(NOW + timedelta(minutes=8))  # a new window
    for engine in engines:
        engine.dispose()


def test_stravas_headers_correct_the_count(warehouse_engine: object) -> None:
    budget = WarehouseBudget(warehouse_engine, "strava:2")  # type: ignore[arg-type]
    budget.acquire(NOW)
    # Another deployment spent 98 of the window's 100 reads.
    budget.observe({"X-ReadRateLimit-Limit": "100,1000", "X-ReadRateLimit-Usage": "98,300"}, NOW)
    budget.acquire(NOW)
    budget.acquire(NOW)
    with pytest.raises(RateLimited):
        budget.acquire(NOW)
    # A lower count from the headers never lowers ours (it may be older than our requests).
    budget.observe({"X-ReadRateLimit-Limit": "100,1000", "X-ReadRateLimit-Usage": "3,3"}, NOW)
    with pytest.raises(RateLimited):
        budget.acquire(NOW)


def test_a_429_spends_the_window(warehouse_engine: object) -> None:
    budget = WarehouseBudget(warehouse_engine, "strava:3")  # type: ignore[arg-type]
    limited = budget.exhausted(NOW)
    assert limited.retry_after == pytest.approx(450.0)
    with pytest.raises(RateLimited):
        budget.acquire(NOW)
