"""One sync per athlete and source at a time, whichever process runs it.

Two runs of one athlete's source at once would fetch the same pages and race each other's
watermark; the upserts keep the rows right, but the second run is wasted calls against a shared
budget and muddles the sync's status. So a run takes the athlete-source's lock first, and a run
that finds it held says who holds it and leaves that source alone.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a key derived from the
  athlete id and the source, held on a connection of its own for the whole sync (a page's
  transaction-level lock would let two runs interleave their pages). The server releases it
  when that connection ends, cleanly or not, so a killed process leaves no stale lock. If the
  connection drops mid-run the lock is gone while the run goes on: each page's transaction
  therefore checks (`SyncLease.check`) that the lock is still this run's before storing, and the
  run stops with `SyncLockLost` instead of writing beside another run.
- SQLite: `flock` on a file next to the database (`locks/sync-<athlete id>-<source>.lock`),
  holding the holder's pid for the message. The kernel drops the lock when the process dies,
  kill -9 included; the file itself stays (deleting lock files races with their next user).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

try:  # POSIX; elsewhere (Windows) SQLite syncs are guarded within one process only
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms CI runs
    fcntl = None  # type: ignore[assignment]

_APPLICATION = "ironmiles sync pid={pid}"
_PID = re.compile(r"ironmiles sync pid=(\d+)")


class SyncLockHeld(Exception):
    """Another run holds this athlete-source's lock."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"held by another run ({holder})")
        self.holder = holder


class SyncLockLost(Exception):
    """The lock went away during the run (its database connection dropped)."""


def lock_key(athlete_id: int, source: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock: the same in every process and release."""
    digest = hashlib.blake2b(f"ironmiles.sync:{athlete_id}:{source}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclass
class SyncLease:
    """A held lock. `check` runs in each page's transaction."""

    key: int
    backend_pid: int | None = None
    """PostgreSQL: the server process of the connection holding the lock."""

    def check(self, session: Session) -> None:
        if self.backend_pid is None:
            return  # a file lock (or an in-process one) lives as long as this process
        hi, lo = _split(self.key)
        held = session.execute(
            text(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = :pid AND classid::bigint = :hi AND objid::bigint = :lo "
                "AND objsubid = 1"
            ),
            {"pid": self.backend_pid, "hi": hi, "lo": lo},
        ).first()
        if held is None:
            raise SyncLockLost(
                "the lock of this sync was lost (its database connection dropped): the page "
                "was not stored; the next run resumes from the watermark"
            )


@contextmanager
def sync_lock(engine: Engine, athlete_id: int, source: str) -> Iterator[SyncLease]:
    """Hold the athlete-source's lock for the block; raises SyncLockHeld at once when another
    run holds it (never waits)."""
    key = lock_key(athlete_id, source)
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, key) as lease:
            yield lease
        return
    database = engine.url.database or ""
    if database in ("", ":memory:") or fcntl is None:
        with _process_lock(f"{id(engine)}:{key}"):
            yield SyncLease(key)
        return
    path = Path(database.removeprefix("file:").split("?")[0])
    with _file_lock(path.parent / "locks" / f"sync-{athlete_id}-{source}.lock"):
        yield SyncLease(key)


# -- PostgreSQL ----------------------------------------------------------------------------------


def _split(key: int) -> tuple[int, int]:
    """pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32)."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return unsigned >> 32, unsigned & 0xFFFF_FFFF


@contextmanager
def _advisory_lock(engine: Engine, key: int) -> Iterator[SyncLease]:
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        connection.execute(
            text("SELECT set_config('application_name', :name, false)"),
            {"name": _APPLICATION.format(pid=os.getpid())},
        )
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        if not got:
            raise SyncLockHeld(_pg_holder(connection, key))
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        try:
            yield SyncLease(key, backend_pid=int(backend))
        finally:
            # A dropped connection already took the lock with it: nothing left to release.
            with suppress(DBAPIError):
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    finally:
        with suppress(DBAPIError):
            connection.close()


def _pg_holder(connection: Connection, key: int) -> str:
    hi, lo = _split(key)
    row = connection.execute(
        text(
            "SELECT a.application_name, l.pid FROM pg_locks l "
            "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = :hi "
            "AND l.objid::bigint = :lo AND l.objsubid = 1"
        ),
        {"hi": hi, "lo": lo},
    ).first()
    if row is None:
        return "pid unknown: it has just finished"
    found = _PID.search(row.application_name or "")
    return f"pid {found.group(1)}" if found else f"database session {row.pid}"


# -- SQLite --------------------------------------------------------------------------------------


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise SyncLockHeld(f"pid {pid}" if pid.isdigit() else "pid unknown") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)  # closing drops the lock too: also what the kernel does on kill -9


_held: set[str] = set()
_held_guard = threading.Lock()


@contextmanager
def _process_lock(name: str) -> Iterator[None]:
    """An in-memory database is one process's: a set of held names is enough."""
    with _held_guard:
        if name in _held:
            raise SyncLockHeld(f"pid {os.getpid()}")
        _held.add(name)
    try:
        yield
    finally:
        with _held_guard:
            _held.discard(name)


__all__ = ["SyncLease", "SyncLockHeld", "SyncLockLost", "lock_key", "sync_lock"]
