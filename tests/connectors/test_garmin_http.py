"""The real garminconnect client against a local server speaking Garmin's shapes."""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from connectors.errors import AuthExpired, RateLimited, ServerBusy
from connectors.garmin.client import GarminApi, GarminEndpoints
from connectors.garmin.login import import_token_file, login_with_password
from connectors.garmin.pages import fetch_weigh_ins, iter_activity_pages
from connectors.source import RetryPolicy
from tests.servers import FakeGarmin, exercise_sets_payload, garmin_item
from tests.sync_fixtures import FakeClock, MemoryStore

T0 = datetime(2024, 1, 1, 13, 0, tzinfo=UTC)


def api_for(fake: FakeGarmin, store: MemoryStore, clock: FakeClock) -> GarminApi:
    return GarminApi(
        store,
        endpoints=GarminEndpoints.from_base(fake.base_url),
        sleep=clock.sleep,
        retry=RetryPolicy(attempts=3, base_delay_s=1.0, jitter=0.0, max_rate_wait_s=60.0),
    )


def runs(
    fake: FakeGarmin,
    count: int,
    start: datetime = T0,
    first_id: int = 10_000_000_000,
    **kwargs: object,
) -> list[dict[str, object]]:
    items = [
        garmin_item(
            fake.templates,
            first_id + n,
            start + timedelta(days=n),
            old_era=n % 5 == 0,
            distance_m=5000.0 + 10 * n,
            **kwargs,
        )  # type: ignore[arg-type]
        for n in range(count)
    ]
    return items


def test_first_sync_pages_oldest_first(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 250))
    api = api_for(fake_garmin, store, clock)
    pages = list(iter_activity_pages(api, since=date(2023, 12, 1), page_size=100))
    assert [len(p.activities) for p in pages] == [100, 100, 50]
    assert fake_garmin.calls["list"] == math.ceil(250 / 100)
    assert sum(p.calls for p in pages) == 3 == api.calls
    acts = [a for p in pages for a in p.activities]
    assert len({a.source_id for a in acts}) == 250
    assert all(a.sport == "run" for a in acts)
    # Old-era items (every fifth) report elapsed in ms; mapped they match the new era's seconds.
    assert {round(a.elapsed_s or 0, 1) for a in acts} == {2712.5}
    watermarks = [p.watermark for p in pages]
    assert watermarks == sorted(watermarks)  # type: ignore[type-var]
    assert watermarks[-1] == T0 + timedelta(days=249)


def test_incremental_and_nothing_new_cost_one_call(
    fake_garmin: FakeGarmin, clock: FakeClock
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 30))
    api = api_for(fake_garmin, store, clock)
    last = T0 + timedelta(days=29)
    since = (last - timedelta(days=3)).date()
    pages = list(iter_activity_pages(api, since=since))
    assert fake_garmin.calls["list"] == 1
    assert len(pages[0].activities) == 4  # the overlap window re-reads the last days
    fake_garmin.add_runs(
        "ana", runs(fake_garmin, 3, start=last + timedelta(days=1), first_id=20_000_000_000)
    )
    pages = list(iter_activity_pages(api, since=since))
    assert fake_garmin.calls["list"] == 2
    assert {a.source_id for a in pages[0].activities} >= {
        "20000000000",
        "20000000001",
        "20000000002",
    }


def test_strength_sets_fetched_once_per_session(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    lift_start = T0 + timedelta(days=2, hours=5)
    lift = garmin_item(
        fake_garmin.templates,
        30_000_000_001,
        lift_start,
        type_key="strength_training",
        parent_type_id=29,
    )
    account = fake_garmin.account("ana")
    account.items.extend([*runs(fake_garmin, 3), lift])
    account.exercise_sets["30000000001"] = exercise_sets_payload(
        30_000_000_001,
        lift_start,
        [("barbell_back_squat", 8, 60.0), ("barbell_back_squat", 8, 62.5)],
    )
    api = api_for(fake_garmin, store, clock)
    (page,) = iter_activity_pages(api, since=T0.date())
    assert [(s.exercise, s.reps, s.weight_kg, s.set_index) for s in page.lift_sets] == [
        ("back_squat", 8, 60.0, 1),
        ("back_squat", 8, 62.5, 2),
    ]
    assert page.calls == 2
    assert fake_garmin.calls["exercise_sets"] == 1
    # Known sessions are not fetched again when the overlap window re-reads them.
    (page,) = iter_activity_pages(api, since=T0.date(), details_known={"30000000001"})
    assert page.lift_sets == ()
    assert page.calls == 1


def test_multisport_legs_replace_the_parent(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    t = fake_garmin.templates
    parent_item = garmin_item(
        t, 6588349056, T0, type_key="multi_sport", parent_type_id=17, old_era=True
    )
    parent_item["parent"] = True
    account = fake_garmin.account("ana")
    account.items.append(parent_item)
    account.details["6588349056"] = t.multisport_parent
    child_ids = t.multisport_parent["metadataDTO"]["childIds"]
    for n, child_id in enumerate(child_ids):
        leg = dict(t.multisport_child, activityId=child_id)
        leg["summaryDTO"] = dict(leg["summaryDTO"], startTimeGMT=f"2021-04-11T1{n}:00:00.0")
        account.details[str(child_id)] = leg
    api = api_for(fake_garmin, store, clock)
    (page,) = iter_activity_pages(api, since=date(2023, 1, 1))
    assert sorted(a.source_id for a in page.activities) == sorted(str(c) for c in child_ids)
    assert {a.parent_source_id for a in page.activities} == {"6588349056"}
    assert fake_garmin.calls["activity"] == 1 + len(child_ids)


def test_malformed_item_skipped_rest_kept(
    fake_garmin: FakeGarmin, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    items = runs(fake_garmin, 5)
    items[2]["distance"] = "a long way"
    fake_garmin.add_runs("ana", items)
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert len(page.activities) == 4
    assert [s.source_id for s in page.skipped] == [str(items[2]["activityId"])]
    assert str(items[2]["activityId"]) in caplog.text


def test_5xx_retried_with_backoff(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 3))
    fake_garmin.fail("/activitylist-service/", 503, times=2)
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert len(page.activities) == 3
    assert clock.slept == [1.0, 2.0]
    fake_garmin.fail("/activitylist-service/", 502, times=3)
    with pytest.raises(ServerBusy):
        list(iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date()))


def test_429_becomes_rate_limited_with_retry_after(
    fake_garmin: FakeGarmin, clock: FakeClock
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 3))
    fake_garmin.fail("/activitylist-service/", 429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        list(iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date()))
    assert caught.value.retry_after == 120.0
    assert clock.slept == []  # never sleeps past the configured bound (60 s)


