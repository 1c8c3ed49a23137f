"""A person's sport survives every re-import and re-sync, follows the linked copies, and takes
the activity into or out of the runs the weekly totals count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from connectors.records import Activity
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.errors import BadInput, NotFound
from warehouse.linking import counted_distance_m
from warehouse.models import Activity as ActivityRow
from warehouse.sport_overlay import set_sport, set_sport_of

START = datetime(2024, 5, 4, 7, 0, tzinfo=UTC)


def activity(source: str, sport: str, *, name: str = "x", minutes: int = 0) -> Activity:
    return Activity(
        source=source,
        source_id=f"{source}-1",
        start_utc=START + timedelta(minutes=minutes),
        local_start=None,
        sport=sport,  # type: ignore[arg-type]
        name=name,
        distance_m=10_000.0,
        moving_s=3000.0,
        elapsed_s=3100.0,
    )


@pytest.fixture
def athlete_id(warehouse_engine: Engine) -> int:
    with session_scope(warehouse_engine) as session:
        return add_athlete(session, AthleteProfile(name="cleo", timezone="UTC")).id


def store(engine: Engine, athlete_id: int, *activities: Activity) -> dict[str, int]:
    with session_scope(engine) as session:
        return store_activities(session, athlete_id, "UTC", list(activities)).ids


def sports(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(ActivityRow.source, ActivityRow.sport, ActivityRow.corrected_sport)
        )
        return {source: (sport, corrected) for source, sport, corrected in rows}


def test_the_sport_survives_a_resync_that_says_otherwise(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    ids = store(warehouse_engine, athlete_id, activity("gpx", "unknown"))
    with session_scope(warehouse_engine) as session:
        assert counted_distance_m(session, athlete_id) == 0.0
        set_sport(session, ids["gpx-1"], "run")
        assert counted_distance_m(session, athlete_id) == 10_000.0
    store(warehouse_engine, athlete_id, activity("gpx", "unknown", name="renamed"))
    assert sports(warehouse_engine) == {"gpx": ("run", "run")}
    with session_scope(warehouse_engine) as session:
        assert session.scalar(select(ActivityRow.name)) == "renamed"  # source values still flow


def test_an_edited_reimport_reports_the_updated_row(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    store(warehouse_engine, athlete_id, activity("gpx", "run"))
    with session_scope(warehouse_engine) as session:
        same = store_activities(session, athlete_id, "UTC", [activity("gpx", "run")])
        edited = store_activities(session, athlete_id, "UTC", [activity("gpx", "run", name="y")])
    assert (same.added, same.updated) == ([], [])
    assert edited.updated == [same.ids["gpx-1"]]


def test_a_sport_set_on_one_copy_is_set_on_its_linked_copies(
    warehouse_engine: Engine, athlete_id: int
) -> None:
    ids = store(
        warehouse_engine,
        athlete_id,
        activity("garmin", "run"),
        activity("strava", "run", minutes=1),
    )
    with session_scope(warehouse_engine) as session:
        rows = session.scalars(select(ActivityRow)).all()
        assert len({row.canonical_id for row in rows}) == 1  # linked
        changed = set_sport(session, ids["strava-1"], "walk")
        assert {row.id for row in changed} == set(ids.values())
        assert counted_distance_m(session, athlete_id) == 0.0
    assert sports(warehouse_engine) == {"garmin": ("walk", "walk"), "strava": ("walk", "walk")}


def test_a_corrected_copy_joins_its_group(warehouse_engine: Engine, athlete_id: int) -> None:
    """An unknown GPX copy of a Garmin run does not link (sports differ); set to run, it does,
    and the run is counted once."""
    ids = store(warehouse_engine, athlete_id, activity("garmin", "run"), activity("gpx", "unknown"))
    with session_scope(warehouse_engine) as session:
        set_sport(session, ids["gpx-1"], "run")
        canonical = {row.canonical_id for row in session.scalars(select(ActivityRow))}
        assert canonical == {ids["garmin-1"]}
        assert counted_distance_m(session, athlete_id) == 10_000.0


def test_bad_sports_and_ids_are_refused(warehouse_engine: Engine, athlete_id: int) -> None:
    ids = store(warehouse_engine, athlete_id, activity("gpx", "unknown"))
    with session_scope(warehouse_engine) as session:
        with pytest.raises(BadInput, match=r"SPORT='unknown' is not a sport.*run, ride"):
            set_sport(session, ids["gpx-1"], "unknown")
        with pytest.raises(NotFound, match="activity=424242 does not exist"):
            set_sport(session, 424242, "run")
        with pytest.raises(BadInput, match="--sport='x'"):
            set_sport_of(session, athlete_id, [ids["gpx-1"]], "x")
        assert set_sport_of(session, athlete_id, [ids["gpx-1"]], " RIDE ") == 1
    assert sports(warehouse_engine) == {"gpx": ("ride", "ride")}
