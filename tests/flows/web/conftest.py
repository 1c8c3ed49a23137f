"""The web app on the test warehouse, with two coaches' seasons and dashboard tokens."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, make_url, text

from flows.settings import Settings
from flows.web.app import create_app
from tests.coach_seed import Season, seed
from tests.conftest import Cli


@dataclass(frozen=True)
class Coached:
    base: str
    """http://127.0.0.1:PORT of the app served by uvicorn in a thread."""
    season: Season
    tokens: dict[str, str]


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on uvicorn, on a free port of 127.0.0.1, in a thread; stopped afterwards."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def coached(
    run_cli: Cli, warehouse_engine: Engine, warehouse_url: str, tmp_path: Path
) -> Iterator[Coached]:
    season = seed(run_cli, warehouse_engine)
    tokens = {}
    try:
        for coach in ("marta", "jon"):
            made = run_cli("coach", "add", coach, "--format", "json")
            assert made.exit_code == 0, made.stderr
            tokens[coach] = json.loads(made.stdout)["token"]
        url = None if warehouse_url.startswith("sqlite") else warehouse_url
        app = create_app(Settings(home=tmp_path / "home", database_url=url))
        with served(app) as base:
            yield Coached(base=base, season=season, tokens=tokens)
    finally:
        if warehouse_engine.dialect.name == "postgresql":
            drop_coach_roles(warehouse_engine)


def drop_coach_roles(engine: Engine) -> None:
    database = make_url(engine.url).database
    with engine.begin() as connection:
        roles = connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :prefix"),
            {"prefix": f"{database}_coach_%"},
        ).scalars()
        for role in list(roles):
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
