"""Warehouse writes on both backends: idempotent upserts, the dirty set, whole transactions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select

from connectors.records import LiftSet
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.dirty import clear_dirty, dirty_athletes, mark_dirty
from warehouse.lifts import list_lift_sets, store_lift_sets
from warehouse.models import Activity, LiftSession


def lift(index: int, reps: int = 8, source_id: str | None = None) -> LiftSet:
    return LiftSet(source="fit", source_id=source_id or f"file1:set{index}",
                   performed_on=date(2026, 1, 7), exercise="back_squat", set_index=index,
                   reps=reps, weight_kg=60.0, session_source_id="file1:0")  # fmt: skip


def new_athlete(engine: Engine) -> int:
    with session_scope(engine) as session:
        return add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id


def test_storing_sets_twice_converges_and_updates_in_place(warehouse_engine: Engine) -> None:
    athlete_id = new_athlete(warehouse_engine)
    with session_scope(warehouse_engine) as session:
        first = store_lift_sets(session, athlete_id, [lift(1), lift(2)])
    with session_scope(warehouse_engine) as session:
        second = store_lift_sets(session, athlete_id, [lift(1), lift(2, reps=6)])
    assert (first.added, second.added, second.unchanged) == (2, 0, 2)
    with session_scope(warehouse_engine) as session:
        rows = list_lift_sets(session, athlete_id)
        assert [(r.set_index, r.reps) for r in rows] == [(1, 8), (2, 6)]
        assert len(session.scalars(select(LiftSession)).all()) == 1


def test_a_failed_transaction_writes_nothing(warehouse_engine: Engine) -> None:
    athlete_id = new_athlete(warehouse_engine)

    def crash_mid_import() -> None:
        with session_scope(warehouse_engine) as session:
            store_lift_sets(session, athlete_id, [lift(1)])
            raise RuntimeError("crash in the middle of an import")

    with pytest.raises(RuntimeError):
        crash_mid_import()
    with session_scope(warehouse_engine) as session:
        assert list_lift_sets(session, athlete_id) == []
        assert dirty_athletes(session) == {}


def test_writers_mark_dirty_and_a_renewed_mark_survives_clearing(warehouse_engine: Engine) -> None:
    athlete_id = new_athlete(warehouse_engine)
    with session_scope(warehouse_engine) as session:
        store_lift_sets(session, athlete_id, [lift(1)])
    with session_scope(warehouse_engine) as session:
        seen = dirty_athletes(session)
    assert list(seen) == [athlete_id]
    with session_scope(warehouse_engine) as session:
        clear_dirty(session, {athlete_id: seen[athlete_id] - timedelta(seconds=1)})
        assert list(dirty_athletes(session)) == [athlete_id]  # marked after what was seen
        clear_dirty(session, seen)
        assert dirty_athletes(session) == {}
        mark_dirty(session, athlete_id)
        mark_dirty(session, athlete_id)
        assert list(dirty_athletes(session)) == [athlete_id]


def test_timestamps_come_back_aware_utc_on_both_backends(warehouse_engine: Engine) -> None:
    athlete_id = new_athlete(warehouse_engine)
    start = datetime(2026, 1, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    with session_scope(warehouse_engine) as session:
        session.add(Activity(athlete_id=athlete_id, source="fit", source_id="x", start_utc=start,
                             local_start=datetime(2026, 1, 4, 23, 30), local_date=date(2026, 1, 4),
                             sport="run", raw={}))  # fmt: skip
    with session_scope(warehouse_engine) as session:
        stored = session.scalars(select(Activity)).one()
        assert stored.start_utc == datetime(2026, 1, 5, 4, 30, tzinfo=UTC)
        assert stored.start_utc.tzinfo is not None
        assert stored.local_date == date(2026, 1, 4)


def test_an_event_is_recorded_once_and_published_once(warehouse_engine: Engine) -> None:
    from warehouse.events import mark_published, record_event, unpublished

    athlete_id = new_athlete(warehouse_engine)
    recorded = []
    for _ in range(2):  # a re-run announces nothing twice
        with session_scope(warehouse_engine) as session:
            key = f"week.big:{athlete_id}:2026-W02"
            recorded.append(record_event(session, "week.big", athlete_id=athlete_id,
                                         dedupe_key=key, payload={"acwr": 1.4}))  # fmt: skip
    assert recorded == [True, False]
    with session_scope(warehouse_engine) as session:
        pending = unpublished(session)
        assert [(e.kind, e.payload) for e in pending] == [("week.big", {"acwr": 1.4})]
        mark_published(session, [e.id for e in pending], datetime(2026, 1, 12, tzinfo=UTC))
    with session_scope(warehouse_engine) as session:
        assert unpublished(session) == []
