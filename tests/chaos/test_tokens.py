"""Token campaign: a token revoked part-way through a multi-page backfill marks that athlete's
source `needs_reauth` while the others complete, and resumes without duplicates once connected
again; a Strava refresh whose new pair never reaches the store (the process dies right after
Strava issued it, or the answer is lost) does not lock the athlete out, because Strava keeps
the old refresh token valid until the new access token is used (the replay does the same).

Rerun: `.venv/bin/pytest -q tests/chaos/test_tokens.py -s` (figures in test-artifacts/).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from werkzeug import Request, Response

from connectors.replay.http import ReplayService
from flows.nightly import run_nightly
from flows.source_runs import SyncDeps
from tests.chaos.faults import SleepRecorder, drop_connection, record_figures
from tests.chaos.world import World, build_world, connect_all, make_deps
from tests.servers import FakeGarmin, FakeStrava, StravaTemplates
from tests.sync_fixtures import FakeClock
from warehouse.credentials import CredentialStore
from warehouse.db import make_engine
from warehouse.migrate import upgrade
from warehouse.models import Activity, SyncState

ATHLETES = ("ana", "ben", "cleo")
DAYS = 40
FIGURES: dict[str, Any] = {}


@pytest.fixture
def strava(fake_strava: FakeStrava, strava_templates: StravaTemplates) -> FakeStrava:
    fake_strava.templates = strava_templates
    return fake_strava


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tokens.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _world_deps(
    engine: Engine, garmin: FakeGarmin, strava: FakeStrava, clock: FakeClock
) -> tuple[World, SyncDeps, dict[str, int]]:
    world = build_world(garmin, strava, clock, ATHLETES, DAYS)
    deps = make_deps(engine, world, SleepRecorder(lambda s: clock.advance(seconds=s)), 14)
    return world, deps, connect_all(deps, world)


def _revoke_after(
    service: ReplayService,
    list_path: str,
    who: Callable[[Request], str | None],
    athlete: str,
    pages: int,
    revoke: Callable[[str], None],
) -> Counter[str]:
    """Let `pages` list calls of `athlete` through, then revoke the athlete's tokens."""
    inner = service._handle
    seen: Counter[str] = Counter()

    def handle(request: Request) -> Response:
        if request.path == list_path and who(request) == athlete:
            seen[athlete] += 1
            if seen[athlete] == pages + 1:
                revoke(athlete)
        return inner(request)

    service.server.handler = handle
    return seen


