"""What the fault, token and fuzz campaigns share: faults injected into the local replay
servers, a sleep recorder, a warehouse snapshot that ignores surrogate ids and bookkeeping
times, and the campaign figures written to test-artifacts/ (docs/reliability.md quotes them)."""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, select
from werkzeug import Request, Response

from connectors.replay.http import Handler, ReplayService, json_response
from warehouse.models import Base

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

FAULT_KINDS = ("429", "500", "503", "drop")
STRAVA_LIMITS = ("200,2000", "100,1000")  # overall, read: Strava's default application limits


def drop_connection(request: Request) -> Response:
    """Close the socket without an answer (the client sees the connection die mid-request);
    werkzeug takes the failed write that follows for a dropped connection and stays quiet."""
    connection = request.environ["werkzeug.socket"]
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    return Response(b"")


@dataclass
class FaultInjector:
    """Answers a seeded-random share of a replay service's calls with a fault instead: 429
    (Strava's rate-limit headers and a Retry-After), 500, 503, or a dropped connection.

    `after_handling` names the paths where a dropped connection comes after the service has
    done its work (its answer is lost: a token issued that the client never sees)."""

    seed: int
    rate: float = 1 / 3
    paths: str = ".*"
    retry_after_s: tuple[int, ...] = (1, 2, 5, 900)
    """Retry-After of a 429: short ones are slept, 900 s (Strava's window) is past the bound."""
    after_handling: str | None = None
    injected: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    active: bool = True
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def install(self, service: ReplayService) -> None:
        inner: Handler = service._handle
        service.server.handler = lambda request: self._handle(inner, request)

    def _pick(self, path: str) -> str | None:
        with self._lock:
            self.calls += 1
            if not self.active or not re.search(self.paths, path):
                return None
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(FAULT_KINDS)
            self.injected[kind] += 1
            return kind

    def _retry_after(self) -> int:
        with self._lock:
            return self._random.choice(self.retry_after_s)

    def _handle(self, inner: Handler, request: Request) -> Response:
        kind = self._pick(request.path)
        if kind is None:
            return inner(request)
        if kind == "drop":
            if self.after_handling and re.search(self.after_handling, request.path):
                inner(request)  # done, and the answer is lost
            return drop_connection(request)
        if kind == "429":
            over = "201,1990"  # a real 429 reports usage past the 15-minute limit
            return json_response(
                {"message": "Rate Limit Exceeded", "errors": [
                    {"resource": "Application", "field": "rate limit", "code": "exceeded"}]},
                429,
                {"X-RateLimit-Limit": STRAVA_LIMITS[0], "X-RateLimit-Usage": over,
                 "X-ReadRateLimit-Limit": STRAVA_LIMITS[1], "X-ReadRateLimit-Usage": "101,990",
                 "Retry-After": str(self._retry_after())},
            )  # fmt: skip
        return json_response({"message": "Server Error", "errors": []}, int(kind))


@dataclass
class SleepRecorder:
    """The sync's sleep hook: records every requested sleep, moves the fake clock on by it."""

    advance: Callable[[float], None]
    slept: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)


# -- the warehouse, table by table, ids and bookkeeping times aside ------------------------------

BOOKKEEPING = frozenset(
    {"id", "created_at", "updated_at", "last_run_at", "marked_at", "published_at", "handled_at"}
)
"""Columns that say when or in which order a row was written, not what it holds."""
NOT_COMPARED = frozenset({"credentials", "rate_budget", "dirty_athletes", "events"})
"""Encrypted per-warehouse tokens, request counters and the work queue are bookkeeping;
the events are compared by what they announce (`announced`), their keys carry row ids."""


def _natural_keys(engine: Engine) -> dict[tuple[str, Any], Any]:
    """(table, id) -> what identifies that row in any warehouse: (source, source_id), or name."""
    keys: dict[tuple[str, Any], Any] = {}
    with engine.connect() as connection:
        # athletes (named) come before the tables that point at them in sorted_tables
        for table in Base.metadata.sorted_tables:
            columns = table.c
            if "id" not in columns:
                continue
            if "source_id" in columns:
                # Source ids are unique per athlete (two athletes may share a file).
                rows = connection.execute(
                    select(columns.id, columns.athlete_id, columns.source, columns.source_id)
                )
                keys.update(
                    ((table.name, r[0]), (keys.get(("athletes", r[1])), r[2], r[3])) for r in rows
                )
            elif "name" in columns:
                rows = connection.execute(select(columns.id, columns.name))
                keys.update(((table.name, r[0]), r[1]) for r in rows)
    return keys


def _row(table: Table, row: Any, keys: dict[tuple[str, Any], Any]) -> tuple[Any, ...]:
    values = []
    for column in table.c:
        if column.name in BOOKKEEPING:
            continue
        value = row._mapping[column.name]
        for foreign in column.foreign_keys:
            target = foreign.column.table.name
            value = keys.get((target, value), value) if value is not None else None
        if isinstance(value, float):
            # The engine's float sums are not bit-stable across row orders (last-ulp
            # differences in acwr_ewma): ten significant digits are what the data holds.
            value = float(f"{value:.10g}")
        values.append((column.name, value))
    return tuple(values)


def snapshot(engine: Engine, *, skip: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Every table's rows (sorted), with surrogate ids replaced by natural keys and bookkeeping
    times left out. Plans keep the latest version of each week only: a run whose data changed
    makes a new version, and runs that converge by steps make more of them."""
    keys = _natural_keys(engine)
    out: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_COMPARED | skip:
                continue
            rows = [_row(table, r, keys) for r in connection.execute(select(table))]
            if table.name == "plans":
                latest: dict[Any, tuple[Any, ...]] = {}
                for r in sorted(rows, key=lambda r: dict(r)["version"]):
                    latest[(dict(r)["athlete_id"], dict(r)["week"])] = tuple(
                        (k, v) for k, v in r if k != "version"
                    )
                rows = list(latest.values())
            out[table.name] = sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)
    return out


def announced(engine: Engine) -> Counter[tuple[str, Any]]:
    """What the outbox announced, by natural key: (kind, what) -> how many events say it.
    activity.created is keyed by the activity's (source, source_id), the others by their
    dedupe key (athlete ids are the same in warehouses built the same way)."""
    keys = _natural_keys(engine)
    out: Counter[tuple[str, Any]] = Counter()
    table = Base.metadata.tables["events"]
    with engine.connect() as connection:
        for kind, dedupe_key, payload in connection.execute(
            select(table.c.kind, table.c.dedupe_key, table.c.payload)
        ):
            if kind == "activity.created":
                out[(kind, keys.get(("activities", payload["activity_id"])))] += 1
            else:
                out[(kind, dedupe_key)] += 1
    return out


def diff(clean: dict[str, list[str]], other: dict[str, list[str]]) -> dict[str, Any]:
    """Per table: rows only in the clean warehouse (lost) and only in the other (extra)."""
    found: dict[str, Any] = {}
    for name in sorted(set(clean) | set(other)):
        a, b = Counter(clean.get(name, [])), Counter(other.get(name, []))
        lost, extra = list((a - b).elements()), list((b - a).elements())
        if lost or extra:
            found[name] = {"lost": lost[:3], "extra": extra[:3], "n_lost": len(lost),
                           "n_extra": len(extra)}  # fmt: skip
    return found


def record_figures(campaign: str, figures: dict[str, Any]) -> Path:
    """Write the campaign's figures to test-artifacts/chaos-<campaign>.json and print them."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"chaos-{campaign}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True, default=str) + "\n")
    print(f"chaos {campaign}: {json.dumps(figures, sort_keys=True, default=str)}")
    return path
