"""What the crash campaigns share: the installed `ironmiles` run as a real subprocess, killed with
SIGKILL at a chosen moment (the replay servers count requests and fire the kill at a drawn
request number, or a timer fires it after a drawn delay), warehouses made fresh from a seeded
template, and the figures each campaign writes to test-artifacts/chaos-<campaign>.json
(docs/reliability.md quotes them). The comparison with a clean run is tests/chaos/compare.py."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text
from werkzeug import Request, Response

from connectors.replay.http import ReplayServer
from tests.conftest import PG_ADMIN, REPO, PgDatabases
from warehouse.db import make_engine
from warehouse.migrate import upgrade

IRONMILES = Path(sys.executable).with_name("ironmiles")
ARTIFACTS = REPO / "test-artifacts"


# -- running the CLI ------------------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    requests: int = 0

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


class KillSwitch:
    """Counts the requests the replay servers answer and SIGKILLs the armed process after
    the `at`-th one (plus `delay` seconds, so a kill also lands in mapping and storing), or
    does the armed `fault` instead (another campaign's injection, e.g. cutting database
    connections)."""

    def __init__(self, servers: list[ReplayServer]) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self._process: subprocess.Popen[str] | None = None
        self._at: int | None = None
        self._delay = 0.0
        self._fault: Callable[[], None] | None = None
        for server in servers:
            server.handler = self._wrap(server.handler)

    def _wrap(self, inner: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            response = inner(request)
            with self._lock:
                self.requests += 1
                process, delay, fault = self._process, self._delay, self._fault
            if process is not None and self.requests == self._at:
                if fault is not None:
                    threading.Timer(delay, fault).start()
                else:
                    threading.Timer(delay, _kill, (process,)).start()
            return response

        return handle

    def arm(
        self,
        process: subprocess.Popen[str],
        at: int | None,
        delay: float,
        fault: Callable[[], None] | None = None,
    ) -> None:
        with self._lock:
            self.requests, self._process, self._at, self._delay = 0, process, at, delay
            self._fault = fault

    def disarm(self) -> int:
        with self._lock:
            self._process = None
            return self.requests


def _kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL, unless it has finished and been reaped (Popen never signals a reaped pid, which
    the system may have given to another process)."""
    with suppress(ProcessLookupError):
        process.kill()


def run_cli(
    env: dict[str, str],
    *args: str,
    switch: KillSwitch | None = None,
    at_request: int | None = None,
    after_s: float | None = None,
    delay_s: float = 0.0,
    fault: Callable[[], None] | None = None,
    timeout_s: float = 120.0,
) -> Run:
    """`ironmiles ARGS` as its own process; killed at request `at_request` (+ `delay_s`) of the
    replay servers, or `after_s` seconds after its start, when given; with `fault`, that is
    done at the request instead of the kill."""
    started = time.perf_counter()
    with start_cli(env, *args) as process:
        if switch is not None:
            switch.arm(process, at_request, delay_s, fault)
        timer = threading.Timer(after_s, _kill, (process,)) if after_s is not None else None
        if timer is not None:
            timer.start()
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        finally:
            if timer is not None:
                timer.cancel()
            requests = switch.disarm() if switch is not None else 0
    return Run(process.returncode, stdout, stderr, time.perf_counter() - started, requests)


