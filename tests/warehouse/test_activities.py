"""The shared activity write path: natural keys, local dates, and a person's columns kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, update

from connectors.records import Activity
from warehouse.activities import list_activities, store_activities
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.dirty import dirty_athletes
from warehouse.models import Activity as ActivityRow


def run(source_id: str, start: datetime, local: datetime | None, km: float = 10.0) -> Activity:
    return Activity(source="garmin", source_id=source_id, start_utc=start, local_start=local,
                    sport="run", sub_sport="generic", distance_m=km * 1000, moving_s=3000.0,
                    raw={"id": source_id})  # fmt: skip


def test_store_is_idempotent_and_keeps_corrections(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        athlete_id = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
    first_run = run("1", datetime(2026, 1, 5, 10, tzinfo=UTC), datetime(2026, 1, 5, 11))
    with session_scope(warehouse_engine) as session:
        stored = store_activities(session, athlete_id, "UTC", [first_run])
    row_id = stored.ids["1"]
    assert stored.added == [row_id]
    with session_scope(warehouse_engine) as session:
        session.execute(
            update(ActivityRow).where(ActivityRow.id == row_id).values(corrected_distance_m=9500.0)
        )
    with session_scope(warehouse_engine) as session:
        resynced = run("1", first_run.start_utc, first_run.local_start, km=10.2)
        again = store_activities(session, athlete_id, "UTC", [resynced])
        assert again.added == []
        rows = list_activities(session, athlete_id)
        assert len(rows) == 1
        assert (rows[0].distance_m, rows[0].corrected_distance_m) == (10200.0, 9500.0)
        assert rows[0].canonical_id == row_id
        assert list(dirty_athletes(session)) == [athlete_id]


def test_local_date_comes_from_the_source_or_the_athletes_zone(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        athlete_id = add_athlete(session, AthleteProfile(name="ny", timezone="America/New_York")).id
    # Sunday 23:30 in New York is Monday 04:30 UTC: the local date must stay Sunday.
    monday_utc = datetime(2026, 1, 5, 4, 30, tzinfo=UTC)
    with session_scope(warehouse_engine) as session:
        store_activities(session, athlete_id, "America/New_York", [
            run("reported", monday_utc, datetime(2026, 1, 4, 23, 30)),
            run("inferred", monday_utc.replace(minute=31), None),
        ])  # fmt: skip
        rows = list_activities(session, athlete_id, start=date(2026, 1, 4), end=date(2026, 1, 4))
        assert [(r.source_id, r.local_date) for r in rows] == [
            ("reported", date(2026, 1, 4)),
            ("inferred", date(2026, 1, 4)),
        ]


def test_a_file_copy_links_to_the_garmin_copy_and_its_correction_survives(
    warehouse_engine: Engine,
) -> None:
    from warehouse.linking import correct_distance, counted_distance_m

    with session_scope(warehouse_engine) as session:
        athlete_id = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)
    treadmill = Activity(source="fit", source_id="fenix-1:s0", start_utc=start,
                         local_start=datetime(2026, 1, 5, 11), sport="run", sub_sport="treadmill",
                         distance_m=10630.0, moving_s=3097.8)  # fmt: skip
    with session_scope(warehouse_engine) as session:
        file_id = store_activities(session, athlete_id, "UTC", [treadmill]).ids["fenix-1:s0"]
        correct_distance(session, file_id, 10000.0)  # the belt over-reads
    # The same run arrives later from Garmin Connect, 40 s apart, and becomes the counted copy.
    garmin = run("21482825013", start.replace(second=40), datetime(2026, 1, 5, 11, 0, 40), 10.63)
    with session_scope(warehouse_engine) as session:
        stored = store_activities(session, athlete_id, "UTC", [garmin])
        assert stored.links_changed >= 1
    with session_scope(warehouse_engine) as session:
        rows = {r.source: r for r in list_activities(session, athlete_id)}
        assert rows["fit"].canonical_id == rows["garmin"].id == rows["garmin"].canonical_id
        assert counted_distance_m(session, athlete_id) == 10000.0
