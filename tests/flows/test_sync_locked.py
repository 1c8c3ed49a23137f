"""A sync that finds an athlete-source locked by another run: that source is reported
`locked` with the holder's pid and left alone (its sync_state is the other run's), and every
other athlete and source is synced."""

from __future__ import annotations

import os

from sqlalchemy import Engine

from flows.nightly import run_nightly
from flows.source_runs import SyncDeps
from tests.flows.sync_world import History, connect, count
from tests.servers import FakeGarmin, FakeStrava
from warehouse.models import Activity, SyncState
from warehouse.sync_lock import sync_lock


def test_a_held_lock_is_reported_and_the_others_are_synced(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, warehouse_engine: Engine
) -> None:
    ana = connect(deps, fake_garmin, strava, "ana")
    connect(deps, fake_garmin, strava, "ben")
    History(fake_garmin, strava, "ana").add_days(6)
    History(fake_garmin, strava, "ben").add_days(6)
    with sync_lock(warehouse_engine, ana, "garmin"):
        night = run_nightly(deps)
    outcomes = {(o.athlete, o.source): o for o in night.outcomes}
    locked = outcomes[("ana", "garmin")]
    assert locked.status == "locked"
    assert locked.error == f"garmin for ana: held by another run (pid {os.getpid()})"
    assert locked.calls == 0
    assert {k: o.status for k, o in outcomes.items() if k != ("ana", "garmin")} == {
        ("ana", "strava"): "ok",
        ("ben", "garmin"): "ok",
        ("ben", "strava"): "ok",
    }
    # Not this run's to write: no state of ana's Garmin was created or changed.
    assert count(warehouse_engine, SyncState, athlete_id=ana, source="garmin") == 0
    assert count(warehouse_engine, Activity, source="garmin", athlete_id=ana) == 0
    # Once the holder is done, the next run syncs ana's Garmin too.
    again = {(o.athlete, o.source): o.status for o in run_nightly(deps, athlete="ana").outcomes}
    assert again == {("ana", "garmin"): "ok", ("ana", "strava"): "ok"}
    assert count(warehouse_engine, Activity, source="garmin", athlete_id=ana) == 6
