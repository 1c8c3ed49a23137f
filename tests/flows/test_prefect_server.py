"""The nightly job and the event-triggered re-plan on a real Prefect server: `prefect server
start` on a free local port with its own PREFECT_HOME and SQLite file (telemetry and UI off),
the process work pool, `prefect deploy --all --prefect-file infra/prefect.yaml`, and a worker
whose flow runs sync against the local Garmin and Strava servers of this test process.

One server and one worker serve every test of this module (a session-scoped fixture); both are
stopped afterwards, also when a test fails."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, func, select

from tests.conftest import REPO
from tests.servers import FakeGarmin, FakeStrava, StravaTemplates, garmin_item, strava_item
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.credentials import CredentialStore
from warehouse.db import make_engine, session_scope
from warehouse.events import record_event
from warehouse.migrate import upgrade
from warehouse.models import Activity, Athlete, Event, Plan, SyncState

BIN = Path(sys.executable).parent
POOL = "ironmiles"
STARTUP_S = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrefectStack:
    api_url: str
    env: dict[str, str]
    engine: Engine
    key: bytes

    def prefect(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(BIN / "prefect"), *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def api(self, path: str, body: dict[str, Any]) -> Any:
        response = httpx.post(f"{self.api_url}{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this fixture started (its own session: its children too)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _wait_healthy(api_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    # About 10 s on an idle machine; far more when the machine's cores are busy.
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"prefect server not healthy within {STARTUP_S} s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def prefect_stack(
    tmp_path_factory: pytest.TempPathFactory,
    garmin_server: Any,
    strava_server: Any,
) -> Iterator[PrefectStack]:
    root = tmp_path_factory.mktemp("prefect")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    key = Fernet.generate_key()
    warehouse = f"sqlite:///{root / 'warehouse.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "IRONMILES_"))}
    env.update({
        "PREFECT_HOME": str(root / "home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{root / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        # No hourly runs of its own while the test runs (they would wait on the nightly's
        # concurrency limit of 1).
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "IRONMILES_CHECKOUT": str(REPO),
        "IRONMILES_DATABASE_URL": warehouse,
        "IRONMILES_SECRET_KEY": key.decode(),
        "IRONMILES_GARMIN_API_BASE": f"http://127.0.0.1:{garmin_server.port}",
        "IRONMILES_STRAVA_API_BASE": f"http://127.0.0.1:{strava_server.port}",
        "IRONMILES_STRAVA_CLIENT_ID": "4242",
        "IRONMILES_STRAVA_CLIENT_SECRET": "app-secret-3f9c",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    })  # fmt: skip
    server_log = root / "server.log"
    worker_log = root / "worker.log"
    processes: list[subprocess.Popen[bytes]] = []
    engine = make_engine(warehouse)
    try:
        with server_log.open("wb") as out:
            server = subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                 "--port", str(port), "--no-ui", "--analytics-off"],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(server)
        upgrade(engine)
        stack = PrefectStack(api_url=api_url, env=env, engine=engine, key=key)
        _wait_healthy(api_url, server, server_log)
        stack.prefect("work-pool", "create", POOL, "--type", "process")
        stack.prefect("--no-prompt", "deploy", "--all", "--prefect-file", "infra/prefect.yaml")
        with worker_log.open("wb") as out:
            worker = subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--type", "process"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(worker)
        yield stack
    finally:
        for process in reversed(processes):
            _stop(process)
        engine.dispose()


def _connect(stack: PrefectStack, name: str, garmin: FakeGarmin, strava: FakeStrava) -> int:
    with session_scope(stack.engine) as session:
        athlete_id = add_athlete(session, AthleteProfile(name=name, timezone="UTC")).id
    cipher = Fernet(stack.key)
    CredentialStore(stack.engine, cipher, athlete_id, "garmin").save(garmin.issue_tokens(name))
    CredentialStore(stack.engine, cipher, athlete_id, "strava").save(strava.issue_tokens(name))
    return athlete_id


def test_nightly_deployment_runs_on_the_worker_and_stores_everything_once(
    prefect_stack: PrefectStack,
    fake_garmin: FakeGarmin,
    fake_strava: FakeStrava,
    strava_templates: StravaTemplates,
) -> None:
    stack = prefect_stack
    fake_strava.templates = strava_templates
    fake_strava.now = lambda: datetime.now(UTC)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    ids = {name: _connect(stack, name, fake_garmin, fake_strava) for name in ("ana", "ben")}
    for name, athlete_id in ids.items():
        for day in range(3):
            at = start + timedelta(days=day, hours=athlete_id)
            gid, sid = 9_000_000 + athlete_id * 10 + day, 8_000_000 + athlete_id * 10 + day
            fake_garmin.add_runs(name, [garmin_item(fake_garmin.templates, gid, at)])
            # The same run uploaded to Strava too: stored twice, linked, announced once.
            fake_strava.add(name, [strava_item(strava_templates, sid, at + timedelta(seconds=20))])

    stack.prefect("deployment", "run", "nightly-sync/nightly", "--watch", "--watch-timeout", "240")

    with session_scope(stack.engine) as session:
        states = {(s.athlete_id, s.source): s.status for s in session.scalars(select(SyncState))}
        assert states == {(i, s): "ok" for i in ids.values() for s in ("garmin", "strava")}
        assert session.scalar(select(func.count()).select_from(Activity)) == 12
        canonical = session.scalar(
            select(func.count()).select_from(Activity).where(Activity.canonical_id == Activity.id)
        )
        assert canonical == 6
        created = session.scalars(select(Event).where(Event.kind == "activity.created")).all()
        assert len(created) == 6
        assert all(e.published_at is not None for e in session.scalars(select(Event)))
        assert {p.athlete_id for p in session.scalars(select(Plan))} == set(ids.values())
    artifacts = stack.api(
        "/artifacts/filter", {"artifacts": {"key": {"any_": ["nightly-sync-summary"]}}}
    )
    rows = artifacts[0]["data"]
    rows = rows if isinstance(rows, list) else __import__("json").loads(rows)
    assert sorted((r["athlete"], r["source"], r["status"], r["new activities"]) for r in rows) == [
        ("ana", "garmin", "ok", 3), ("ana", "strava", "ok", 3),
        ("ben", "garmin", "ok", 3), ("ben", "strava", "ok", 3),
    ]  # fmt: skip


_PUBLISH = """
from datetime import UTC, datetime
from flows.nightly import publish_events
from flows.nightly_flow import emit_to_prefect
from warehouse.db import make_engine
import os
engine = make_engine(os.environ["IRONMILES_DATABASE_URL"])
print(publish_events(engine, emit_to_prefect, now=datetime.now(UTC)))
"""


def test_a_big_week_event_triggers_a_replan_run_that_stores_a_plan(
    prefect_stack: PrefectStack,
) -> None:
    stack = prefect_stack
    with session_scope(stack.engine) as session:
        cy = add_athlete(session, AthleteProfile(name="cy", timezone="UTC"))
        record_event(session, "week.big", athlete_id=cy.id, dedupe_key=f"week.big:{cy.id}:test",
                     payload={"athlete": "cy", "week": "2026-W48", "distance_km": 92.0,
                              "acwr": 1.6})  # fmt: skip
        assert (
            session.scalar(select(func.count()).select_from(Plan).where(Plan.athlete_id == cy.id))
            == 0
        )

    published = subprocess.run(
        [sys.executable, "-c", _PUBLISH], cwd=REPO, env=stack.env, capture_output=True,
        text=True, timeout=240, check=False,
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert int(published.stdout.strip().splitlines()[-1]) >= 1

    # Within seconds on an idle machine (the worker polls every second); the bound is for busy
    # machines, and the measured latency is printed.
    emitted = time.monotonic()
    deadline = emitted + 180
    plans = 0
    while time.monotonic() < deadline and plans == 0:
        time.sleep(1)
        with session_scope(stack.engine) as session:
            athlete = session.scalars(select(Athlete).where(Athlete.name == "cy")).one()
            plans = (
                session.scalar(
                    select(func.count()).select_from(Plan).where(Plan.athlete_id == athlete.id)
                )
                or 0
            )
    assert plans == 1, "no plan for cy within 3 minutes of the week.big event"
    print(f"week.big -> replan plan stored in {time.monotonic() - emitted:.1f} s")
    runs = stack.api("/flow_runs/filter", {"flows": {"name": {"any_": ["replan"]}}})
    assert {"athlete": "cy", "event_week": "2026-W48"} in [r["parameters"] for r in runs]
