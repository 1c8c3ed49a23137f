"""Each athlete's own night: the due-athletes query on both databases (local hours computed
from each zone, across DST), `athlete set --sync-hour`, and lift.logged from the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from tests.conftest import Cli
from warehouse.athletes import AthleteProfile, add_athlete, get_athlete
from warehouse.db import session_scope
from warehouse.models import Event
from warehouse.scheduling import athletes_in_sync_hour, set_sync_hour


def test_athletes_due_in_their_own_local_sync_hour(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        for name, zone in (("ny", "America/New_York"), ("tokyo", "Asia/Tokyo"),
                           ("madrid", "Europe/Madrid"), ("utc", "UTC")):  # fmt: skip
            add_athlete(session, AthleteProfile(name=name, timezone=zone))
        set_sync_hour(session, get_athlete(session, "utc"), 5)
    with session_scope(warehouse_engine) as session:
        # 08:00 UTC in January: 03:00 in New York (EST), 17:00 Tokyo, 09:00 Madrid.
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 15, 8, 30, tzinfo=UTC)) == [
            "ny"
        ]
        # In July New York is on EDT: 03:00 there is 07:00 UTC.
        assert athletes_in_sync_hour(session, now=datetime(2026, 7, 15, 7, 0, tzinfo=UTC)) == ["ny"]
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 14, 18, 0, tzinfo=UTC)) == [
            "tokyo"
        ]
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 15, 2, 59, tzinfo=UTC)) == [
            "madrid"
        ]
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 15, 5, 0, tzinfo=UTC)) == [
            "utc"
        ]
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == []


def test_athlete_set_sync_hour(run_cli: Cli, warehouse_url: str) -> None:
    assert run_cli("athlete", "add", "ana", "--body-weight", "60",
                   "--timezone", "Asia/Tokyo").exit_code == 0  # fmt: skip
    done = run_cli("athlete", "set", "ana", "--sync-hour", "4")
    assert done.exit_code == 0, done.stderr
    assert "04:00 Asia/Tokyo" in done.stdout
    bad = run_cli("athlete", "set", "ana", "--sync-hour", "24")
    assert bad.exit_code == 2
    assert "sync_hour=24" in bad.stderr and "0-23" in bad.stderr
    nothing = run_cli("athlete", "set", "ana")
    assert nothing.exit_code == 2
    from warehouse.db import make_engine

    engine = make_engine(warehouse_url)
    with session_scope(engine) as session:
        assert get_athlete(session, "ana").sync_hour == 4
        assert athletes_in_sync_hour(session, now=datetime(2026, 1, 14, 19, 5, tzinfo=UTC)) == [
            "ana"
        ]
    engine.dispose()


def test_lift_add_and_import_log_one_event_each_and_reimport_none(
    run_cli: Cli, warehouse_url: str, tmp_path: object
) -> None:
    from pathlib import Path

    from warehouse.db import make_engine

    assert run_cli("athlete", "add", "ana", "--body-weight", "60",
                   "--timezone", "UTC").exit_code == 0  # fmt: skip
    added = run_cli("lift", "add", "ana", "--date", "2026-01-07", "--exercise", "back squat",
                    "--sets", "3", "--reps", "5", "--weight", "80")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    csv = Path(str(tmp_path)) / "lifts.csv"
    csv.write_text(
        "date,exercise,set,reps,weight_kg,rir,rpe,notes\n"
        "2026-01-09,back squat,1,5,82.5,2,,\n2026-01-09,back squat,2,5,82.5,2,,\n"
    )
    assert run_cli("lift", "import", "ana", str(csv)).exit_code == 0
    assert run_cli("lift", "import", "ana", str(csv)).exit_code == 0  # nothing new
    engine = make_engine(warehouse_url)
    with session_scope(engine) as session:
        events = session.scalars(select(Event).where(Event.kind == "lift.logged")).all()
        payloads = sorted(json.dumps(e.payload, sort_keys=True) for e in events)
    engine.dispose()
    assert len(payloads) == 2
    first, second = (json.loads(p) for p in payloads)
    assert {first["sets"], second["sets"]} == {3, 2}
    assert {first["athlete"], second["athlete"]} == {"ana"}
    assert {first["week"], second["week"]} == {"2026-W02"}
