"""The Prefect flow itself, once, on Prefect's ephemeral test API (no server, no network).

Starting that API takes about half a minute, which is why the CLI calls the plain function."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, func, select

from tests.conftest import _empty_tables
from tests.servers import FakeGarmin, FakeStrava, StravaTemplates, garmin_item, strava_item
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.credentials import CredentialStore
from warehouse.db import make_engine, session_scope
from warehouse.migrate import upgrade
from warehouse.models import Activity, Event, Plan, RateBudgetWindow, SyncState, WeeklyLoad


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=300):
        yield


def _environment(
    monkeypatch: pytest.MonkeyPatch, fake_garmin: FakeGarmin, fake_strava: FakeStrava, url: str
) -> bytes:
    for name in list(os.environ):
        if name.startswith("IRONMILES_") and name != "IRONMILES_SHARED_DIR":
            monkeypatch.delenv(name)
    key = Fernet.generate_key()
    monkeypatch.setenv("IRONMILES_DATABASE_URL", url)
    monkeypatch.setenv("IRONMILES_SECRET_KEY", key.decode())
    monkeypatch.setenv("IRONMILES_GARMIN_API_BASE", fake_garmin.base_url)
    monkeypatch.setenv("IRONMILES_STRAVA_API_BASE", fake_strava.base_url)
    monkeypatch.setenv("IRONMILES_STRAVA_CLIENT_ID", str(fake_strava.client_id))
    monkeypatch.setenv("IRONMILES_STRAVA_CLIENT_SECRET", fake_strava.client_secret)
    fake_strava.now = lambda: datetime.now(UTC)
    return key


def test_nightly_flow_records_each_source_and_goes_on(
    prefect_api: None,
    monkeypatch: pytest.MonkeyPatch,
    fake_garmin: FakeGarmin,
    fake_strava: FakeStrava,
    strava_templates: StravaTemplates,
    warehouse_url: str,
) -> None:
    from flows.nightly_flow import nightly_sync

    url = warehouse_url
    key = _environment(monkeypatch, fake_garmin, fake_strava, url)
    engine = make_engine(url)
    upgrade(engine)
    start = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
    ids = {}
    with session_scope(engine) as session:
        for name in ("ana", "ben"):
            ids[name] = add_athlete(session, AthleteProfile(name=name, timezone="UTC")).id
    for name in ("ana", "ben"):
        CredentialStore(engine, Fernet(key), ids[name], "garmin").save(
            fake_garmin.issue_tokens(name)
        )
        CredentialStore(engine, Fernet(key), ids[name], "strava").save(
            fake_strava.issue_tokens(name)
        )
        fake_garmin.add_runs(name, [garmin_item(fake_garmin.templates, 1000 + ids[name], start)])
        fake_strava.add(name, [strava_item(strava_templates, 2000 + ids[name], start)])
    fake_garmin.revoke("ana")

    results = nightly_sync()

    statuses = {(r["athlete"], r["source"]): r["status"] for r in results}
    assert statuses == {
        ("ana", "garmin"): "needs_reauth",
        ("ana", "strava"): "ok",
        ("ben", "garmin"): "ok",
        ("ben", "strava"): "ok",
    }
    with session_scope(engine) as session:
        recorded = {(s.athlete_id, s.source): s.status for s in session.scalars(select(SyncState))}
    assert recorded[(ids["ana"], "garmin")] == "needs_reauth"
    assert recorded[(ids["ben"], "garmin")] == "ok"
    # Then the follow-up: weekly load, next week's plan, and the events, published to Prefect.
    with session_scope(engine) as session:
        planned = {p.athlete_id for p in session.scalars(select(Plan))}
        assert planned == {ids["ana"], ids["ben"]}
        assert session.scalars(select(WeeklyLoad.athlete_id).distinct()).all()
        events = session.scalars(select(Event)).all()
        created = sorted(e.athlete_id for e in events if e.kind == "activity.created")
        # ben's run came from Garmin and Strava: one canonical activity, announced once.
        assert created == sorted([ids["ana"], ids["ben"]])
        assert all(e.published_at is not None for e in events)
    engine.dispose()


@pytest.mark.postgres
def test_dask_fans_athletes_out_over_two_workers_sharing_the_strava_budget(
    prefect_api: None,
    monkeypatch: pytest.MonkeyPatch,
    fake_garmin: FakeGarmin,
    fake_strava: FakeStrava,
    strava_templates: StravaTemplates,
    pg_warehouse: Engine,
) -> None:
    """On PostgreSQL (parallel writers; on SQLite the flow runs its units in sequence)."""
    from flows.nightly_flow import nightly_sync

    warehouse_url = pg_warehouse.url.render_as_string(hide_password=False)
    key = _environment(monkeypatch, fake_garmin, fake_strava, warehouse_url)
    monkeypatch.setenv("IRONMILES_TASK_RUNNER", "dask")
    monkeypatch.setenv("IRONMILES_DASK_WORKERS", "2")
    # The harness's API counts as a configured server; here the budget's rows are looked at.
    monkeypatch.setenv("IRONMILES_STRAVA_BUDGET", "warehouse")
    engine = make_engine(warehouse_url)
    start = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
    names = ("ana", "ben", "cy", "dee")
    with session_scope(engine) as session:
        ids = {n: add_athlete(session, AthleteProfile(name=n, timezone="UTC")).id for n in names}
    for name in names:
        CredentialStore(engine, Fernet(key), ids[name], "strava").save(
            fake_strava.issue_tokens(name)
        )
        fake_strava.add(name, [strava_item(strava_templates, 3000 + ids[name], start)])

    results = nightly_sync()

    assert {(r["athlete"], r["status"]) for r in results} == {(n, "ok") for n in names}
    with session_scope(engine) as session:
        # Every worker counted its requests in the one budget, in the warehouse.
        counted = session.scalars(
            select(RateBudgetWindow.used).where(RateBudgetWindow.app.like("strava:4242:read:15min"))
        ).all()
        assert sum(counted) == sum(r["calls"] for r in results) >= len(names)
        assert session.scalar(select(func.count()).select_from(Activity)) == len(names)
    engine.dispose()
    _empty_tables(pg_warehouse)
