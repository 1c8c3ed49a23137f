"""One sync per athlete and source at a time, on both databases: the lock is exclusive across
processes, names its holder, never waits, and dies with the process that held it (kill -9
included); on PostgreSQL a lock whose connection dropped is noticed before the next page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from warehouse.db import make_engine, session_scope
from warehouse.sync_lock import SyncLockHeld, SyncLockLost, lock_key, sync_lock

REPO = Path(__file__).resolve().parents[2]

_HOLDER = """
import sys, time
from warehouse.db import make_engine
from warehouse.sync_lock import sync_lock
engine = make_engine(sys.argv[1])
with sync_lock(engine, 7, "garmin"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_the_key_is_stable_and_differs_per_athlete_and_source() -> None:
    assert lock_key(7, "garmin") == lock_key(7, "garmin")
    assert len({lock_key(7, "garmin"), lock_key(7, "strava"), lock_key(8, "garmin")}) == 3
    assert -(2**63) <= lock_key(7, "garmin") < 2**63


def test_a_second_holder_is_refused_with_the_first_ones_pid(warehouse_engine: Engine) -> None:
    with sync_lock(warehouse_engine, 7, "garmin"):
        refused = rf"held by another run \(pid {os.getpid()}\)"
        with pytest.raises(SyncLockHeld, match=refused), sync_lock(warehouse_engine, 7, "garmin"):
            pass  # pragma: no cover - never entered
        with sync_lock(warehouse_engine, 7, "strava"), sync_lock(warehouse_engine, 8, "garmin"):
            pass  # other sources and athletes are free
    with sync_lock(warehouse_engine, 7, "garmin"):
        pass  # released at the end of the block


def test_a_process_killed_holding_the_lock_leaves_none(warehouse_url: str) -> None:
    command = [sys.executable, "-c", _HOLDER, warehouse_url]
    engine = make_engine(warehouse_url)
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            refused = rf"pid {holder.pid}\)"
            with pytest.raises(SyncLockHeld, match=refused), sync_lock(engine, 7, "garmin"):
                pass  # pragma: no cover - never entered
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
    # The kernel (SQLite's flock) or the server (PostgreSQL's session) let go of it; the
    # server may take a moment to notice its client is gone.
    try:
        for _ in range(100):
            try:
                with sync_lock(engine, 7, "garmin"):
                    return
            except SyncLockHeld:
                time.sleep(0.05)
        pytest.fail("the lock of a killed process was never released")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_lock_whose_connection_dropped_is_noticed_before_the_next_page(
    pg_warehouse: Engine,
) -> None:
    with sync_lock(pg_warehouse, 7, "garmin") as lease:
        with session_scope(pg_warehouse) as session:
            lease.check(session)  # held: the page may be stored
        with pg_warehouse.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lease.backend_pid})
            admin.commit()
            # The terminated backend holds its locks until it has exited (a signal, not a
            # wait): until then the lock is still held, and rightly so.
            gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :pid)"
            for _ in range(200):
                if admin.execute(text(gone), {"pid": lease.backend_pid}).scalar_one():
                    break
                admin.commit()
                time.sleep(0.05)
        with (
            pytest.raises(SyncLockLost, match="next run resumes"),
            session_scope(pg_warehouse) as session,
        ):
            lease.check(session)
    # The release after the drop is quiet, and the lock is free for the next run.
    with sync_lock(pg_warehouse, 7, "garmin"):
        pass
