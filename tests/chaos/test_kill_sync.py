"""kill -9 of `ironmiles sync` at 30 drawn moments of a multi-page backfill of two athletes from
the local Garmin and Strava servers, on SQLite and on PostgreSQL, resuming after each: every
episode ends with the warehouse identical, table by table and row by row, to one clean sync into
a fresh warehouse; right after each kill, no activity stands without its event.

The moments: mostly "after the N-th request the servers answered, plus up to 50 ms" (N drawn
from the clean run's request count, so kills land in fetching, storing and the follow-up), and
some "D seconds after start" (D drawn within the clean run's duration: start-up and the tail).
IRONMILES_CHAOS_SEED replays another draw."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.compare import (
    compare,
    snapshot,
    unannounced_activities,
)
from tests.chaos.harness import (
    Figures,
    KillSwitch,
    Warehouses,
    campaign_kills,
    campaign_seed,
    run_cli,
)
from tests.chaos.sync_world import sync_world
from tests.conftest import PgDatabases
from tests.servers import GarminTemplates, ReplayServer, StravaTemplates

KILLS = campaign_kills()
MAX_KILLS_PER_EPISODE = 5


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_killed_syncs_resume_to_the_clean_result(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    garmin_templates: GarminTemplates,
    strava_templates: StravaTemplates,
    garmin_server: ReplayServer,
    strava_server: ReplayServer,
) -> None:
    began = time.perf_counter()
    pg: PgDatabases | None = (
        request.getfixturevalue("pg_databases") if backend == "postgresql" else None
    )
    world = sync_world(garmin_templates, strava_templates, garmin_server, strava_server)
    switch = KillSwitch([garmin_server, strava_server])
    warehouses = Warehouses(backend, tmp_path, pg)
    warehouses.seed(world.seed)
    figures = Figures("kill-sync", backend, campaign_seed(14_1))
    rng = random.Random(figures.seed)

    env, url = warehouses.fresh()
    clean_run = run_cli({**world.env(), **env}, "sync", switch=switch)
    assert clean_run.returncode == 0, clean_run.stderr
    assert "ok" in clean_run.stdout
    clean = snapshot(url)
    figures.notes.append(
        f"clean sync: {clean_run.requests} requests, "
        f"{sum(clean['activities'].values())} activity rows, "
        f"{sum(clean['events'].values())} events, {clean_run.seconds:.2f} s"
    )

    while figures.injections < KILLS:
        env, url = warehouses.fresh()
        figures.episodes += 1
        for attempt in range(MAX_KILLS_PER_EPISODE + 1):
            kill = attempt < MAX_KILLS_PER_EPISODE and figures.injections < KILLS
            moment, options = "", dict[str, Any]()
            if kill and rng.random() < 0.8:
                at, delay = rng.randint(1, clean_run.requests), rng.uniform(0.0, 0.05)
                moment = f"request {at} + {delay * 1000:.0f} ms"
                options = {"at_request": at, "delay_s": delay}
            elif kill:
                after = rng.uniform(0.0, clean_run.seconds)
                moment, options = f"{after:.2f} s after start", {"after_s": after}
            run = run_cli({**world.env(), **env}, "sync", switch=switch, **options)
            figures.runs += 1
            if run.killed:
                figures.injections += 1
                figures.moments.append(moment)
                figures.unannounced_at_crash += unannounced_activities(url)
                continue
            assert run.returncode == 0, run.stderr
            break
        else:  # pragma: no cover - the last attempt never kills
            pytest.fail("an episode never completed")
        difference = compare(clean, snapshot(url))
        figures.rows_lost += difference.lost
        figures.duplicates += difference.duplicated
        events = difference.tables.get("events", (0, 0))
        figures.events_lost += events[0]
        assert difference.lost == difference.duplicated == 0, difference.examples
    figures.seconds = time.perf_counter() - began
    figures.write()
    assert figures.unannounced_at_crash == 0
    assert (figures.rows_lost, figures.duplicates, figures.events_lost) == (0, 0, 0)