def _bearer(request: Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ")


def _counts(engine: Engine) -> dict[tuple[int, str], int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(Activity.athlete_id, Activity.source, func.count(), func.count(func.distinct(
                Activity.source_id))).group_by(Activity.athlete_id, Activity.source)
        ).all()  # fmt: skip
    for _, _, n, distinct in rows:
        assert n == distinct  # no duplicates, ever
    return {(athlete_id, source): n for athlete_id, source, n, _ in rows}


def _watermark_is_last_stored(engine: Engine, athlete_id: int, source: str) -> bool:
    with engine.connect() as connection:
        watermark = connection.execute(
            select(SyncState.watermark).where(SyncState.athlete_id == athlete_id,
                                              SyncState.source == source)
        ).scalar_one()  # fmt: skip
        last = connection.execute(
            select(func.max(Activity.start_utc)).where(Activity.athlete_id == athlete_id,
                                                        Activity.source == source)
        ).scalar_one()  # fmt: skip
    return bool(watermark is not None and last is not None and watermark <= last)


def test_token_revoked_mid_backfill(
    engine: Engine,
    fake_garmin: FakeGarmin,
    strava: FakeStrava,
    clock: FakeClock,
) -> None:
    _, deps, ids = _world_deps(engine, fake_garmin, strava, clock)
    full = {
        "garmin": sum(1 for i in fake_garmin.account("ana").items),
        "strava": len(strava.activities["ana"]),
    }
    garmin_seen = _revoke_after(
        fake_garmin, "/activitylist-service/activities/search/activities",
        lambda r: fake_garmin.access.get(_bearer(r)), "ana", 3, fake_garmin.revoke)  # fmt: skip
    strava_seen = _revoke_after(
        strava, "/api/v3/athlete/activities",
        lambda r: (strava.access.get(_bearer(r)) or ("",))[0], "ana", 2, strava.revoke)  # fmt: skip
    night = run_nightly(deps)
    status = {(o.athlete, o.source): o.status for o in night.outcomes}
    assert status.pop(("ana", "garmin")) == status.pop(("ana", "strava")) == "needs_reauth"
    assert set(status.values()) == {"ok"}  # everyone else completed
    counts = _counts(engine)
    for name in ATHLETES[1:]:
        assert counts[(ids[name], "garmin")] == len(fake_garmin.account(name).items)
        assert counts[(ids[name], "strava")] == len(strava.activities[name])
    partial = {source: counts[(ids["ana"], source)] for source in ("garmin", "strava")}
    # The pages before the revocation are kept with their watermark; the rest is not there.
    assert 0 < partial["garmin"] < full["garmin"] and 0 < partial["strava"] < full["strava"]
    assert _watermark_is_last_stored(engine, ids["ana"], "garmin")
    assert _watermark_is_last_stored(engine, ids["ana"], "strava")
    # Connected again: the next run resumes from the watermark, nothing doubled.
    deps.store(ids["ana"], "garmin").save(fake_garmin.issue_tokens("ana"))
    deps.store(ids["ana"], "strava").save(strava.issue_tokens("ana"))
    again = run_nightly(deps)
    assert {o.status for o in again.outcomes} == {"ok"}
    counts = _counts(engine)
    assert counts[(ids["ana"], "garmin")] == full["garmin"]
    assert counts[(ids["ana"], "strava")] == full["strava"]
    FIGURES["revoked_mid_backfill"] = {
        "athletes": len(ATHLETES),
        "revoked_after_list_pages": {"garmin": 3, "strava": 2},
        "list_calls_of_revoked_athlete": {"garmin": garmin_seen["ana"],
                                          "strava": strava_seen["ana"]},
        "stored_before_revocation": partial,
        "full_history": full,
        "others_status": "ok",
        "rows_lost_after_reconnect": 0,
        "duplicates": 0,
    }  # fmt: skip
    record_figures("tokens", FIGURES)


class ProcessDied(BaseException):
    """The process dies here (not an Exception: nothing in the product may catch it)."""


def test_strava_refresh_that_dies_before_storing_does_not_lock_out(
    engine: Engine,
    fake_garmin: FakeGarmin,
    strava: FakeStrava,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, deps, ids = _world_deps(engine, fake_garmin, strava, clock)
    stored_before = deps.store(ids["ana"], "strava").load()
    assert stored_before is not None
    clock.advance(hours=7)  # every Strava access token (6 h) has expired: the run refreshes
    real_save = CredentialStore.save
    deaths: list[str] = []

    def die_before_storing(store: CredentialStore, tokens: Any) -> None:
        if store.source == "strava" and not deaths:
            deaths.append(store.source)
            raise ProcessDied()
        real_save(store, tokens)

    monkeypatch.setattr(CredentialStore, "save", die_before_storing)
    with pytest.raises(ProcessDied):
        run_nightly(deps, sources=("strava",))
    issued_not_stored = strava.calls["token"]
    assert issued_not_stored == 1  # Strava issued a new pair that the warehouse never saw
    assert deps.store(ids["ana"], "strava").load() == stored_before
    monkeypatch.setattr(CredentialStore, "save", real_save)
    night = run_nightly(deps, sources=("strava",))
    assert {o.status for o in night.outcomes} == {"ok"}  # ana authenticated, nobody locked out
    counts = _counts(engine)
    assert counts[(ids["ana"], "strava")] == len(strava.activities["ana"])
    stored_after = deps.store(ids["ana"], "strava").load()
    assert stored_after is not None and stored_after != stored_before
    # The stored refresh token is the one that now works; the old one is spent.
    assert stored_after["refresh_token"] in strava.refresh
    assert stored_before["refresh_token"] not in strava.refresh

    # The answer lost on the way (the token endpoint drops the connection after issuing): the
    # retry sends the refresh token the client has, which still works.
    clock.advance(hours=7)
    lost_once = _lose_first_answer(strava)
    night = run_nightly(deps, sources=("strava",))
    assert {o.status for o in night.outcomes} == {"ok"}
    assert lost_once["lost"] == 1
    FIGURES["refresh_crash"] = {
        "process_deaths_after_issue": 1,
        "tokens_issued_not_stored": issued_not_stored,
        "next_run_status": "ok",
        "answers_lost_after_issue": lost_once["lost"],
        "locked_out_athletes": 0,
    }
    record_figures("tokens", FIGURES)


def _lose_first_answer(service: FakeStrava) -> Counter[str]:
    """Drop the connection after the token endpoint's first refresh has issued a new pair."""
    inner = service._handle
    done: Counter[str] = Counter()

    def handle(request: Request) -> Response:
        if request.path == "/oauth/token" and not done["lost"]:
            done["lost"] += 1
            inner(request)
            return drop_connection(request)
        return inner(request)

    service.server.handler = handle
    return done


def test_the_replay_keeps_an_old_refresh_token_until_the_new_access_is_used(
    strava: FakeStrava, clock: FakeClock
) -> None:
    """The behaviour the refresh campaign leans on, stated on its own."""
    import requests

    first = strava.issue_tokens("ana")
    form = {"client_id": strava.client_id, "client_secret": strava.client_secret,
            "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}  # fmt: skip
    url = f"{strava.base_url}/oauth/token"
    lost = requests.post(url, data=form, timeout=5).json()  # issued, then never stored
    again = requests.post(url, data=form, timeout=5).json()  # the old one still works
    assert again["access_token"] != lost["access_token"]
    listed = requests.get(f"{strava.base_url}/api/v3/athlete/activities", timeout=5,
                          headers={"Authorization": f"Bearer {again['access_token']}"})  # fmt: skip
    assert listed.status_code == 200
    spent = requests.post(url, data=form, timeout=5)
    assert spent.status_code == 400  # once the new access token was used, the old one is gone
