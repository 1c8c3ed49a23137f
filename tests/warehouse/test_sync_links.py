"""Linking copies across sources in the warehouse, unlink and correct (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from connectors.records import Activity
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.errors import BadInput, NotFound
from warehouse.linking import correct_distance, counted_distance_m, unlink
from warehouse.models import Activity as ActivityRow
from warehouse.sync_state import store_page, sync_state

T0 = datetime(2026, 1, 8, 14, 10, 21, tzinfo=UTC)


def act(source: str, sid: str, start: datetime, km: float, elapsed: float = 2225.0) -> Activity:
    return Activity(
        source=source,
        source_id=sid,
        start_utc=start,
        local_start=None,  # type: ignore[arg-type]
        sport="run",
        distance_m=km * 1000,
        elapsed_s=elapsed,
        moving_s=elapsed - 3,
    )


def canonical_sources(engine: Engine) -> dict[str, str]:
    """source -> the source of its canonical copy."""
    with session_scope(engine) as session:
        rows = {r.id: r for r in session.scalars(select(ActivityRow))}
        return {r.source: rows[r.canonical_id].source for r in rows.values() if r.canonical_id}


@pytest.fixture
def athlete_id(warehouse_engine: Engine) -> int:
    with session_scope(warehouse_engine) as session:
        return add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id


def store(engine: Engine, athlete_id: int, source: str, *activities: Activity) -> None:
    with session_scope(engine) as session:
        store_page(
            session,
            athlete_id=athlete_id,
            timezone="UTC",
            source=source,
            activities=activities,
            watermark=max(a.start_utc for a in activities),
        )


def test_copies_link_to_the_preferred_source_whatever_the_arrival_order(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    store(
        warehouse_engine,
        athlete_id,
        "strava",
        act("strava", "s1", T0 + timedelta(seconds=30), 4.30),
    )
    assert canonical_sources(warehouse_engine) == {"strava": "strava"}
    store(
        warehouse_engine, athlete_id, "fit", act("fit", "f1.fit", T0 + timedelta(seconds=2), 4.27)
    )
    assert canonical_sources(warehouse_engine) == {"strava": "fit", "fit": "fit"}
    store(warehouse_engine, athlete_id, "garmin", act("garmin", "g1", T0, 4.26))
    assert canonical_sources(warehouse_engine) == {
        "strava": "garmin",
        "fit": "garmin",
        "garmin": "garmin",
    }
    with session_scope(warehouse_engine) as session:
        assert counted_distance_m(session, athlete_id) == pytest.approx(4260.0)
        assert sync_state(session, athlete_id, "garmin").watermark == T0


def test_unlinking_the_canonical_copy_relinks_the_rest_and_sticks(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    garmin = act("garmin", "g1", T0, 4.26)
    store(warehouse_engine, athlete_id, "garmin", garmin)
    store(
        warehouse_engine, athlete_id, "fit", act("fit", "f1.fit", T0 + timedelta(seconds=2), 4.27)
    )
    store(
        warehouse_engine,
        athlete_id,
        "strava",
        act("strava", "s1", T0 + timedelta(seconds=30), 4.30),
    )
    with session_scope(warehouse_engine) as session:
        garmin_id = session.scalar(select(ActivityRow.id).where(ActivityRow.source == "garmin"))
        assert garmin_id is not None
        unlink(session, garmin_id)
        unlink(session, garmin_id)  # idempotent
    assert canonical_sources(warehouse_engine) == {
        "garmin": "garmin",
        "fit": "fit",
        "strava": "fit",
    }
    store(warehouse_engine, athlete_id, "garmin", garmin)  # a re-sync does not undo it
    assert canonical_sources(warehouse_engine) == {
        "garmin": "garmin",
        "fit": "fit",
        "strava": "fit",
    }
    with session_scope(warehouse_engine) as session:
        assert counted_distance_m(session, athlete_id) == pytest.approx(4260.0 + 4270.0)


def test_not_copies_stay_apart(warehouse_engine: Engine, athlete_id: int) -> None:
    store(warehouse_engine, athlete_id, "garmin", act("garmin", "g1", T0, 10.0, elapsed=3600))
    store(warehouse_engine, athlete_id, "strava",
          act("strava", "late", T0 + timedelta(minutes=6), 10.0, elapsed=3600),
          act("strava", "short", T0 + timedelta(seconds=10), 5.0, elapsed=1800))  # fmt: skip
    assert canonical_sources(warehouse_engine) == {"garmin": "garmin", "strava": "strava"}
    with session_scope(warehouse_engine) as session:
        assert counted_distance_m(session, athlete_id) == pytest.approx(25_000.0)


def test_correction_rules(warehouse_engine: Engine, athlete_id: int) -> None:
    store(warehouse_engine, athlete_id, "garmin", act("garmin", "g1", T0, 4.26))
    store(
        warehouse_engine,
        athlete_id,
        "strava",
        act("strava", "s1", T0 + timedelta(seconds=30), 4.30),
    )
    with session_scope(warehouse_engine) as session:
        ids = {
            source: row_id
            for source, row_id in session.execute(select(ActivityRow.source, ActivityRow.id))
        }
        with pytest.raises(BadInput, match=f"correct {ids['garmin']} instead"):
            correct_distance(session, ids["strava"], 5000.0)
        with pytest.raises(BadInput, match="distance-km=0"):
            correct_distance(session, ids["garmin"], 0.0)
        with pytest.raises(NotFound):
            correct_distance(session, 987654, 5000.0)
        correct_distance(session, ids["garmin"], 5000.0)
    store(warehouse_engine, athlete_id, "garmin", act("garmin", "g1", T0, 4.26))
    with session_scope(warehouse_engine) as session:
        assert counted_distance_m(session, athlete_id) == pytest.approx(5000.0)


# PostgreSQL only: SQLite has a single writer, so two linkers can never overlap there.
@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_parallel_copies_are_linked_on_postgresql(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    """The Garmin and the Strava copy stored at the same moment by two transactions (the flow
    runs sources in parallel on PostgreSQL) still end up linked."""
    import threading

    from sqlalchemy import text

    assert warehouse_engine.dialect.name == "postgresql"
    errors: list[BaseException] = []

    def strava_side() -> None:
        try:
            store(
                warehouse_engine,
                athlete_id,
                "strava",
                act("strava", "s1", T0 + timedelta(seconds=30), 4.3),
            )
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)

    with session_scope(warehouse_engine) as session:
        store_page(session, athlete_id=athlete_id, timezone="UTC", source="garmin",
                   activities=[act("garmin", "g1", T0, 4.26)])  # fmt: skip
        other = threading.Thread(target=strava_side)
        other.start()
        # Commit only once the Strava transaction waits for a lock held by this one (it then has
        # its own row stored but not yet linked), so the two really overlap.
        with warehouse_engine.connect() as watcher:
            for _ in range(2000):
                waiting = watcher.execute(text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )).scalar_one()  # fmt: skip
                watcher.rollback()  # pg_stat_activity is a snapshot per transaction
                if waiting:
                    break
                threading.Event().wait(0.005)
            assert waiting, f"the second transaction never waited for this one ({errors})"
    other.join()
    assert errors == []
    assert canonical_sources(warehouse_engine) == {"garmin": "garmin", "strava": "garmin"}
