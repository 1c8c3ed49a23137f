"""API calls of the nightly sync for one athlete with three years of history.

Runs the real sync (garminconnect and stravalib against local servers that speak the recorded
Garmin and Strava shapes, warehouse on a throw-away SQLite file) three times: the first sync
(backfill), an incremental sync after three new runs, and a sync with nothing new. Prints the
calls each server received and compares them with the targets:

  Strava backfill      <= ceil(N/200) + 1 list calls
  Garmin backfill      <= ceil(N/page) + 1 list calls, plus one per strength activity
  nothing new          one list call per source

Usage (from the repository root):  .tools/bin/uv run --frozen python benchmarks/sync_calls.py
"""

from __future__ import annotations

import logging
import math
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import select  # noqa: E402

from connectors.garmin.client import GarminEndpoints  # noqa: E402
from connectors.replay.garmin_server import GarminReplay, exercise_sets_payload, garmin_item  # noqa: E402
from connectors.replay.recordings import load_garmin_templates, load_strava_templates  # noqa: E402
from connectors.replay.strava_server import StravaReplay, StravaTemplates, strava_item  # noqa: E402
from connectors.strava.budget import StravaRateBudget  # noqa: E402
from connectors.strava.client import StravaApp, StravaEndpoints  # noqa: E402
from flows.source_runs import SyncConfig, SyncDeps, run_sync  # noqa: E402
from warehouse.athletes import AthleteProfile, add_athlete  # noqa: E402
from warehouse.db import make_engine, session_scope  # noqa: E402
from warehouse.migrate import upgrade  # noqa: E402
from warehouse.models import Activity  # noqa: E402

