"""The one composition of the nightly job (flows.nightly.run_nightly) with its seams: a task
runner that loses a unit, a publisher, and the single weekly-load refresh per night."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, func, select

from connectors.records import Activity
from connectors.source import SourceName
from flows import weekly_load
from flows.nightly import InSequence, Unit, run_nightly
from flows.planning import plan_week, refresh_and_plan_week
from flows.source_runs import SourceOutcome, SyncDeps
from tests.flows.sync_world import History, connect, state
from tests.servers import FakeGarmin, FakeStrava
from tests.sync_fixtures import FakeClock
from warehouse.activities import store_activities
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.dirty import dirty_athletes
from warehouse.events import unpublished
from warehouse.models import Event, Plan, WeeklyLoad

T = TypeVar("T")


class LosesOneUnit(InSequence):
    """Runs like the CLI, but the worker running ana's Strava unit dies."""

    def __init__(self) -> None:
        self.ran: list[Unit] = []
        self.steps: list[str] = []

    def each(
        self, run: Callable[[str, SourceName], SourceOutcome], units: Sequence[Unit]
    ) -> list[SourceOutcome | BaseException]:
        def guarded(athlete: str, source: SourceName) -> SourceOutcome:
            self.ran.append((athlete, source))
            if (athlete, source) == ("ana", "strava"):
                raise RuntimeError("worker lost")
            return run(athlete, source)

        return super().each(guarded, units)

    def step(self, name: str, fn: Callable[[], T]) -> T:
        self.steps.append(name)
        return fn()


def test_one_night_syncs_refreshes_once_announces_replans_and_publishes(
    deps: SyncDeps,
    fake_garmin: FakeGarmin,
    strava: FakeStrava,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rows' created_at is the database's clock: the night must start before it.
    clock.now = datetime.now(UTC) - timedelta(minutes=1)
    ana_id = connect(deps, fake_garmin, strava, "ana")
    connect(deps, fake_garmin, strava, "ben")
    History(fake_garmin, strava, "ana").add_days(12)
    History(fake_garmin, strava, "ben").add_days(12)
    due_reads: list[datetime] = []
    athletes_due = weekly_load.athletes_due

    def counted(session: Any, *, now: datetime) -> Any:
        due_reads.append(now)
        return athletes_due(session, now=now)

    monkeypatch.setattr(weekly_load, "athletes_due", counted)
    runner, sent = LosesOneUnit(), []
    night = run_nightly(deps, runner=runner, publish=sent.append)

    assert runner.ran == [("ana", "garmin"), ("ana", "strava"), ("ben", "garmin"),
                          ("ben", "strava")]  # fmt: skip
    statuses = {(o.athlete, o.source): o.status for o in night.outcomes}
    assert statuses == {("ana", "garmin"): "ok", ("ana", "strava"): "error",
                        ("ben", "garmin"): "ok", ("ben", "strava"): "ok"}  # fmt: skip
    assert state(deps.engine, ana_id, "strava").last_error == "RuntimeError: worker lost"
    assert runner.steps == ["follow-up", "publish-events"]
    # One refresh for the night, however many athletes are re-planned after it.
    assert len(due_reads) == 1
    assert len(night.followed.refreshed) == 2
    assert [athlete for athlete, _, _ in night.followed.plans] == ["ana", "ben"]
    # The follow-up's events, and the lift.logged that Garmin's strength sync wrote with the
    # sets (ana's sessions; the ones of ben's that synced), all published once.
    lifts = [event for event in sent if event.kind == "lift.logged"]
    assert {event.payload["athlete"] for event in lifts} == {"ana", "ben"}
    assert night.published == len(sent) == night.followed.events + len(lifts)
    assert {event.kind for event in sent} >= {"activity.created", "lift.logged"}
    assert len({event.id for event in sent}) == len(sent)
    with session_scope(deps.engine) as session:
        assert unpublished(session) == []
        assert session.scalar(select(func.count()).select_from(Event)) == len(sent)
        assert session.scalar(select(func.count()).select_from(Plan)) == 2


def test_without_a_publisher_events_wait_in_the_outbox(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    clock.now = datetime.now(UTC) - timedelta(minutes=1)
    connect(deps, fake_garmin, strava, "ana")
    History(fake_garmin, strava, "ana").add_days(5)
    night = run_nightly(deps, sources=("garmin",))
    assert [(o.source, o.status) for o in night.outcomes] == [("garmin", "ok")]
    assert night.published == 0
    with session_scope(deps.engine) as session:
        waiting = unpublished(session)
        lifts = [event for event in waiting if event.kind == "lift.logged"]
        assert len(lifts) == 1  # the one strength session of the 5 days, with its sets
        assert len(waiting) == night.followed.events + 1 > 1


def test_plan_week_reads_the_load_it_is_handed_and_the_cli_path_refreshes_first(
    warehouse_engine: Engine,
) -> None:
    now = datetime(2025, 10, 15, 12, tzinfo=UTC)
    with session_scope(warehouse_engine) as session:
        ana = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
        run = Activity(source="manual", source_id="r1",
                       start_utc=datetime(2025, 10, 7, 7, tzinfo=UTC), local_start=None,
                       sport="run", distance_m=12_000.0, moving_s=3600.0, raw={})  # fmt: skip
        store_activities(session, ana, "UTC", [run])
    with session_scope(warehouse_engine) as session:
        plan_week(session, "ana", "2025-W43", now=now)
    with session_scope(warehouse_engine) as session:
        assert ana in dirty_athletes(session)  # not refreshed behind the caller's back
        assert session.scalar(select(func.count()).select_from(WeeklyLoad)) == 0
    with session_scope(warehouse_engine) as session:
        refresh_and_plan_week(session, "ana", "2025-W43", now=now)
    with session_scope(warehouse_engine) as session:
        assert dirty_athletes(session) == {}
        assert session.scalar(select(func.count()).select_from(WeeklyLoad)) > 0
