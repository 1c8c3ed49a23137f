"""Two `ironmiles sync` processes of the same athletes at once, on SQLite and on PostgreSQL:
each athlete-source is synced by exactly one of them, the other reports it `locked` with the
holder's pid and goes on with the rest; together they leave exactly the rows, events and
watermarks of one clean sync (no duplicates). The servers answer each call 40 ms late so the
two runs overlap; the pair is repeated until a lock was met (at most PAIRS times)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from werkzeug import Request, Response

from tests.chaos.compare import (
    compare,
    latest_plans,
    plans_aside,
    snapshot,
)
from tests.chaos.harness import (
    Figures,
    Warehouses,
    run_cli,
    start_cli,
)
from tests.chaos.sync_world import sync_world
from tests.conftest import PgDatabases
from tests.servers import GarminTemplates, ReplayServer, StravaTemplates

PAIRS = 4
LATENCY_S = 0.04


def _slowed(server: ReplayServer) -> None:
    inner: Callable[[Request], Response] = server.handler

    def handle(request: Request) -> Response:
        time.sleep(LATENCY_S)  # outside the service's lock: the two runs' calls interleave
        return inner(request)

    server.handler = handle


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_two_syncs_at_once_share_the_work_without_duplicates(
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
    warehouses = Warehouses(backend, tmp_path, pg)
    warehouses.seed(world.seed)
    env, url = warehouses.fresh()
    assert run_cli({**world.env(), **env}, "sync").returncode == 0
    clean = snapshot(url, events_by_activity=True)
    _slowed(garmin_server)
    _slowed(strava_server)
    figures = Figures("two-syncs", backend, seed=0)
    locks_met = 0
    while figures.episodes < PAIRS and locks_met == 0:
        env, url = warehouses.fresh()
        figures.episodes += 1
        with ExitStack() as both:  # never a process left running past the pair
            runs = [
                both.enter_context(start_cli({**world.env(), **env}, "sync", "--format", "json"))
                for _ in range(2)
            ]
            outputs = [run.communicate(timeout=120) for run in runs]
        figures.runs += 2
        outcomes = []
        for run, (stdout, stderr) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, stderr
            outcomes.append({(o["athlete"], o["source"]): o for o in json.loads(stdout)})
        for mine, theirs, other in ((0, 1, runs[1]), (1, 0, runs[0])):
            for unit, outcome in outcomes[mine].items():
                if outcome["status"] != "locked":
                    continue
                locks_met += 1
                athlete, source = unit
                assert outcome["error"] == (
                    f"{source} for {athlete}: held by another run (pid {other.pid})"
                )
                assert outcomes[theirs][unit]["status"] == "ok"  # the holder did it
                figures.moments.append(f"pair {figures.episodes}: {outcome['error']}")
        later = snapshot(url, events_by_activity=True)
        difference = compare(clean, later, ignore=plans_aside)
        figures.duplicates += difference.duplicated
        figures.rows_lost += difference.lost
        figures.events_lost += difference.tables.get("events", (0, 0))[0]
        assert difference.lost == difference.duplicated == 0, difference.examples
        assert latest_plans(later) == latest_plans(clean)
    figures.injections = locks_met
    figures.seconds = time.perf_counter() - began
    figures.write()
    assert locks_met > 0, f"the two runs never met in {PAIRS} pairs"