SHARED_DATA = Path(os.environ.get("IRONMILES_SHARED_DIR", REPO.parent / "shared")) / "data"
START = datetime(2023, 3, 6, 12, 30, tzinfo=UTC)
DAYS = 3 * 365
PAGE = 100  # Garmin list page size used by the sync


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class History:
    """Five runs and two strength sessions a week on Garmin; every run also on Strava (Garmin
    uploads it), plus a Strava-only ride every ten days."""

    def __init__(
        self, garmin: GarminReplay, strava: StravaReplay, templates: StravaTemplates
    ) -> None:
        self.garmin, self.strava, self.templates = garmin, strava, templates
        self.day = 0

    def add(self, days: int, *, runs_only: bool = False) -> None:
        for _ in range(days):
            start = START + timedelta(days=self.day, minutes=(self.day * 7) % 90)
            gid, sid = 20_000_000_000 + self.day, 11_000_000_000 + self.day
            if not runs_only and self.day % 7 in (1, 4):
                self.garmin.add_runs("ana", [garmin_item(self.garmin.templates, gid, start,
                                     type_key="strength_training", parent_type_id=29,
                                     duration_s=2700.0, old_era=self.day < 400)])  # fmt: skip
                self.garmin.account("ana").exercise_sets[str(gid)] = exercise_sets_payload(
                    gid, start, [("barbell_back_squat", 8, 60.0)] * 3
                )
            else:
                km = 5.0 + (self.day % 9)
                self.garmin.add_runs("ana", [garmin_item(self.garmin.templates, gid, start,
                                     distance_m=km * 1000, duration_s=km * 320,
                                     old_era=self.day < 400)])  # fmt: skip
                copy_start = start + timedelta(seconds=25)
                self.strava.add("ana", [strava_item(self.templates, sid, copy_start,
                                distance_m=km * 1000 + 20, moving_s=km * 318,
                                elapsed_s=km * 320 + 30, old_schema=self.day < 400)])  # fmt: skip
            if not runs_only and self.day % 10 == 6:
                self.strava.add("ana", [strava_item(self.templates, 12_000_000_000 + self.day,
                                start + timedelta(hours=6), sport_type="Ride",
                                distance_m=35_000.0, moving_s=4800, elapsed_s=5100)])  # fmt: skip
            self.day += 1


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    clock = Clock(START + timedelta(days=DAYS, hours=10))
    garmin = GarminReplay(load_garmin_templates(SHARED_DATA))
    strava_templates = load_strava_templates(SHARED_DATA)
    strava = StravaReplay(clock)
    garmin.start()
    strava.start()
    failures = 0
    try:
        with tempfile.TemporaryDirectory() as home:
            engine = make_engine(f"sqlite:///{home}/bench.db")
            upgrade(engine)
            deps = SyncDeps(
                engine=engine,
                cipher=Fernet(Fernet.generate_key()),
                config=SyncConfig(
                    garmin=GarminEndpoints.from_base(garmin.base_url),
                    strava=StravaEndpoints.from_base(strava.base_url),
                    strava_app=StravaApp(strava.client_id, strava.client_secret),
                    garmin_page_size=PAGE,
                ),
                clock=clock,
                sleep=clock.sleep,
                strava_budget=StravaRateBudget(),
            )
            with session_scope(engine) as session:
                athlete_id = add_athlete(
                    session, AthleteProfile(name="ana", timezone="Europe/Madrid")
                ).id
            deps.store(athlete_id, "garmin").save(garmin.issue_tokens("ana"))
            deps.store(athlete_id, "strava").save(
                strava.issue_tokens("ana", expires_in=10 * 86_400)
            )
            history = History(garmin, strava, strava_templates)
            history.add(DAYS)

            n_garmin = len(garmin.account("ana").items)
            n_strength = sum(
                1 for i in garmin.account("ana").items
                if i["activityType"]["typeKey"] == "strength_training"
            )  # fmt: skip
            n_strava = len(strava.activities["ana"])
            print(f"history: {DAYS} days; Garmin {n_garmin} activities ({n_strength} strength), "
                  f"Strava {n_strava} activities; Garmin page size {PAGE}, Strava 200")  # fmt: skip
            print()
            header = f"{'sync':<22}{'source':<8}{'list':>6}{'sets':>6}{'weigh':>7}{'other':>7}"
            print(f"{header}{'new':>7}{'secs':>7}  target (list calls)")

            def phase(label: str, targets: dict[str, int]) -> None:
                nonlocal failures
                garmin.reset_counts()
                strava.reset_counts()
                began = time.perf_counter()
                outcomes = {o.source: o for o in run_sync(deps)}
                secs = time.perf_counter() - began
                for source, fake in (("garmin", garmin), ("strava", strava)):
                    calls = fake.calls
                    other = (
                        sum(calls.values())
                        - calls["list"]
                        - calls["exercise_sets"]
                        - calls["weigh_ins"]
                    )
                    ok = calls["list"] <= targets[source]
                    failures += not ok
                    sets_target = (
                        f" + {calls['exercise_sets']} set calls" if source == "garmin" else ""
                    )
                    print(f"{label:<22}{source:<8}{calls['list']:>6}{calls['exercise_sets']:>6}"
                          f"{calls['weigh_ins']:>7}{other:>7}{outcomes[source].activities_added:>7}"
                          f"{secs:>7.1f}  <= {targets[source]}{sets_target}: "
                          f"{'ok' if ok else 'MISSED'} ({outcomes[source].status})")  # fmt: skip
                    label = ""

            phase("first sync", {"garmin": math.ceil(n_garmin / PAGE) + 1,
                                 "strava": math.ceil(n_strava / 200) + 1})  # fmt: skip
            clock.now += timedelta(days=3)
            history.add(3, runs_only=True)
            phase("three new runs", {"garmin": 1, "strava": 1})
            clock.now += timedelta(hours=6)
            phase("nothing new", {"garmin": 1, "strava": 1})
            with session_scope(engine) as session:
                runs = session.execute(
                    select(Activity.source, Activity.canonical_id == Activity.id).where(
                        Activity.sport == "run"
                    )
                ).all()
            copies = sum(1 for source, canonical in runs if source == "strava" and not canonical)
            garmin_runs = sum(1 for source, _ in runs if source == "garmin")
            print()
            counted = sum(1 for _, canonical in runs if canonical)
            print(f"linking: {copies} Strava runs linked to their Garmin copy; "
                  f"runs counted {counted}, Garmin runs {garmin_runs}")  # fmt: skip
            failures += copies != garmin_runs or counted != garmin_runs
            engine.dispose()
    finally:
        garmin.stop()
        strava.stop()
    print()
    print("all targets met" if failures == 0 else f"{failures} target(s) missed")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
