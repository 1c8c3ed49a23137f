"""Strava push end to end: the webhook router (FastAPI's TestClient, the app holding the test
warehouse), events acted on from the outbox through the nightly composition with real stravalib
against the local Strava server, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select, update

from flows.nightly import run_nightly
from flows.settings import Settings
from flows.source_runs import SyncDeps
from flows.strava_push import handle_pending
from flows.web import strava_webhook
from tests.flows.sync_world import History, connect, count, state
from tests.servers import FakeGarmin, FakeStrava, strava_item
from tests.sync_fixtures import FakeClock
from warehouse.db import session_scope
from warehouse.models import Activity, Credential, Event, WeeklyLoad
from warehouse.strava_push import set_account_id

TOKEN = "verify-7c1e-a9"


def make_app(deps: SyncDeps, verify_token: str | None = TOKEN) -> FastAPI:
    """The router as flows/web/app.py includes it, the app holding the test's warehouse and
    the sync dependencies pointed at the local servers (with the test's clock)."""
    app = FastAPI()
    app.state.engine = deps.engine
    app.state.settings = Settings(
        strava_verify_token=SecretStr(verify_token) if verify_token else None
    )
    app.state.strava_push_deps = deps
    app.include_router(strava_webhook.router)
    return app


@pytest.fixture
def client(deps: SyncDeps) -> Iterator[TestClient]:
    with TestClient(make_app(deps)) as test_client:
        yield test_client


def connected(deps: SyncDeps, garmin: FakeGarmin, strava: FakeStrava, name: str) -> int:
    """An athlete connected to both servers; Strava's owner id known as `connect` learns it."""
    athlete_id = connect(deps, garmin, strava, name)
    with session_scope(deps.engine) as session:
        set_account_id(session, athlete_id, "strava", str(strava.athlete_ids[name]))
    return athlete_id


def push(strava: FakeStrava, name: str, **fields: Any) -> dict[str, Any]:
    return {
        "object_type": "activity",
        "aspect_type": "create",
        "owner_id": strava.athlete_ids[name],
        "subscription_id": 120_000,
        "event_time": 1_772_445_000,
        "updates": {},
        **fields,
    }


def events(deps: SyncDeps) -> list[Event]:
    with session_scope(deps.engine) as session:
        return list(session.scalars(select(Event).where(Event.kind == "strava.push")))


def week_km(deps: SyncDeps, athlete_id: int) -> float:
    with deps.engine.connect() as connection:
        total = connection.execute(
            select(func.sum(WeeklyLoad.distance_km)).where(WeeklyLoad.athlete_id == athlete_id)
        ).scalar_one()
    return float(total or 0.0)


def test_the_subscription_check_echoes_only_for_the_configured_token(deps: SyncDeps) -> None:
    with TestClient(make_app(deps)) as client:
        right = client.get(
            "/strava/webhook",
            params={
                "hub.mode": "subscribe",
                "hub.challenge": "15f7d1a9",
                "hub.verify_token": TOKEN,
            },
        )
        assert right.status_code == 200
        assert right.json() == {"hub.challenge": "15f7d1a9"}
        wrong = client.get(
            "/strava/webhook",
            params={"hub.mode": "subscribe", "hub.challenge": "15f7d1a9",
                    "hub.verify_token": TOKEN + "x"},
        )  # fmt: skip
        assert wrong.status_code == 403
        assert "15f7d1a9" not in wrong.text
    with TestClient(make_app(deps, verify_token=None)) as unconfigured:
        none = unconfigured.get(
            "/strava/webhook",
            params={"hub.mode": "subscribe", "hub.challenge": "15f7d1a9", "hub.verify_token": ""},
        )
        assert none.status_code == 403


def test_a_created_activity_is_fetched_at_once_and_its_redelivery_ignored(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, client: TestClient,
    clock: FakeClock,
) -> None:  # fmt: skip
    athlete_id = connected(deps, fake_garmin, strava, "ana")
    assert strava.templates is not None
    start = clock.now - timedelta(hours=3)
    strava.add("ana", [strava_item(strava.templates, 13_500_000_001, start, distance_m=9100.0)])
    strava.reset_counts()
    body = push(strava, "ana", object_id=13_500_000_001)
    answer = client.post("/strava/webhook", json=body)
    assert answer.status_code == 200
    assert answer.json()["status"] == "recorded"
    # One targeted call, no list: the activity is stored, weekly load and the plan follow.
    assert strava.calls["activity"] == 1
    assert strava.calls["list"] == 0
    assert count(deps.engine, Activity, source="strava", source_id="13500000001") == 1
    assert week_km(deps, athlete_id) == pytest.approx(9.1)
    [stored] = events(deps)
    assert stored.handled_at is not None
    assert stored.payload["athlete"] == "ana"
    assert stored.payload["outcome"].startswith("fetched: 1 new")
    again = client.post("/strava/webhook", json=body)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    assert len(events(deps)) == 1
    assert strava.calls["activity"] == 1
    # A title edit is another event (its updates differ): fetched again, stored once.
    edit = client.post(
        "/strava/webhook",
        json={**body, "aspect_type": "update", "updates": {"title": "Tempo"}},
    )
    assert edit.json()["status"] == "recorded"
    assert strava.calls["activity"] == 2
    assert count(deps.engine, Activity, source="strava") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json at all", None),
        ([1, 2], "body"),
        ({"object_type": "activity", "aspect_type": "create", "owner_id": 5}, "object_id"),
        ({"object_type": "route", "aspect_type": "create", "object_id": 1, "owner_id": 5,
          "event_time": 1}, "object_type"),
        ({"object_type": "activity", "aspect_type": "create", "object_id": "12", "owner_id": 5,
          "event_time": 1}, "object_id"),
        ({"object_type": "activity", "aspect_type": "create", "object_id": 12, "owner_id": 5,
          "event_time": 1, "updates": "title"}, "updates"),
    ],
)  # fmt: skip
def test_a_malformed_body_is_refused_and_writes_nothing(
    deps: SyncDeps, client: TestClient, body: Any, field: str | None
) -> None:
    if isinstance(body, str):
        answer = client.post(
            "/strava/webhook", content=body, headers={"content-type": "application/json"}
        )
    else:
        answer = client.post("/strava/webhook", json=body)
    assert 400 <= answer.status_code < 500
    if field is not None:
        assert field in answer.text
    assert count(deps.engine, Event) == 0


