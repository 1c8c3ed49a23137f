"""PostgreSQL's connections cut in the middle of `ironmiles sync`: at a drawn request of the
backfill the test terminates every backend of the warehouse's database
(`pg_terminate_backend`: the sync's page transaction, its lock connection, its pool). The page
in flight fails cleanly: the run exits 1 with that athlete-source's outcome `error` and the
driver's reason (or `the lock of this sync was lost`), nothing of the page is stored, the other
units go on with new connections; the next run completes, and the warehouse ends identical to
one clean sync."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.chaos.compare import (
    compare,
    latest_plans,
    plans_aside,
    snapshot,
    unannounced_activities,
)
from tests.chaos.harness import (
    Figures,
    KillSwitch,
    Warehouses,
    campaign_seed,
    run_cli,
)
from tests.chaos.sync_world import sync_world
from tests.conftest import PG_ADMIN, PgDatabases
from tests.servers import GarminTemplates, ReplayServer, StravaTemplates

CUTS = 6


def _terminator(database: str, cut: list[int]) -> Callable[[], None]:
    def terminate() -> None:
        with psycopg.connect(f"{PG_ADMIN} dbname=postgres", autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            ).fetchone()
        cut.append(int(ended[0]) if ended else 0)

    return terminate


@pytest.mark.postgres
def test_cut_connections_fail_the_page_cleanly_and_the_next_run_completes(
    tmp_path: Path,
    pg_databases: PgDatabases,
    garmin_templates: GarminTemplates,
    strava_templates: StravaTemplates,
    garmin_server: ReplayServer,
    strava_server: ReplayServer,
) -> None:
    began = time.perf_counter()
    world = sync_world(garmin_templates, strava_templates, garmin_server, strava_server)
    switch = KillSwitch([garmin_server, strava_server])
    warehouses = Warehouses("postgresql", tmp_path, pg_databases)
    warehouses.seed(world.seed)
    figures = Figures("pg-terminate", "postgresql", campaign_seed(14_4))
    rng = random.Random(figures.seed)
    env, url = warehouses.fresh()
    clean_run = run_cli({**world.env(), **env}, "sync", switch=switch)
    assert clean_run.returncode == 0, clean_run.stderr
    clean = snapshot(url, events_by_activity=True)
    pages_failed = 0
    while figures.episodes < CUTS:
        env, url = warehouses.fresh()
        figures.episodes += 1
        cut: list[int] = []
        at = rng.randint(1, clean_run.requests - 1)
        run = run_cli({**world.env(), **env}, "sync", "--format", "json", switch=switch,
                      at_request=at, fault=_terminator(url.rsplit("/", 1)[1], cut))  # fmt: skip
        figures.runs += 1
        assert not run.killed
        assert "Traceback" not in run.stderr, run.stderr
        outcomes = json.loads(run.stdout)
        failed = [o for o in outcomes if o["status"] == "error"]
        assert cut, "the cut never ran"
        figures.injections += 1
        # A cut between two pages ends idle connections only (the pool's pre-ping replaces
        # them); one in a page fails that athlete-source, and the run says so.
        assert run.returncode == (1 if failed else 0), run.stderr
        pages_failed += bool(failed)
        reasons = "; ".join(f"{o['athlete']}/{o['source']}: {o['error']}" for o in failed)
        figures.moments.append(
            f"request {at}: {cut[0]} backends ended -> {reasons or 'no page in flight'}"
        )
        figures.unannounced_at_crash += unannounced_activities(url)
        again = run_cli({**world.env(), **env}, "sync", "--format", "json")
        figures.runs += 1
        assert again.returncode == 0, again.stderr
        assert {o["status"] for o in json.loads(again.stdout)} == {"ok"}
        later = snapshot(url, events_by_activity=True)
        difference = compare(clean, later, ignore=plans_aside)
        assert latest_plans(later) == latest_plans(clean)
        figures.rows_lost += difference.lost
        figures.duplicates += difference.duplicated
        figures.events_lost += difference.tables.get("events", (0, 0))[0]
        assert difference.lost == difference.duplicated == 0, difference.examples
    figures.notes.append(f"{pages_failed} of {figures.injections} cuts failed a page in flight")
    figures.seconds = time.perf_counter() - began
    figures.write()
    assert figures.unannounced_at_crash == 0
    assert pages_failed > 0, "no cut landed in a page: the campaign proved nothing about them"
