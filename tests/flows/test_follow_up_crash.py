"""The nightly follow-up, crashed between its steps: the weekly-load rows and the events they
announce are one transaction; an athlete's dirty mark is cleared only with its re-plan, so a
crash between the two leaves the athlete due and the next night makes the plan (found by the
kill -9 campaign of tests/chaos/: a sync killed there never planned again)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import flows.nightly
from connectors.records import Activity, Race
from flows.nightly import follow_up
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete, upsert_race
from warehouse.db import session_scope
from warehouse.dirty import dirty_athletes
from warehouse.models import Event, Plan, WeeklyLoad

NOW = datetime(2025, 10, 15, 12, tzinfo=UTC)


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(WeeklyLoad)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
            session.scalar(select(func.count()).select_from(Plan)) or 0,
        )


def test_a_crash_before_the_plan_leaves_the_athlete_due(
    warehouse_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
        runs = [Activity(source="manual", source_id=f"r{day}",
                         start_utc=datetime(2025, 10, 6, 7, tzinfo=UTC) + timedelta(days=day),
                         local_start=None, sport="run", distance_m=10_000.0, moving_s=3000.0,
                         raw={}) for day in range(6)]  # fmt: skip
        store_activities(session, ana, "UTC", runs)
        upsert_race(session, ana, Race(race_date=date(2025, 10, 26), name="10k",
                                       distance_km=10.0, priority="B"))  # fmt: skip
    _, events_before, _ = _counts(warehouse_engine)

    def killed(*_: Any, **__: Any) -> None:
        raise RuntimeError("killed before the plan")

    monkeypatch.setattr(flows.nightly, "plan_week", killed)
    with pytest.raises(RuntimeError, match="killed"):
        follow_up(warehouse_engine, now=NOW)
    weeks, events, plans = _counts(warehouse_engine)
    # The weeks and what they announce were committed together; no plan yet.
    assert weeks > 0 and events == events_before + 1 and plans == 0
    with session_scope(warehouse_engine) as session:
        assert ana in dirty_athletes(session)  # still due
    monkeypatch.undo()
    done = follow_up(warehouse_engine, now=NOW)
    assert [name for name, _, _ in done.plans] == ["ana"]
    assert done.events == 0  # the race was announced once, with the first write
    with session_scope(warehouse_engine) as session:
        assert dirty_athletes(session) == {}
    assert _counts(warehouse_engine)[1:] == (events, 1)
