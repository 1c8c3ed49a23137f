"""What every API connector shares: injected seams (clock, sleep, token store), the page it
yields, the bounded retry of transient failures, and the `SourceSync` protocol that each
connected source (connectors/garmin/source.py, connectors/strava/source.py) implements for the
nightly composition (flows/nightly.py): its cursor and watermark maths, overlap window and
extras (Garmin's weigh-ins) live with the connector; storing the pages is the caller's.

Nothing here performs I/O by itself; the callers pass in whatever has a side effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from connectors.errors import ServerBusy
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
    """Bounded exponential backoff for 5xx and timeouts. A Retry-After longer than
    `max_delay_s` is not slept through: the failure is raised for the next run to pick up."""

    attempts: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return float(min(self.base_delay_s * 2**attempt, self.max_delay_s))


def call_with_retries(call: Callable[[], T], policy: RetryPolicy, sleep: Sleep) -> T:
    """Run `call`, retrying `ServerBusy` up to `policy.attempts` times in all (no recursion)."""
    for attempt in range(policy.attempts):
        try:
            return call()
        except ServerBusy as err:
            wait = policy.delay(attempt, err.retry_after)
            if attempt + 1 >= policy.attempts or wait > policy.max_delay_s:
                raise
            log.warning(
                "transient upstream failure (%s); retry %d in %.1f s", err, attempt + 1, wait
            )
            sleep(wait)
    raise AssertionError("unreachable: attempts must be >= 1")  # pragma: no cover


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
