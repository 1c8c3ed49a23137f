"""Engines and transactions. Callers pass the URL; nothing here reads the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session

BUSY_TIMEOUT_S = 30
"""How long a SQLite writer waits for another one to commit before giving up."""


def make_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL, with SQLite set up to behave like a real database."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        read_only = sqlite_read_only(engine.url)
        event.listen(engine, "connect", _sqlite_pragmas(read_only))
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; take it over.
        # IMMEDIATE takes the write lock at BEGIN, waiting (busy timeout) for another writer:
        # a deferred BEGIN that read first and writes later fails at once with "database is
        # locked" when another writer committed meanwhile (its snapshot is stale), whatever
        # the timeout. A read-only file cannot be locked for writing: it reads deferred.
        begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_read_only(url: URL) -> bool:
    """Whether a SQLite URL opens read-only: `mode=ro` or `immutable=1` in a `file:` URI, or
    a database file this process may not write."""
    database = url.database or ""
    query = dict(url.query)
    if database.startswith("file:"):
        options = parse_qs(urlsplit(database).query)
        if options.get("mode") == ["ro"] or options.get("immutable") == ["1"]:
            return True
        database = urlsplit(database).path
    if query.get("mode") == "ro" or query.get("immutable") == "1":
        return True
    path = Path(database)
    return database not in ("", ":memory:") and path.exists() and not os.access(path, os.W_OK)


def is_read_only(session: Session) -> bool:
    """Whether the session's warehouse refuses writes (a read-only SQLite file, a PostgreSQL
    standby or read-only default): read commands then show what is stored, not refresh it."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return sqlite_read_only(connection.engine.url)
    return connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"


def _sqlite_pragmas(read_only: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see make_engine)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        if not read_only:  # changing the journal mode is a write
            # Durability, decided: in WAL mode, synchronous=NORMAL writes each commit to the
            # WAL without an fsync (the WAL is synced at checkpoints). A committed transaction
            # survives a crash of the process (the OS holds its writes); a power loss or an OS
            # crash may roll back the last commits before it, never half of one: the database
            # stays consistent, each file's import is whole or absent together with its
            # import_log row, and a watermark rolls back with the rows it covers, so running
            # the import or sync again restores them. FULL would fsync every commit: 2.5 ms
            # each on the development machine, more than storing a file takes (one commit per
            # file, benchmarks/import_files.py). Power-loss durability is PostgreSQL's job
            # (synchronous_commit=on, its default), the production database.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
