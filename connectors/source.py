"""What every API connector shares: injected seams (clock, sleep, token store), the page it
yields, the bounded retry of transient failures, and the `SourceSync` protocol that each
connected source (connectors/garmin/source.py, connectors/strava/source.py) implements for the
nightly composition (flows/nightly.py): its cursor and watermark maths, overlap window and
extras (Garmin's weigh-ins) live with the connector; storing the pages is the caller's.

Nothing here performs I/O by itself; the callers pass in whatever has a side effect.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from connectors.errors import RateLimited, ServerBusy
from connectors.records import Activity, BodyWeight, LiftSet

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware UTC."""

Sleep = Callable[[float], None]

SourceName = Literal["garmin", "strava"]
"""A source an athlete connects and the nightly job syncs (records.RecordSource also names the
file formats and manual entry, which are imported, not synced)."""
SOURCE_NAMES: tuple[SourceName, ...] = ("garmin", "strava")

T = TypeVar("T")

log = logging.getLogger(__name__)


class TokenStore(Protocol):
    """Where one athlete's tokens for one source live. The warehouse implements it encrypted."""

    def load(self) -> Mapping[str, Any] | None: ...

    def save(self, tokens: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item of a page that could not be mapped; the rest of the page is kept."""

    source_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncPage:
    """One page of records, ready to be stored in one transaction.

    `watermark` is the start time up to which everything has been delivered once this page
    (and every earlier one) is stored; None when the page does not move it.
    """

    activities: tuple[Activity, ...] = ()
    lift_sets: tuple[LiftSet, ...] = ()
    body_weights: tuple[BodyWeight, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    watermark: datetime | None = None
    calls: int = 0
    """API requests this page cost (for the call-count benchmark and the sync summary)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The one retry policy of every API call, whichever runner runs the unit (the CLI's
    InSequence, Prefect tasks, Dask): exponential backoff with jitter for transient failures
    (5xx, connection reset, timeout: `ServerBusy`), a 429's Retry-After honoured when it is at
    most `max_rate_wait_s` (`RateLimited`), nothing for a rejected token (`AuthExpired` is never
    retried). A wait beyond its bound is not slept through: the failure is raised, and the
    unit's status says when to come back (the next run resumes from the watermark)."""

    attempts: int = 4
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    jitter: float = 0.5
    """The fraction of each backoff that is random (0: none), so retries of many athletes do
    not hit the service in step."""
    max_rate_wait_s: float = 60.0
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    """Uniform in [0, 1); injected so tests see exact delays."""

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("RetryPolicy.jitter must be between 0 and 1")

    def backoff(self, attempt: int) -> float:
        """The wait before retry `attempt + 1` of a transient failure (no Retry-After)."""
        ceiling = float(min(self.base_delay_s * 2**attempt, self.max_delay_s))
        return ceiling * (1.0 - self.jitter + self.jitter * self.random())

    def delay(self, attempt: int, err: ServerBusy | RateLimited) -> float | None:
        """Seconds to wait before the next attempt, or None when the wait is past its bound."""
        if isinstance(err, RateLimited):
            wait = err.retry_after
            return wait if wait <= self.max_rate_wait_s else None
        if err.retry_after is not None:
            return err.retry_after if err.retry_after <= self.max_delay_s else None
        return self.backoff(attempt)


def call_with_retries(call: Callable[[], T], policy: RetryPolicy, sleep: Sleep) -> T:
    """Run `call`, retrying transient failures and short rate limits up to `policy.attempts`
    times in all (no recursion)."""
    for attempt in range(policy.attempts):
        try:
            return call()
        except (ServerBusy, RateLimited) as err:
            wait = policy.delay(attempt, err)
            if attempt + 1 >= policy.attempts or wait is None:
                raise
            log.warning("%s; retry %d in %.1f s", err, attempt + 1, wait)
            sleep(wait)
    raise AssertionError("unreachable: attempts must be >= 1")  # pragma: no cover


class Pacer:
    """At most one call every `min_interval_s` for one account (Garmin has no published
    budget, but throttles accounts that call in bursts). The clock and sleep are injected."""

    def __init__(self, min_interval_s: float, clock: Clock, sleep: Sleep) -> None:
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._sleep = sleep
        self._last: datetime | None = None

    def wait(self) -> None:
        if self.min_interval_s > 0 and self._last is not None:
            since = (self._clock() - self._last).total_seconds()
            if since < self.min_interval_s:
                self._sleep(self.min_interval_s - since)
        self._last = self._clock()


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (the delta-seconds form; dates are rare in APIs)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)


class MalformedItem(ValueError):
    """Raised by a mapping function for one item it cannot read; pages skip and report it."""

    def __init__(self, source_id: str, reason: str) -> None:
        self.source_id = source_id
        self.reason = reason
        super().__init__(f"item {source_id}: {reason}")


# -- the protocol of a connected source ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncStart:
    """What the warehouse holds for one athlete's source when its run starts."""

    watermark: datetime | None
    """Everything that started before it was delivered (None: never synced)."""
    cursor: Mapping[str, Any]
    """What the source's last successful run asked to keep (SourceRun.cursor)."""
    details_known: frozenset[str] = frozenset()
    """Source ids whose details (strength sets, multisport legs) are already stored."""
    only_ids: tuple[str, ...] = ()
    """A push said these activities changed: fetch just them (one call each), not the list.
    Sources without push ignore it."""


class SourceRun(Protocol):
    """One run of one source for one athlete: its pages, then what to keep for the next run."""

    @property
    def calls(self) -> int:
        """API requests made so far (those of a failed page included)."""
        ...

    def pages(self) -> Iterator[SyncPage]:
        """The new records, page by page, each to be stored in one transaction before the
        next one is asked for."""
        ...

    def cursor(self) -> dict[str, Any]:
        """What to store once every page is stored (merged into the source's cursor)."""
        ...


class SourceSync(Protocol):
    """A connected source: built once per night with its seams (endpoints, clock, sleep,
    budgets), then started once per athlete with that athlete's tokens and state."""

    @property
    def name(self) -> SourceName: ...

    def start(self, tokens: TokenStore, start: SyncStart) -> SourceRun: ...