def start_cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`ironmiles ARGS` started and left running (the caller waits on it)."""
    return subprocess.Popen(
        [str(IRONMILES), *args],
        env={**_base_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    return {name: os.environ[name] for name in keep if name in os.environ} | {"COLUMNS": "200"}


# -- warehouses -----------------------------------------------------------------------------------


@dataclass
class Warehouses:
    """Fresh warehouses on one backend, each a copy of a seeded template (a SQLite file, or a
    PostgreSQL database used as CREATE DATABASE's TEMPLATE): a migration per episode would
    cost more than the episode."""

    backend: str
    root: Path
    pg: PgDatabases | None = None
    template: str = ""
    made: int = 0

    def seed(self, fill: Callable[[Engine], None]) -> None:
        if self.backend == "sqlite":
            path = self.root / "template" / "ironmiles.db"
            path.parent.mkdir(parents=True)
            self.template = str(path)
            url = f"sqlite:///{path}"
        else:
            assert self.pg is not None
            url = self.pg.create()
            self.template = url.rsplit("/", 1)[1]
        engine = make_engine(url)
        try:
            upgrade(engine)
            fill(engine)
        finally:
            engine.dispose()  # SQLite: the last connection's close folds the WAL into the file

    def fresh(self) -> tuple[dict[str, str], str]:
        """(environment for the CLI, SQLAlchemy URL) of a new copy of the template."""
        self.made += 1
        home = self.root / f"home-{self.made}"
        home.mkdir()
        if self.backend == "sqlite":
            shutil.copy(self.template, home / "ironmiles.db")
            return {"IRONMILES_HOME": str(home)}, f"sqlite:///{home / 'ironmiles.db'}"
        assert self.pg is not None
        name = f"{self.template}_{self.made}"
        with psycopg.connect(f"{PG_ADMIN} dbname=postgres", autocommit=True) as admin:
            if self.made > 1:  # the episode before is compared and done: don't pile them up
                done = f"{self.template}_{self.made - 1}"
                admin.execute(f'DROP DATABASE IF EXISTS "{done}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.pg.created.append(name)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        return {"IRONMILES_HOME": str(home), "IRONMILES_DATABASE_URL": url}, url


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


# -- a kill campaign without servers -------------------------------------------------------------


def work_window(url: str, table: str, run: Callable[[], Run]) -> tuple[Run, float, float]:
    """Run `run` (a clean run) while watching `table` grow: (the run, seconds from its start
    to the first row, seconds to the last change). Kills drawn in between land in the work,
    not in the interpreter's start-up."""
    seen: list[tuple[float, int]] = []
    done = threading.Event()

    def watch() -> None:
        with engine_for(url) as engine:
            while not done.is_set():
                with engine.connect() as connection:
                    rows = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                seen.append((time.perf_counter(), int(rows)))
                time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    started = time.perf_counter()
    watcher.start()
    try:
        result = run()
    finally:
        done.set()
        watcher.join()
    grown = [at for at, rows in seen if rows > 0]
    first = (grown[0] if grown else started + result.seconds) - started
    final = max((rows for _, rows in seen), default=0)
    last = next((at for at, rows in seen if rows == final), started + result.seconds) - started
    return result, first, max(last, first)


# -- the figures ----------------------------------------------------------------------------------


@dataclass
class Figures:
    campaign: str
    backend: str
    seed: int
    injections: int = 0
    """Faults injected that landed (kills that killed, connections terminated)."""
    runs: int = 0
    episodes: int = 0
    rows_lost: int = 0
    duplicates: int = 0
    events_lost: int = 0
    unannounced_at_crash: int = 0
    """Activities found without their event right after a kill (must stay 0)."""
    seconds: float = 0.0
    moments: list[str] = field(default_factory=list)
    """Where each injection landed (request number and delay, or seconds after start)."""
    notes: list[str] = field(default_factory=list)

    def write(self) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"chaos-{self.campaign}-{self.backend}.json"
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        print(
            f"\n[chaos] {self.campaign} on {self.backend} (seed {self.seed}): "
            f"{self.injections} injections in {self.runs} runs, {self.episodes} episodes; "
            f"rows lost {self.rows_lost}, duplicates {self.duplicates}, events lost "
            f"{self.events_lost}; {self.seconds:.1f} s -> {path.relative_to(REPO)}"
        )
        return path


def campaign_kills(default: int = 30) -> int:
    """IRONMILES_CHAOS_KILLS: how many kills a campaign lands (30, the issue's figure; fewer for
    a quick look while working)."""
    return int(os.environ.get("IRONMILES_CHAOS_KILLS", default))


def campaign_seed(default: int) -> int:
    """IRONMILES_CHAOS_SEED replays another draw; the default keeps CI's draw fixed."""
    return int(os.environ.get("IRONMILES_CHAOS_SEED", default))
