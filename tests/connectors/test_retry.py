from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.errors import AuthExpired, RateLimited, ServerBusy, UpstreamChanged
from connectors.source import Pacer, RetryPolicy, call_with_retries
from tests.sync_fixtures import FakeClock


def test_retries_then_succeeds_with_backoff() -> None:
    slept: list[float] = []
    outcomes: list[object] = [ServerBusy("502"), ServerBusy("503", retry_after=7), "ok"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    assert (
        call_with_retries(call, RetryPolicy(attempts=3, base_delay_s=1.0, jitter=0.0), slept.append)
        == "ok"
    )
    assert slept == [1.0, 7.0]  # backoff, then the server's Retry-After


def test_gives_up_after_the_bound() -> None:
    slept: list[float] = []

    def call() -> str:
        raise ServerBusy("500")

    with pytest.raises(ServerBusy):
        call_with_retries(call, RetryPolicy(attempts=3, base_delay_s=0.5, jitter=0.0), slept.append)
    assert slept == [0.5, 1.0]


def test_long_retry_after_is_not_slept_and_other_errors_pass() -> None:
    slept: list[float] = []

    def busy() -> str:
        raise ServerBusy("503", retry_after=3600)

    with pytest.raises(ServerBusy):
        call_with_retries(busy, RetryPolicy(max_delay_s=30), slept.append)

    def changed() -> str:
        raise UpstreamChanged("shape")

    with pytest.raises(UpstreamChanged):
        call_with_retries(changed, RetryPolicy(), slept.append)
    assert slept == []


def _failing(*errors: Exception) -> tuple[list[Exception], object]:
    pending = list(errors)

    def call() -> str:
        if pending:
            raise pending.pop(0)
        return "ok"

    return pending, call


def test_backoff_has_jitter_within_its_bounds() -> None:
    draws = iter([0.0, 0.999, 0.5])
    policy = RetryPolicy(attempts=4, base_delay_s=2.0, jitter=0.5, random=lambda: next(draws))
    slept: list[float] = []
    _, call = _failing(ServerBusy("500"), ServerBusy("reset"), ServerBusy("timeout"))
    assert call_with_retries(call, policy, slept.append) == "ok"  # type: ignore[arg-type]
    # attempt n's ceiling is 2 * 2**n; half of it is random: [ceiling/2, ceiling)
    assert slept[0] == 1.0
    assert 3.99 < slept[1] < 4.0
    assert slept[2] == 6.0


def test_a_short_429_is_slept_through_a_long_one_is_raised() -> None:
    slept: list[float] = []
    policy = RetryPolicy(max_rate_wait_s=60.0, jitter=0.0)
    _, short = _failing(RateLimited(45.0))
    assert call_with_retries(short, policy, slept.append) == "ok"  # type: ignore[arg-type]
    assert slept == [45.0]
    _, long = _failing(RateLimited(61.0))
    with pytest.raises(RateLimited):
        call_with_retries(long, policy, slept.append)  # type: ignore[arg-type]
    assert slept == [45.0]


def test_a_rejected_token_is_never_retried() -> None:
    slept: list[float] = []
    pending, call = _failing(AuthExpired("401"), AuthExpired("401"))
    with pytest.raises(AuthExpired):
        call_with_retries(call, RetryPolicy(), slept.append)  # type: ignore[arg-type]
    assert slept == [] and len(pending) == 1


def test_pacer_spaces_one_accounts_calls() -> None:
    clock = FakeClock(datetime(2026, 3, 2, tzinfo=UTC))
    pacer = Pacer(0.5, clock, clock.sleep)
    pacer.wait()
    clock.advance(seconds=0.2)
    pacer.wait()
    clock.advance(seconds=2.0)
    pacer.wait()
    assert clock.slept == [pytest.approx(0.3)]