def test_an_unknown_owner_is_recorded_and_ignored(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, client: TestClient
) -> None:
    connected(deps, fake_garmin, strava, "ana")
    strava.reset_counts()
    body = push(strava, "ana", object_id=99, owner_id=31_337)
    answer = client.post("/strava/webhook", json=body)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"
    [stored] = events(deps)
    assert stored.athlete_id is None
    assert stored.handled_at is not None
    assert sum(strava.calls.values()) == 0
    assert handle_pending(deps) == []


def test_a_deleted_strava_copy_hands_the_totals_to_the_garmin_copy(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, client: TestClient,
    clock: FakeClock,
) -> None:  # fmt: skip
    athlete_id = connected(deps, fake_garmin, strava, "ana")
    history = History(fake_garmin, strava, "ana")
    history.add_days(15)
    assert strava.templates is not None
    only_strava = history.last_start + timedelta(days=1, hours=2)
    strava.add("ana", [strava_item(strava.templates, 13_600_000_001, only_strava,
                                   distance_m=5000.0)])  # fmt: skip
    run_nightly(deps)
    garmin_km = sum(history.garmin_run_m.values()) / 1000
    assert week_km(deps, athlete_id) == pytest.approx(garmin_km + 5.0)
    # A group whose counted copy is the Strava one (its distance is 35 m longer here).
    gid, sid = "21000000001", "13000000001"
    with session_scope(deps.engine) as session:
        strava_row = session.scalars(
            select(Activity).where(Activity.source == "strava", Activity.source_id == sid)
        ).one()
        session.execute(
            update(Activity)
            .where(Activity.source_id.in_([gid, sid]))
            .values(canonical_id=strava_row.id)
        )
    with session_scope(deps.engine) as session:
        from flows.weekly_load import rebuild_weekly_load

        rebuild_weekly_load(session, now=clock.now)
    assert week_km(deps, athlete_id) == pytest.approx(garmin_km + 5.0 + 0.035)

    strava.activities["ana"] = [a for a in strava.activities["ana"] if str(a["id"]) != sid]
    deleted = client.post(
        "/strava/webhook", json=push(strava, "ana", object_id=int(sid), aspect_type="delete")
    )
    assert deleted.json()["status"] == "recorded"
    assert count(deps.engine, Activity, source="strava", source_id=sid) == 0
    with session_scope(deps.engine) as session:
        garmin_row = session.scalars(
            select(Activity).where(Activity.source == "garmin", Activity.source_id == gid)
        ).one()
        assert garmin_row.canonical_id == garmin_row.id
    # The weekly load was recomputed: the Garmin copy counts, once.
    assert week_km(deps, athlete_id) == pytest.approx(garmin_km + 5.0)
    # A Strava-only run deleted: its kilometres leave the totals.
    client.post(
        "/strava/webhook",
        json=push(strava, "ana", object_id=13_600_000_001, aspect_type="delete",
                  event_time=1_772_445_100),
    )  # fmt: skip
    assert week_km(deps, athlete_id) == pytest.approx(garmin_km)
    assert all(e.handled_at is not None for e in events(deps))


