"""`ironmiles demo` as a user runs it: a subprocess from a fresh IRONMILES_HOME, no account and
no server configured, with nothing of the test environment's IRONMILES_ settings. Checks what it
prints and writes, that its replay servers are gone when it ends, and that a second run stores
nothing new."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IRONMILES = Path(sys.executable).with_name("ironmiles")


def run_demo(home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IRONMILES_", "PREFECT_"))}
    env.update(IRONMILES_HOME=str(home), COLUMNS="160", HOME=str(home.parent))
    return subprocess.run(
        [str(IRONMILES), "demo"], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def counts(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "ironmiles.db") as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("athletes", "activities", "lift_sets", "races", "credentials")
        }


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_the_demo_syncs_both_replay_servers_through_the_flow(
    warehouse_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "fresh-home"
    first = run_demo(home)
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    # Both athletes, in their zones, from both services, through the real connectors.
    for name, zone in (("demo-ana", "Europe/Madrid"), ("demo-kai", "America/Los_Angeles")):
        assert f"{name} ({zone}): 16 weeks" in out
        assert f"{name}: weekly load" in out
        assert f"# Squats for {name}" in out
        for kind in ("md", "ics"):
            assert f"{home / 'plans' / name / ('plan.' + kind)}" in out
        assert (home / "plans" / name / "plan.md").read_text().startswith(f"# Squats for {name}")
        assert b"BEGIN:VCALENDAR" in (home / "plans" / name / "plan.ics").read_bytes()
    assert out.count("57 runs linked as one") == 2
    assert out.count("3 on garmin only, 4 on strava only") == 2
    assert re.search(r"garmin\s*│\s*ok\s*│\s*76\s*│", out)
    assert re.search(r"strava\s*│\s*ok\s*│\s*61\s*│", out)
    assert "counted garmin:" in out and "linked strava:" in out
    assert "▲" in out  # the big week is marked in the weekly table
    assert "## Why" in out and "**R1** A race" in out  # ana's A race is close: the plan says so
    # kai's race is far: this week's plan follows the big last week (R11 caps the sets).
    assert "**R11**" in out.split("# Squats for demo-kai")[-1]
    after_first = counts(home)
    assert after_first["athletes"] == 2
    assert after_first["activities"] == 2 * (76 + 61)
    assert after_first["credentials"] == 4
    # Nothing left listening where the replay servers were.
    for port in re.findall(r"http://127\.0\.0\.1:(\d+)", out):
        with socket.socket() as probe:
            probe.settimeout(1)
            assert probe.connect_ex(("127.0.0.1", int(port))) != 0

    again = run_demo(home)
    assert again.returncode == 0, again.stderr[-3000:]
    assert re.search(r"garmin\s*│\s*ok\s*│\s*0\s*│", again.stdout)
    assert re.search(r"strava\s*│\s*ok\s*│\s*0\s*│", again.stdout)
    assert counts(home) == after_first
