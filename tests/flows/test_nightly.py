"""The nightly sync end to end: real garminconnect and stravalib against the local servers, the
warehouse on SQLite and PostgreSQL, through `run_sync` (the CLI's path) and the CLI itself."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flows.source_runs import SyncDeps, run_sync
from tests.conftest import Cli
from tests.flows.sync_world import T0, History, by_source, connect, count, rows, state
from tests.servers import (
    FakeGarmin,
    FakeStrava,
    strava_item,
)
from tests.sync_fixtures import FakeClock
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.linking import counted_distance_m
from warehouse.models import Activity, BodyWeight, LiftSet, SyncState


def test_first_incremental_and_empty_syncs(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    athlete_id = connect(deps, fake_garmin, strava, "ana")
    history = History(fake_garmin, strava, "ana")
    history.add_days(120)
    first = by_source(run_sync(deps))
    assert {o.status for o in first.values()} == {"ok"}
    garmin_items = len(fake_garmin.account("ana").items)
    strength = sum(
        1
        for i in fake_garmin.account("ana").items
        if i["activityType"]["typeKey"] == "strength_training"
    )
    assert first["garmin"].activities_added == garmin_items == 120
    assert first["strava"].activities_added == len(strava.activities["ana"])
    # Garmin: ceil(120/50) list pages + one call per strength session (+ weigh-ins).
    assert fake_garmin.calls["list"] == 3
    assert fake_garmin.calls["exercise_sets"] == strength
    assert strava.calls["list"] == 1  # fewer than 200 items: one page
    assert count(deps.engine, LiftSet) == 2 * strength
    assert state(deps.engine, athlete_id, "garmin").watermark == history.last_start
    # Every run counted once: the Strava copies are linked to their Garmin originals.
    with session_scope(deps.engine) as session:
        assert counted_distance_m(session, athlete_id) == pytest.approx(
            sum(history.garmin_run_m.values())
        )
    canonical_strava_runs = count(
        deps.engine, Activity, source="strava", sport="run", canonical_id=None
    )
    assert canonical_strava_runs == 0
    with deps.engine.connect() as connection:
        linked = connection.execute(
            select(func.count())
            .select_from(Activity)
            .where(Activity.source == "strava")
            .where(Activity.canonical_id != Activity.id)
        ).scalar_one()
    assert linked == len(history.garmin_run_m)

    # Incremental: three new days (two runs and whatever else falls on them).
    fake_garmin.reset_counts()
    strava.reset_counts()
    history.add_days(3)
    second = by_source(run_sync(deps))
    assert second["garmin"].activities_added == 3
    assert fake_garmin.calls["list"] == 1 and strava.calls["list"] == 1

    # Nothing new: one list call per source (Garmin's weigh-in check is one more).
    fake_garmin.reset_counts()
    strava.reset_counts()
    third = by_source(run_sync(deps))
    assert (third["garmin"].activities_added, third["strava"].activities_added) == (0, 0)
    assert fake_garmin.calls["list"] == 1 and strava.calls["list"] == 1
    assert fake_garmin.calls["exercise_sets"] == 0  # known sessions are not fetched again
    assert third["garmin"].calls == 2 and third["strava"].calls == 1


def test_resync_converges_to_identical_rows(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava
) -> None:
    athlete_id = connect(deps, fake_garmin, strava, "ana")
    History(fake_garmin, strava, "ana").add_days(40)
    run_sync(deps)
    before = rows(deps.engine)
    with session_scope(deps.engine) as session:  # forget the watermarks: re-read everything
        for source in ("garmin", "strava"):
            found = session.get(SyncState, (athlete_id, source))
            assert found is not None
            found.watermark = None
    again = by_source(run_sync(deps))
    assert again["garmin"].activities_seen == 40 and again["garmin"].activities_added == 0
    assert again["garmin"].links_changed == again["strava"].links_changed == 0
    assert rows(deps.engine) == before


def test_429_mid_paging_then_resume_without_loss_or_duplicates(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    athlete_id = connect(deps, fake_garmin, strava, "ana")
    strava.add(
        "ana",
        [
            strava_item(strava.templates, 15_000_000_000 + n, T0 + timedelta(hours=9 * n))  # type: ignore[arg-type]
            for n in range(700)
        ],
    )
    # Another instance of the app spends the window while this sync is on its third page.
    strava.fail("/athlete/activities", 429, after=2)
    first = by_source(run_sync(deps, sources=("strava",)))
    assert first["strava"].status == "rate_limited"
    assert first["strava"].retry_after_s is not None and first["strava"].retry_after_s > 0
    assert clock.slept == []
    stored = count(deps.engine, Activity, source="strava")
    assert stored == 400  # the two pages before the 429, each committed with its watermark
    assert state(deps.engine, athlete_id, "strava").status == "rate_limited"
    # The budget remembers the spent window: an immediate re-run spends no call.
    calls_before = strava.calls["list"]
    assert by_source(run_sync(deps, sources=("strava",)))["strava"].status == "rate_limited"
    assert strava.calls["list"] == calls_before
    clock.advance(minutes=15)
    resumed = by_source(run_sync(deps, sources=("strava",)))
    assert resumed["strava"].status == "ok"
    assert count(deps.engine, Activity, source="strava") == 700
    with deps.engine.connect() as connection:
        distinct = connection.execute(
            select(func.count(func.distinct(Activity.source_id)))
        ).scalar_one()
    assert distinct == 700


def test_5xx_is_retried(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    connect(deps, fake_garmin, strava, "ana")
    History(fake_garmin, strava, "ana").add_days(5)
    fake_garmin.fail("/activitylist-service/", 503, times=2)
    strava.fail("/athlete/activities", 502, times=1)
    outcomes = by_source(run_sync(deps))
    assert {o.status for o in outcomes.values()} == {"ok"}
    assert clock.slept == [1.0, 2.0, 1.0]
    assert count(deps.engine, Activity) == 5 + 4


def test_expired_strava_token_refreshed_and_persisted(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    with session_scope(deps.engine) as session:
        athlete_id = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
    old = strava.issue_tokens("ana", expires_in=600)
    deps.store(athlete_id, "strava").save(old)
    strava.add("ana", [strava_item(strava.templates, 16_000_000_001, T0)])  # type: ignore[arg-type]
    clock.advance(hours=2)
    assert by_source(run_sync(deps))["strava"].status == "ok"
    stored = deps.store(athlete_id, "strava").load()
    assert stored is not None
    assert stored["refresh_token"] != old["refresh_token"]
    assert stored["refresh_token"] in strava.refresh and old["refresh_token"] not in strava.refresh
    assert strava.calls["token"] == 1
    clock.advance(minutes=30)
    assert by_source(run_sync(deps))["strava"].status == "ok"
    assert strava.calls["token"] == 1  # the stored pair was used, not refreshed again


def test_revoked_token_needs_reauth_while_another_athlete_completes(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for library in ("garminconnect", "stravalib", "urllib3", "requests"):  # whatever set before
        caplog.set_level(logging.DEBUG, logger=library)
    ana_id = connect(deps, fake_garmin, strava, "ana")
    connect(deps, fake_garmin, strava, "ben")
    History(fake_garmin, strava, "ana").add_days(10)
    History(fake_garmin, strava, "ben").add_days(10)
    secrets = [str(v) for v in (deps.store(ana_id, "garmin").load() or {}).values()]
    secrets += [str(v) for v in (deps.store(ana_id, "strava").load() or {}).values()]
    fake_garmin.revoke("ana")
    strava.revoke("ana")
    outcomes = {(o.athlete, o.source): o for o in run_sync(deps)}
    assert outcomes[("ana", "garmin")].status == "needs_reauth"
    assert outcomes[("ana", "strava")].status == "needs_reauth"
    assert outcomes[("ben", "garmin")].status == outcomes[("ben", "strava")].status == "ok"
    assert outcomes[("ben", "garmin")].activities_added == 10
    assert state(deps.engine, ana_id, "garmin").status == "needs_reauth"
    # The log scan: no token, refresh token or app secret anywhere in the logs or the state.
    recorded = " ".join(str(state(deps.engine, ana_id, s).last_error) for s in ("garmin", "strava"))
    assert deps.config.strava_app is not None
    for secret in [*(s for s in secrets if len(s) > 12), deps.config.strava_app.client_secret]:
        assert secret not in caplog.text
        assert secret not in recorded
    assert "Garmin rejected the stored token" in recorded


def test_unexpected_failure_recorded_and_others_go_on(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava
) -> None:
    ana_id = connect(deps, fake_garmin, strava, "ana")
    connect(deps, fake_garmin, strava, "ben")
    History(fake_garmin, strava, "ben").add_days(3)
    fake_garmin.fail("/activitylist-service/", 418, times=1)  # a shape we do not know
    outcomes = {(o.athlete, o.source): o for o in run_sync(deps)}
    assert outcomes[("ana", "garmin")].status == "error"
    assert (
        state(deps.engine, ana_id, "garmin").last_error == "Garmin activity list answered HTTP 418"
    )
    assert outcomes[("ben", "garmin")].status == "ok"


def test_unlink_and_correct_survive_resync(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, run_cli: Cli
) -> None:
    athlete_id = connect(deps, fake_garmin, strava, "ana")
    history = History(fake_garmin, strava, "ana")
    history.add_days(3)
    run_sync(deps)
    with session_scope(deps.engine) as session:
        garmin_run = session.scalars(
            select(Activity)
            .where(Activity.source == "garmin")
            .where(Activity.sport == "run")
            .order_by(Activity.id)
        ).first()
        assert garmin_run is not None
        copy = session.scalars(
            select(Activity)
            .where(Activity.canonical_id == garmin_run.id)
            .where(Activity.id != garmin_run.id)
        ).one()
        total = counted_distance_m(session, athlete_id)
    # A linked copy cannot be corrected (totals count the canonical one): exit 2, nothing written.
    refused = run_cli("activity", "correct", str(copy.id), "--distance-km", "5")
    assert refused.exit_code == 2 and f"correct {garmin_run.id} instead" in refused.stderr
    corrected = run_cli("activity", "correct", str(garmin_run.id), "--distance-km", "4.2")
    assert corrected.exit_code == 0, corrected.stderr
    unlinked = run_cli("activity", "unlink", str(copy.id))
    assert unlinked.exit_code == 0, unlinked.stderr
    for _ in range(2):  # later syncs, one of them re-reading everything
        with session_scope(deps.engine) as session:
            found = session.get(SyncState, (athlete_id, "strava"))
            assert found is not None
            found.watermark = None
        run_sync(deps)
    with session_scope(deps.engine) as session:
        again_run = session.get(Activity, garmin_run.id)
        again_copy = session.get(Activity, copy.id)
        assert again_run is not None and again_copy is not None
        assert again_run.corrected_distance_m == 4200.0
        assert (again_copy.canonical_id, again_copy.link_locked) == (copy.id, True)
        assert counted_distance_m(session, athlete_id) == pytest.approx(
            total - (garmin_run.distance_m or 0) + 4200.0 + (copy.distance_m or 0)
        )
    assert run_cli("activity", "unlink", "999999").exit_code == 2


def test_weigh_ins_stored_once(
    deps: SyncDeps, fake_garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> None:
    connect(deps, fake_garmin, strava, "ana")
    fake_garmin.account("ana").weigh_ins.append(
        {"samplePk": 1772400000000, "calendarDate": "2026-03-01", "weight": 70250.0}
    )
    run_sync(deps, sources=("garmin",))
    run_sync(deps, sources=("garmin",))
    with session_scope(deps.engine) as session:
        weights = session.scalars(select(BodyWeight)).all()
        assert [(w.source_id, w.weight_kg) for w in weights] == [("1772400000000", 70.25)]
