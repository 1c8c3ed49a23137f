"""The calendar feed as a phone's calendar sees it: `ironmiles athlete feed` prints the address,
the router (mounted in a FastAPI app served by uvicorn on a free port) answers it, and two
independent iCalendar parsers read the document; SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import uvicorn
import vobject
from cryptography.fernet import Fernet
from icalendar import Calendar

from flows.cli import common as cli_common
from flows.settings import Settings
from flows.web import feed
from flows.web.app import create_app
from tests.conftest import Cli, CliResult

MADRID = ZoneInfo("Europe/Madrid")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(cli_common, "utc_now", clock)
    return clock


@pytest.fixture
def cli(run_cli: Cli) -> Cli:
    run_cli.env["IRONMILES_SECRET_KEY"] = Fernet.generate_key().decode()
    run_cli.env["IRONMILES_PUBLIC_URL"] = "https://ironmiles.example/"
    return run_cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(warehouse_url: str, tmp_path: Path, clock: Clock) -> Iterator[str]:
    """The app of `ironmiles serve` (create_app, the feed router included), on a real server."""
    url = None if warehouse_url.startswith("sqlite") else warehouse_url
    app = create_app(Settings(home=tmp_path / "home", database_url=url))
    app.dependency_overrides[feed.utc_now] = clock
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def ok(result: CliResult) -> None:
    assert result.exit_code == 0, result.stderr


def feed_path(cli: Cli, name: str, *flags: str) -> str:
    result = cli("athlete", "feed", name, *flags)
    ok(result)
    url = result.stdout.strip()
    assert url.startswith("https://ironmiles.example/feeds/") and url.endswith(".ics")
    return url.removeprefix("https://ironmiles.example")


def events_by_uid(body: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_feed_events_update_in_place_and_poll_cheaply(cli: Cli, served: str, clock: Clock) -> None:
    ok(cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "Europe/Madrid"))
    path = feed_path(cli, "ana")
    assert feed_path(cli, "ana") == path  # printed again, the same address
    # Ten weeks ago (outside the window), two weeks ago, and next week.
    for week in ("2026-W38", "2026-W46", "2026-W49"):
        ok(cli("plan", "ana", "--week", week))

    first = requests.get(served + path, timeout=10)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    events = events_by_uid(first.content)
    assert len(events) == 2  # the last eight weeks' and the next: W38 is too old
    next_week = next(
        e for e in events.values() if e["dtstart"].dt.date().isoformat() == "2026-12-02"
    )  # type: ignore[attr-defined,index]
    start = next_week["dtstart"].dt  # type: ignore[index]
    assert (start.hour, start.minute, start.tzinfo.key) == (18, 0, "Europe/Madrid")
    assert int(next_week["sequence"]) == 0  # type: ignore[index]
    assert "Why:" in str(next_week["description"])  # type: ignore[index]

    # The second parser reads the same events, times and texts.
    parsed = vobject.readOne(first.text)
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    assert set(by_uid) == set(events)
    uid = str(next_week["uid"])  # type: ignore[index]
    assert by_uid[uid].dtstart.value == start
    assert by_uid[uid].description.value == str(next_week["description"])  # type: ignore[index]

    # Polling: 304 on the ETag and on the date; no body.
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = requests.get(served + path, headers={"If-None-Match": etag}, timeout=10)
    assert (again.status_code, again.content) == (304, b"")
    again = requests.get(served + path, headers={"If-Modified-Since": modified}, timeout=10)
    assert again.status_code == 304

    # A re-plan that changes next week's session: same UID, higher SEQUENCE, the notice first.
    clock.now += timedelta(hours=2)
    ok(cli("athlete", "set", "ana", "--param", "warmup_reps=10"))
    ok(cli("plan", "ana", "--week", "2026-W49"))
    changed = requests.get(served + path, headers={"If-None-Match": etag}, timeout=10)
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    updated = events_by_uid(changed.content)[uid]
    assert int(updated["sequence"]) == 1  # type: ignore[index]
    first_line = str(updated["description"]).splitlines()[0]  # type: ignore[index]
    assert first_line.startswith("Re-planned: warm-up") and "→" in first_line
    markdown = cli("plan", "ana", "--week", "2026-W49")
    assert first_line in markdown.stdout.splitlines()[2]
    stale = requests.get(served + path, headers={"If-Modified-Since": modified}, timeout=10)
    assert stale.status_code == 200

    # The gym time moves the event; the address stays.
    clock.now += timedelta(hours=1)
    ok(cli("athlete", "set", "ana", "--gym-time", "7:30"))
    later = requests.get(served + path, timeout=10)
    moved = events_by_uid(later.content)[uid]["dtstart"].dt  # type: ignore[index]
    assert (moved.hour, moved.minute) == (7, 30)
    assert later.headers["last-modified"] == format_datetime(
        clock.now.replace(microsecond=0), usegmt=True
    )


def test_rotation_revokes_the_old_address(cli: Cli, served: str) -> None:
    ok(cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "Europe/Madrid"))
    ok(cli("plan", "ana", "--week", "2026-W49"))
    old = feed_path(cli, "ana")
    assert requests.get(served + old, timeout=10).status_code == 200
    new = feed_path(cli, "ana", "--rotate")
    assert new != old
    assert requests.get(served + old, timeout=10).status_code == 404
    assert requests.get(served + new, timeout=10).status_code == 200
    assert requests.get(served + "/feeds/not-a-token.ics", timeout=10).status_code == 404


def test_feed_and_gym_time_bad_input(run_cli: Cli) -> None:
    ok(run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "Europe/Madrid"))
    no_key = run_cli("athlete", "feed", "ana")
    assert no_key.exit_code == 2 and "IRONMILES_SECRET_KEY" in no_key.stderr
    bad = run_cli("athlete", "set", "ana", "--gym-time", "25:00")
    assert bad.exit_code == 2 and "gym-time='25:00'" in bad.stderr
    nothing = run_cli("athlete", "set", "ana")
    assert nothing.exit_code == 2
