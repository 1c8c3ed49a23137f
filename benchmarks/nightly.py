"""The nightly job at scale, and Strava's budget against a first backfill.

1. 200 athletes behind the local Garmin and Strava servers (real garminconnect / stravalib,
   warehouse on SQLite), already synced; then an incremental night with a few new activities
   each, run twice on identical copies of the warehouse, in this process:
     - baseline: the plain composition with the CLI's InSequence runner;
     - Prefect: the same composition inside the `nightly-sync` flow's runner (PrefectTasks, one
       Prefect task per athlete-source, on Prefect's ephemeral API), in sequence like SQLite's.
   Prints the wall time of each, Prefect's overhead per athlete-source task, and the API calls
   per athlete (the floor is one list call per source; Garmin adds its weigh-ins call).
   Garmin pacing is off here (its sleeps would dominate both timings equally).

2. A simulation, on a fake clock, of 1,000 athletes' first backfill against Strava's budget
   (100 reads / 15 min, 1,000 a day) with the real StravaRateBudget and RetryPolicy: every
   athlete's pages are fetched until the budget says stop, and the rate-limited athletes
   resume when the window resets (the status records the seconds). Prints the 15-minute windows
   the backfill needs against the minimum the budget allows.

Usage (from the repository root):  .tools/bin/uv run --frozen python benchmarks/nightly.py
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cryptography.fernet import Fernet  # noqa: E402

from connectors.errors import RateLimited  # noqa: E402
from connectors.garmin.client import GarminEndpoints  # noqa: E402
from connectors.replay.garmin_server import GarminReplay, garmin_item  # noqa: E402
from connectors.replay.recordings import load_garmin_templates, load_strava_templates  # noqa: E402
from connectors.replay.strava_server import StravaReplay, StravaTemplates, strava_item  # noqa: E402
from connectors.source import RetryPolicy  # noqa: E402
from connectors.strava.budget import WINDOW_S, StravaRateBudget  # noqa: E402
from connectors.strava.client import StravaApp, StravaEndpoints  # noqa: E402
from flows.nightly import InSequence, Night, TaskRunner, run_nightly  # noqa: E402
from flows.source_runs import SyncConfig, SyncDeps  # noqa: E402
from warehouse.athletes import AthleteProfile, add_athlete  # noqa: E402
from warehouse.db import make_engine, session_scope  # noqa: E402
from warehouse.migrate import upgrade  # noqa: E402

SHARED_DATA = Path(os.environ.get("IRONMILES_SHARED_DIR", REPO.parent / "shared")) / "data"
ATHLETES = 200
HISTORY_DAYS = 6
NEW_DAYS = 2
BACKFILL_ATHLETES = 1000


def _deps(url: str, key: bytes, garmin: GarminReplay, strava: StravaReplay) -> SyncDeps:
    engine = make_engine(url)
    upgrade(engine)
    return SyncDeps(
        engine=engine,
        cipher=Fernet(key),
        config=SyncConfig(
            garmin=GarminEndpoints.from_base(garmin.base_url),
            strava=StravaEndpoints.from_base(strava.base_url),
            strava_app=StravaApp(strava.client_id, strava.client_secret),
            garmin_min_interval_s=0.0,
            weigh_ins=True,
        ),
        strava_budget=StravaRateBudget(read_limits=(10**6, 10**7), overall_limits=(10**6, 10**7)),
    )


def _add_days(
    garmin: GarminReplay,
    strava: StravaReplay,
    templates: StravaTemplates,
    start: datetime,
    days: int,
) -> None:
    for n in range(ATHLETES):
        name = f"a{n:03d}"
        for day in range(days):
            at = start + timedelta(days=day, minutes=n)
            gid = 30_000_000_000 + n * 1000 + int(at.timestamp() // 86400) % 1000
            sid = 40_000_000_000 + n * 1000 + int(at.timestamp() // 86400) % 1000
            garmin.add_runs(name, [garmin_item(garmin.templates, gid, at)])
            strava.add(name, [strava_item(templates, sid, at + timedelta(seconds=20))])


def _night(deps: SyncDeps, runner: TaskRunner) -> tuple[Night, float]:
    began = time.perf_counter()
    night = run_nightly(deps, runner=runner)
    return night, time.perf_counter() - began


def scale_night() -> None:
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly_flow import PrefectTasks

    garmin = GarminReplay(load_garmin_templates(SHARED_DATA))
    templates = load_strava_templates(SHARED_DATA)
    # The application's real budget is the subject of part 2; here the server does not limit.
    unlimited = (10**6, 10**7)
    strava = StravaReplay(
        lambda: datetime.now(UTC), read_limits=unlimited, overall_limits=unlimited
    )
    strava.templates = templates
    garmin.start()
    strava.start()
    key = Fernet.generate_key()
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        with tempfile.TemporaryDirectory() as home:
            base = f"{home}/base.db"
            deps = _deps(f"sqlite:///{base}", key, garmin, strava)
            with session_scope(deps.engine) as session:
                ids = [
                    add_athlete(session, AthleteProfile(name=f"a{n:03d}", timezone="UTC")).id
                    for n in range(ATHLETES)
                ]
            for n, athlete_id in enumerate(ids):
                name = f"a{n:03d}"
                deps.store(athlete_id, "garmin").save(garmin.issue_tokens(name))
                deps.store(athlete_id, "strava").save(
                    strava.issue_tokens(name, expires_in=10 * 86_400)
                )
            _add_days(garmin, strava, templates, now - timedelta(days=20), HISTORY_DAYS)
            began = time.perf_counter()
            run_nightly(deps, runner=InSequence())
            print(f"setup: {ATHLETES} athletes backfilled in {time.perf_counter() - began:.1f} s")
            deps.engine.dispose()
            _add_days(garmin, strava, templates, now - timedelta(days=3), NEW_DAYS)
            shutil.copy(base, f"{home}/prefect.db")

            garmin.reset_counts()
            strava.reset_counts()
            plain = _deps(f"sqlite:///{base}", key, garmin, strava)
            night, plain_s = _night(plain, InSequence())
            calls = {"garmin": sum(garmin.calls.values()), "strava": sum(strava.calls.values())}
            lists = {"garmin": garmin.calls["list"], "strava": strava.calls["list"]}
            plain.engine.dispose()
            units = len(night.outcomes)
            added = sum(o.activities_added for o in night.outcomes)
            statuses = Counter(o.status for o in night.outcomes)

            garmin.reset_counts()
            strava.reset_counts()
            with prefect_test_harness(server_startup_timeout=300):
                flowed = _deps(f"sqlite:///{home}/prefect.db", key, garmin, strava)

                @flow(name="nightly-bench")
                def bench_night() -> tuple[Night, float]:
                    return _night(flowed, PrefectTasks(concurrent=False))

                flow_night, prefect_s = bench_night()
                flowed.engine.dispose()
            same = sorted((o.athlete, o.source, o.activities_added) for o in flow_night.outcomes)
            assert same == sorted((o.athlete, o.source, o.activities_added) for o in night.outcomes)
    finally:
        garmin.stop()
        strava.stop()

    print(f"incremental night: {ATHLETES} athletes, {units} athlete-source units, "
          f"{added} new activities ({NEW_DAYS} per athlete and source); "
          f"statuses {dict(statuses)}")  # fmt: skip
    print(f"  InSequence (baseline)   {plain_s:7.1f} s wall")
    print(f"  Prefect tasks           {prefect_s:7.1f} s wall   ratio {prefect_s / plain_s:.2f}x")
    overhead_ms = (prefect_s - plain_s) / units * 1000
    print(f"  Prefect overhead        {overhead_ms:7.1f} ms per athlete-source task")
    for source in ("garmin", "strava"):
        per = calls[source] / ATHLETES
        print(f"  {source} calls/athlete  {per:5.2f} (list calls {lists[source] / ATHLETES:.2f};"
              f" floor 1 list call per source)")  # fmt: skip


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def backfill_simulation(latency_s: float = 0.4) -> None:
    """1,000 first backfills (3 years: 700 to 1,400 activities each, 200 a page) on the real
    budget and retry policy: a unit stops when the budget says so (a wait past the policy's
    bound), records when to come back, and is resumed then; a short wait is slept through."""
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    clock = FakeClock(start)
    budget = StravaRateBudget()
    policy = RetryPolicy(jitter=0.0)
    pages_left = [math.floor((700 + (n * 37) % 700) / 200) + 1 for n in range(BACKFILL_ATHLETES)]
    total = sum(pages_left)
    windows_used: set[int] = set()
    resume_at: dict[int, datetime] = dict.fromkeys(range(BACKFILL_ATHLETES), start)

    def fetch(n: int) -> None:
        budget.acquire(clock())
        windows_used.add(int(clock().timestamp()) // WINDOW_S)
        clock.sleep(latency_s)
        pages_left[n] -= 1

    calls: Callable[[int], None] = fetch
    while any(pages_left):
        due = [n for n, left in enumerate(pages_left) if left and resume_at[n] <= clock()]
        if not due:
            clock.now = min(resume_at[n] for n, left in enumerate(pages_left) if left)
            continue
        for n in due:
            try:
                while pages_left[n]:
                    attempt = 0
                    while True:
                        try:
                            calls(n)
                            break
                        except RateLimited as limited:
                            wait = policy.delay(attempt, limited)
                            attempt += 1
                            if wait is None or attempt >= policy.attempts:
                                raise
                            clock.sleep(wait)
            except RateLimited as limited:
                resume_at[n] = clock() + timedelta(seconds=limited.retry_after)
    elapsed = clock() - start
    first = int(start.timestamp()) // WINDOW_S
    spanned = int(clock().timestamp()) // WINDOW_S - first + 1
    days = math.ceil(total / 1000)
    minimum_spanned = (days - 1) * 96 + math.ceil((total - (days - 1) * 1000) / 100)
    print(f"first backfill of {BACKFILL_ATHLETES} athletes: {total} list calls (200 a page)")
    print(f"  windows with requests   {len(windows_used):5d}   minimum {math.ceil(total / 100)}"
          f" (100 reads each)")  # fmt: skip
    print(
        f"  windows elapsed         {spanned:5d}   minimum {minimum_spanned}"
        f" (1,000 reads a day: {days} days)   ratio {spanned / minimum_spanned:.2f}x"
    )
    print(f"  elapsed                 {elapsed}")


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("ironmiles").setLevel(logging.WARNING)
    logging.getLogger("connectors").setLevel(logging.ERROR)
    backfill_simulation()
    print()
    scale_night()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