def test_short_429_is_honoured_through_its_retry_after(
    fake_garmin: FakeGarmin, clock: FakeClock
) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 3))
    fake_garmin.fail("/activitylist-service/", 429, headers={"Retry-After": "30"})
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert len(page.activities) == 3
    assert clock.slept == [30.0]


def test_expired_token_refreshed_and_stored(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    old = fake_garmin.issue_tokens("ana", expired=True)
    store = MemoryStore(old)
    fake_garmin.add_runs("ana", runs(fake_garmin, 2))
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert len(page.activities) == 2
    assert fake_garmin.calls["token"] == 1
    assert len(store.saves) == 1
    assert store.saves[0]["di_token"] != old["di_token"]
    assert old["di_refresh_token"] not in fake_garmin.refresh  # the server consumed it
    # The stored pair is what the next night starts from.
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert fake_garmin.calls["token"] == 1


def test_revoked_token_is_auth_expired_without_leaking(
    fake_garmin: FakeGarmin, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for library in ("garminconnect", "stravalib", "urllib3", "requests"):  # whatever set before
        caplog.set_level(logging.DEBUG, logger=library)
    tokens = fake_garmin.issue_tokens("ana")
    fake_garmin.revoke("ana")
    with pytest.raises(AuthExpired) as caught:
        list(iter_activity_pages(api_for(fake_garmin, MemoryStore(tokens), clock), since=T0.date()))
    for secret in (tokens["di_token"], tokens["di_refresh_token"]):
        assert secret not in str(caught.value)
        assert secret not in caplog.text


def test_weigh_ins(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.account("ana").weigh_ins.extend(
        [
            {
                "samplePk": 1,
                "calendarDate": "2024-01-02",
                "weight": 70100.0,
                "sourceType": "INDEX_SCALE",
            },
            {
                "samplePk": 2,
                "calendarDate": "2024-01-09",
                "weight": 69800.0,
                "sourceType": "MANUAL",
            },
        ]
    )
    page = fetch_weigh_ins(
        api_for(fake_garmin, store, clock), since=date(2024, 1, 1), until=date(2024, 1, 5)
    )
    assert [(w.source_id, w.weight_kg) for w in page.body_weights] == [("1", 70.1)]
    assert page.calls == 1


def test_login_with_mfa_then_sync(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    fake_garmin.passwords["ana@example.org"] = ("correct horse", "246810")
    fake_garmin.add_runs("ana@example.org", runs(fake_garmin, 2))
    store = MemoryStore()
    prompts: list[str] = []

    def prompt() -> str:
        prompts.append("asked")
        return "246810"

    login_with_password(
        "ana@example.org",
        "correct horse",
        prompt,
        store,
        endpoints=GarminEndpoints.from_base(fake_garmin.base_url),
    )
    assert prompts == ["asked"]
    assert store.tokens is not None
    assert store.tokens["di_token"] in fake_garmin.access
    (page,) = iter_activity_pages(api_for(fake_garmin, store, clock), since=T0.date())
    assert len(page.activities) == 2


def test_wrong_password(fake_garmin: FakeGarmin) -> None:
    fake_garmin.passwords["ana@example.org"] = ("correct horse", None)
    store = MemoryStore()
    with pytest.raises(AuthExpired):
        login_with_password(
            "ana@example.org",
            "wrong",
            lambda: "0",
            store,
            endpoints=GarminEndpoints.from_base(fake_garmin.base_url),
        )
    assert store.saves == []


def test_token_file_import(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    import json

    tokens = fake_garmin.issue_tokens("ana")
    store = MemoryStore()
    import_token_file(json.dumps(tokens), store)
    assert store.tokens == tokens
    with pytest.raises(AuthExpired):
        import_token_file("{not json", MemoryStore())
    with pytest.raises(AuthExpired):
        import_token_file('{"di_refresh_token": "x"}', MemoryStore())


def test_page_bound_fails_loudly(fake_garmin: FakeGarmin, clock: FakeClock) -> None:
    from connectors.errors import TooManyPages

    store = MemoryStore(fake_garmin.issue_tokens("ana"))
    fake_garmin.add_runs("ana", runs(fake_garmin, 250))
    pages = iter_activity_pages(
        api_for(fake_garmin, store, clock), since=T0.date(), page_size=100, max_pages=2
    )
    assert [len(p.activities) for p in (next(pages), next(pages))] == [100, 100]
    with pytest.raises(TooManyPages, match="2 pages"):
        next(pages)
