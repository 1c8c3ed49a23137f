from __future__ import annotations

import pytest

from connectors.errors import ServerBusy, UpstreamChanged
from connectors.source import RetryPolicy, call_with_retries


def test_retries_then_succeeds_with_backoff() -> None:
    slept: list[float] = []
    outcomes: list[object] = [ServerBusy("502"), ServerBusy("503", retry_after=7), "ok"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    assert call_with_retries(call, RetryPolicy(attempts=3, base_delay_s=1.0), slept.append) == "ok"
    assert slept == [1.0, 7.0]  # backoff, then the server's Retry-After


def test_gives_up_after_the_bound() -> None:
    slept: list[float] = []

    def call() -> str:
        raise ServerBusy("500")

    with pytest.raises(ServerBusy):
        call_with_retries(call, RetryPolicy(attempts=3, base_delay_s=0.5), slept.append)
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
