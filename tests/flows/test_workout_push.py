"""Stored plans become Garmin strength workouts: the real garminconnect client against the local
Garmin server's workout service, the warehouse on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select

from connectors.garmin.client import GarminEndpoints
from engine.prescription.weeks import day_in_week, next_week
from flows.cli import common as cli_common
from flows.planning import plan_week
from flows.workout_push import ApiFor, PushOutcome, garmin_api_for, push_workouts
from tests.conftest import Cli
from tests.servers import FakeGarmin
from tests.sync_fixtures import FakeClock
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.credentials import CredentialStore
from warehouse.db import session_scope
from warehouse.deliveries import set_push_workouts
from warehouse.models import Athlete, Race, SyncState, WorkoutPush
from warehouse.plans import plan_history, set_rule_overrides

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WEEK = "2026-W49"  # Wednesday 2026-12-02 is the default gym day


@pytest.fixture
def cipher() -> Fernet:
    return Fernet(Fernet.generate_key())


@pytest.fixture
def api_for(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, clock: FakeClock
) -> ApiFor:
    endpoints = GarminEndpoints.from_base(fake_garmin.base_url)
    return garmin_api_for(warehouse_engine, cipher, endpoints, sleep=clock.sleep)


def athlete(engine: Engine, fake: FakeGarmin, cipher: Fernet, name: str, *, push: bool) -> int:
    with session_scope(engine) as session:
        athlete_id = add_athlete(
            session, AthleteProfile(name=name, timezone="Europe/Madrid", body_weight_kg=70)
        ).id
        set_push_workouts(session, athlete_id, push)
    CredentialStore(engine, cipher, athlete_id, "garmin").save(fake.issue_tokens(name))
    return athlete_id


def replan(engine: Engine, name: str, week: str = WEEK) -> int:
    with session_scope(engine) as session:
        return plan_week(session, name, week, now=NOW).stored.version


def push(engine: Engine, api_for: ApiFor) -> dict[str, PushOutcome]:
    return {o.athlete: o for o in push_workouts(engine, api_for, now=NOW)}


def health(engine: Engine, athlete_id: int) -> tuple[str, str | None]:
    with session_scope(engine) as session:
        state = session.get_one(SyncState, (athlete_id, "garmin_workouts"))
        return state.status, state.last_error


def state(engine: Engine, athlete_id: int, week: str = WEEK) -> WorkoutPush:
    with session_scope(engine) as session:
        row = session.get_one(WorkoutPush, (athlete_id, week))
        session.expunge(row)
        return row


def test_three_replans_leave_exactly_one_workout_on_the_planned_day(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, api_for: ApiFor
) -> None:
    ana = athlete(warehouse_engine, fake_garmin, cipher, "ana", push=True)
    athlete(warehouse_engine, fake_garmin, cipher, "bo", push=False)
    account = fake_garmin.account("ana")
    assert replan(warehouse_engine, "ana") == 1
    replan(warehouse_engine, "bo")
    assert push(warehouse_engine, api_for)["ana"].scheduled == 1
    (scheduled,) = account.scheduled_on("2026-12-02")
    workout = account.workouts[scheduled["workoutId"]]
    assert workout["sportType"]["sportTypeKey"] == "strength_training"
    assert fake_garmin.account("bo").workouts == {}  # not opted in: nothing pushed

    # An unchanged plan costs no call.
    calls = dict(fake_garmin.calls)
    assert push(warehouse_engine, api_for)["ana"].unchanged == 1
    assert dict(fake_garmin.calls) == calls

    # Re-plan 1: a changed warm-up. Re-plan 2: the gym day moves to Friday. Re-plan 3: the
    # warm-up changes again. Each replaces the workout; the library never holds two.
    with session_scope(warehouse_engine) as session:
        set_rule_overrides(session, session.get_one(Athlete, ana), {"warmup_reps": 10})
    assert replan(warehouse_engine, "ana") == 2
    push(warehouse_engine, api_for)
    with session_scope(warehouse_engine) as session:
        session.get_one(Athlete, ana).gym_weekday = 5
    assert replan(warehouse_engine, "ana") == 3
    push(warehouse_engine, api_for)
    with session_scope(warehouse_engine) as session:
        set_rule_overrides(session, session.get_one(Athlete, ana), {"warmup_reps": 6})
    assert replan(warehouse_engine, "ana") == 4
    assert push(warehouse_engine, api_for)["ana"].scheduled == 1

    assert account.scheduled_on("2026-12-02") == []
    (friday,) = account.scheduled_on("2026-12-04")
    assert list(account.workouts) == [friday["workoutId"]]
    assert len(account.schedules) == 1
    warmup = account.workouts[friday["workoutId"]]["workoutSegments"][0]["workoutSteps"][0]
    assert warmup["workoutSteps"][0]["endConditionValue"] == 6.0
    description = account.workouts[friday["workoutId"]]["description"]
    with session_scope(warehouse_engine) as session:
        latest = plan_history(session, ana, WEEK)[-1]
    assert latest.notice is not None and latest.notice.startswith("Re-planned: warm-up")
    assert description.splitlines()[0] == latest.notice
    assert state(warehouse_engine, ana).plan_version == 4
    assert health(warehouse_engine, ana) == ("ok", None)


def test_a_skipped_week_removes_the_workout(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, api_for: ApiFor
) -> None:
    ana = athlete(warehouse_engine, fake_garmin, cipher, "ana", push=True)
    replan(warehouse_engine, "ana")
    push(warehouse_engine, api_for)
    assert len(fake_garmin.account("ana").schedules) == 1
    with session_scope(warehouse_engine) as session:
        session.add(Race(athlete_id=ana, race_date=date(2026, 12, 6), name="Valencia",
                         distance_km=42.2, priority="A"))  # fmt: skip
    replan(warehouse_engine, "ana")
    assert push(warehouse_engine, api_for)["ana"].removed == 1
    assert fake_garmin.account("ana").schedules == {}
    assert fake_garmin.account("ana").workouts == {}
    assert state(warehouse_engine, ana).status == "removed"


def test_push_under_429_is_kept_and_retried_next_run(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, api_for: ApiFor
) -> None:
    ana = athlete(warehouse_engine, fake_garmin, cipher, "ana", push=True)
    replan(warehouse_engine, "ana")
    fake_garmin.fail("/workout-service/workout$", 429, headers={"Retry-After": "600"})
    outcome = push(warehouse_engine, api_for)["ana"]
    assert (outcome.status, outcome.scheduled) == ("rate_limited", 0)
    status, error = health(warehouse_engine, ana)
    assert status == "rate_limited" and error is not None and "600" in error
    assert state(warehouse_engine, ana).status == "failed"
    with session_scope(warehouse_engine) as session:
        assert len(plan_history(session, ana, WEEK)) == 1  # the plan is never lost
    assert fake_garmin.account("ana").workouts == {}

    assert push(warehouse_engine, api_for)["ana"].scheduled == 1
    assert len(fake_garmin.account("ana").schedules) == 1
    assert health(warehouse_engine, ana) == ("ok", None)


def test_cut_between_upload_and_schedule_leaves_no_second_copy(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, api_for: ApiFor
) -> None:
    ana = athlete(warehouse_engine, fake_garmin, cipher, "ana", push=True)
    replan(warehouse_engine, "ana")
    fake_garmin.fail("/workout-service/schedule/", 503)
    assert push(warehouse_engine, api_for)["ana"].status == "error"
    assert len(fake_garmin.account("ana").workouts) == 1  # uploaded, not scheduled
    assert state(warehouse_engine, ana).workout_id is not None
    assert push(warehouse_engine, api_for)["ana"].scheduled == 1
    account = fake_garmin.account("ana")
    assert len(account.workouts) == 1 and len(account.schedules) == 1


def test_rejected_token_needs_reauth_and_the_others_go_on(
    warehouse_engine: Engine, fake_garmin: FakeGarmin, cipher: Fernet, api_for: ApiFor
) -> None:
    ana = athlete(warehouse_engine, fake_garmin, cipher, "ana", push=True)
    athlete(warehouse_engine, fake_garmin, cipher, "bo", push=True)
    replan(warehouse_engine, "ana")
    replan(warehouse_engine, "bo")
    fake_garmin.revoke("ana")
    outcomes = push(warehouse_engine, api_for)
    assert outcomes["ana"].status == "needs_reauth"
    assert outcomes["bo"].scheduled == 1
    assert health(warehouse_engine, ana)[0] == "needs_reauth"
    with session_scope(warehouse_engine) as session:
        failed = session.scalars(select(WorkoutPush).where(WorkoutPush.status == "failed")).all()
        assert [row.athlete_id for row in failed] == [ana]
    CredentialStore(warehouse_engine, cipher, ana, "garmin").save(fake_garmin.issue_tokens("ana"))
    assert push(warehouse_engine, api_for)["ana"].scheduled == 1
    assert len(fake_garmin.account("ana").schedules) == 1


def test_cli_connect_push_workouts_then_plan_and_sync_push(
    run_cli: Cli, fake_garmin: FakeGarmin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_common, "utc_now", lambda: NOW)
    # `sync` reads the real clock: plan a week that is ahead of both clocks.
    week = next_week(datetime.now(UTC).date() + timedelta(days=7))
    wednesday = day_in_week(week, 2).isoformat()
    run_cli.env |= {
        "IRONMILES_SECRET_KEY": Fernet.generate_key().decode(),
        "IRONMILES_GARMIN_API_BASE": fake_garmin.base_url,
    }
    added = run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone", "Europe/Madrid")
    assert added.exit_code == 0, added.stderr
    tokens = tmp_path / "garmin_tokens.json"
    tokens.write_text(json.dumps(fake_garmin.issue_tokens("ana")), encoding="utf-8")
    connected = run_cli("connect", "garmin", "ana", "--tokens-file", str(tokens), "--push-workouts")
    assert connected.exit_code == 0, connected.stderr
    assert "Garmin workout push on" in connected.stdout
    planned = run_cli("plan", "ana", "--week", week)
    assert planned.exit_code == 0, planned.stderr
    account = fake_garmin.account("ana")
    assert len(account.scheduled_on(wednesday)) == 1
    # A failed push is said on stderr; the plan is still printed and stored (exit 0).
    fake_garmin.revoke("ana")
    run_cli("athlete", "set", "ana", "--param", "warmup_reps=10")
    replanned = run_cli("plan", "ana", "--week", week)
    assert replanned.exit_code == 0 and "needs_reauth" in replanned.stderr
    assert "Re-planned: warm-up" in replanned.stdout
    # Connected again, the next sync finishes the push: the re-planned workout replaces the old.
    tokens.write_text(json.dumps(fake_garmin.issue_tokens("ana")), encoding="utf-8")
    assert run_cli("connect", "garmin", "ana", "--tokens-file", str(tokens)).exit_code == 0
    synced = run_cli("sync", "--athlete", "ana", "--source", "garmin")
    assert synced.exit_code == 0, synced.stderr
    # ok, and the re-planned week's workout replaces the old one (the sync may also push the
    # current week's plan, re-made once the week before it ended).
    assert "Garmin workouts of ana: ok;" in synced.stderr
    (scheduled,) = account.scheduled_on(wednesday)
    # The replaced workout is gone: every workout in the library is scheduled once, no orphans.
    scheduled_ids = [s["workoutId"] for s in account.schedules.values()]
    assert sorted(account.workouts) == sorted(scheduled_ids) == sorted(set(scheduled_ids))
    steps = account.workouts[scheduled["workoutId"]]["workoutSegments"][0]["workoutSteps"]
    assert steps[0]["workoutSteps"][0]["endConditionValue"] == 10.0
    off = run_cli("connect", "garmin", "ana", "--tokens-file", str(tokens), "--no-push-workouts")
    assert off.exit_code == 0 and "push off" in off.stdout