def test_a_revocation_deletes_the_athletes_strava_data_and_tokens(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, client: TestClient
) -> None:
    ana = connected(deps, fake_garmin, strava, "ana")
    bo = connected(deps, fake_garmin, strava, "bo")
    History(fake_garmin, strava, "ana").add_days(12)
    History(fake_garmin, strava, "bo").add_days(12)
    run_nightly(deps)
    assert count(deps.engine, Activity, athlete_id=ana, source="strava") > 0
    garmin_before = count(deps.engine, Activity, athlete_id=ana, source="garmin")
    km_before = week_km(deps, ana)
    answer = client.post(
        "/strava/webhook",
        json=push(strava, "ana", object_type="athlete", object_id=strava.athlete_ids["ana"],
                  aspect_type="update", updates={"authorized": "false"}),
    )  # fmt: skip
    assert answer.json()["status"] == "recorded"
    assert count(deps.engine, Activity, athlete_id=ana, source="strava") == 0
    assert count(deps.engine, Credential, athlete_id=ana, source="strava") == 0
    assert count(deps.engine, Credential, athlete_id=ana, source="garmin") == 1
    assert count(deps.engine, Activity, athlete_id=ana, source="garmin") == garmin_before
    assert week_km(deps, ana) == pytest.approx(km_before)  # the Garmin copies count
    revoked = state(deps.engine, ana, "strava")
    assert revoked.status == "revoked"
    assert revoked.watermark is None
    assert "revoked" in (revoked.last_error or "")
    # The other athlete keeps everything.
    assert count(deps.engine, Activity, athlete_id=bo, source="strava") > 0
    assert count(deps.engine, Credential, athlete_id=bo, source="strava") == 1
    # The sync health says so, and a later event for the activity fetches nothing.
    night = run_nightly(deps, athlete="ana")
    health = {o.source: o for o in night.outcomes}
    assert health["strava"].status == "revoked"
    assert health["garmin"].status == "ok"
    strava.reset_counts()
    client.post("/strava/webhook", json=push(strava, "ana", object_id=13_000_000_002))
    assert strava.calls["activity"] == 0
    assert count(deps.engine, Activity, athlete_id=ana, source="strava") == 0


def test_events_left_pending_by_a_crash_are_acted_on_by_the_next_sync(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    connected(deps, fake_garmin, strava, "ana")
    assert strava.templates is not None
    strava.add(
        "ana", [strava_item(strava.templates, 13_700_000_001, clock.now - timedelta(hours=1))]
    )
    app = make_app(deps)
    # Recorded and answered, but the process died before acting on it (no background run).
    from connectors.strava.push import parse_push_event
    from warehouse.strava_push import record_push_event

    event = parse_push_event(push(strava, "ana", object_id=13_700_000_001))
    with session_scope(app.state.engine) as session:
        record_push_event(session, event.dedupe_key, event.as_payload(),
                          owner_id=event.owner_id, now=clock.now)  # fmt: skip
    assert count(deps.engine, Activity, source="strava") == 0
    [handled] = handle_pending(deps)
    assert handled.outcome.startswith("fetched: 1 new")
    assert count(deps.engine, Activity, source="strava") == 1
    assert handle_pending(deps) == []  # idempotent: nothing left


def test_the_served_app_answers_the_subscription_check(warehouse_url: str, tmp_path: Path) -> None:
    """`ironmiles serve`'s own app (create_app) carries the webhook: right token echoed, a
    wrong one refused."""
    from flows.web.app import create_app

    url = None if warehouse_url.startswith("sqlite") else warehouse_url
    settings = Settings(
        home=tmp_path / "home", database_url=url, strava_verify_token=SecretStr(TOKEN)
    )
    with TestClient(create_app(settings)) as served:
        query = {"hub.mode": "subscribe", "hub.challenge": "c-42", "hub.verify_token": TOKEN}
        answered = served.get("/strava/webhook", params=query)
        assert answered.status_code == 200
        assert answered.json() == {"hub.challenge": "c-42"}
        refused = served.get("/strava/webhook", params={**query, "hub.verify_token": "nope"})
        assert refused.status_code == 403


def test_a_push_that_meets_a_running_sync_stays_pending(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    """Another run holds the athlete's Strava lock (a nightly sync, maybe past the activity's
    page already): the push is not marked handled, and the next round fetches it."""
    from connectors.strava.push import parse_push_event
    from warehouse.strava_push import record_push_event
    from warehouse.sync_lock import sync_lock

    athlete_id = connected(deps, fake_garmin, strava, "ana")
    assert strava.templates is not None
    strava.add(
        "ana", [strava_item(strava.templates, 13_700_000_002, clock.now - timedelta(hours=1))]
    )
    event = parse_push_event(push(strava, "ana", object_id=13_700_000_002))
    with session_scope(deps.engine) as session:
        record_push_event(session, event.dedupe_key, event.as_payload(),
                          owner_id=event.owner_id, now=clock.now)  # fmt: skip
    with sync_lock(deps.engine, athlete_id, "strava"):
        assert handle_pending(deps) == []  # left pending, not handled as "not fetched"
    assert count(deps.engine, Activity, source="strava") == 0
    [handled] = handle_pending(deps)
    assert handled.outcome.startswith("fetched: 1 new")
    assert count(deps.engine, Activity, source="strava") == 1
