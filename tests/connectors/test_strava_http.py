"""The real stravalib client against a local server speaking Strava's shapes and limits."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import AuthExpired, RateLimited, ServerBusy
from connectors.source import RetryPolicy, SyncPage
from connectors.strava.budget import StravaRateBudget
from connectors.strava.client import StravaApi, StravaApp, StravaEndpoints
from connectors.strava.oauth import authorization_url, exchange_code
from connectors.strava.pages import iter_activity_pages
from tests.servers import FakeStrava, StravaTemplates, strava_item
from tests.sync_fixtures import FakeClock, MemoryStore

T0 = datetime(2024, 1, 1, 13, 0, tzinfo=UTC)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def app(fake: FakeStrava) -> StravaApp:
    return StravaApp(fake.client_id, fake.client_secret)


def api_for(
    fake: FakeStrava, store: MemoryStore, clock: FakeClock, budget: StravaRateBudget | None = None
) -> StravaApi:
    return StravaApi(
        store,
        app(fake),
        endpoints=StravaEndpoints.from_base(fake.base_url),
        budget=budget or StravaRateBudget(),
        clock=clock,
        sleep=clock.sleep,
        retry=RetryPolicy(attempts=3, base_delay_s=1.0),
    )


def items(
    fake: FakeStrava, count: int, start: datetime = T0, first_id: int = 9_000_000_000
) -> list[dict[str, object]]:
    """Runs 20 h apart, varied from the real summary item; some old-schema, some treadmill."""
    return [
        strava_item(
            fake.templates,
            first_id + n,
            start + timedelta(hours=20 * n),
            old_schema=n % 7 == 0,
            trainer=n % 11 == 0,
            distance_m=6000.0 + n,
        )
        for n in range(count)
    ]


@pytest.fixture
def fake_strava(fake_strava: FakeStrava, strava_templates: StravaTemplates) -> FakeStrava:
    fake_strava.templates = strava_templates
    return fake_strava


def drain(pages: object) -> list[SyncPage]:
    return list(pages)  # type: ignore[call-overload]


def test_first_sync_200_per_page(fake_strava: FakeStrava, clock: FakeClock) -> None:
    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 450))
    pages = drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))
    assert [len(p.activities) for p in pages] == [200, 200, 50]
    assert fake_strava.calls["list"] == math.ceil(450 / 200)
    acts = [a for p in pages for a in p.activities]
    assert len({a.source_id for a in acts}) == 450
    assert sum(a.sub_sport == "treadmill" for a in acts) == len(range(0, 450, 11))
    assert pages[-1].watermark == max(a.start_utc for a in acts)


def test_nothing_new_is_one_call(fake_strava: FakeStrava, clock: FakeClock) -> None:
    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 10))
    after = T0 + timedelta(hours=20 * 9) - timedelta(days=3)
    (page,) = drain(iter_activity_pages(api_for(fake_strava, store, clock), after=after))
    assert fake_strava.calls["list"] == 1
    assert len(page.activities) == 4


def test_budget_spent_stops_before_sending_then_resumes(
    fake_strava: FakeStrava, clock: FakeClock
) -> None:
    fake_strava.read_limits = (2, 1000)
    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 650))
    budget = StravaRateBudget()
    got: list[SyncPage] = []
    pages = iter_activity_pages(api_for(fake_strava, store, clock, budget), after=EPOCH)
    got.extend([next(pages), next(pages)])
    with pytest.raises(RateLimited) as caught:
        next(pages)
    assert len(got) == 2
    assert fake_strava.calls["429"] == 0
    assert caught.value.retry_after == pytest.approx(450.0)  # next quarter hour
    clock.advance(seconds=caught.value.retry_after)
    watermark = got[-1].watermark
    assert watermark is not None
    resumed = drain(
        iter_activity_pages(api_for(fake_strava, store, clock, budget), after=watermark)
    )
    ids = [a.source_id for p in got + resumed for a in p.activities]
    assert len(ids) == len(set(ids)) == 650  # no loss, no duplicates


def test_429_in_the_middle_of_paging(fake_strava: FakeStrava, clock: FakeClock) -> None:
    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 500))
    budget = StravaRateBudget()
    got: list[SyncPage] = []
    pages = iter_activity_pages(api_for(fake_strava, store, clock, budget), after=EPOCH)
    got.append(next(pages))
    fake_strava.fail("/athlete/activities", 429)  # another app instance spent the window
    with pytest.raises(RateLimited):
        next(pages)
    assert clock.slept == []
    with pytest.raises(RateLimited):  # the shared budget remembers until the window turns
        budget.acquire(clock())
    clock.advance(minutes=15)
    resumed = drain(
        iter_activity_pages(
            api_for(fake_strava, store, clock, budget), after=got[-1].watermark or EPOCH
        )
    )
    ids = [a.source_id for p in got + resumed for a in p.activities]
    assert len(ids) == len(set(ids)) == 500


def test_5xx_retried(fake_strava: FakeStrava, clock: FakeClock) -> None:
    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 3))
    fake_strava.fail("/athlete/activities", 502, times=1, headers={"Retry-After": "4"})
    (page,) = drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))
    assert len(page.activities) == 3
    assert clock.slept == [4.0]
    fake_strava.fail("/athlete/activities", 500, times=3)
    with pytest.raises(ServerBusy):
        drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))


def test_expired_token_refreshed_and_saved_first(fake_strava: FakeStrava, clock: FakeClock) -> None:
    old = fake_strava.issue_tokens("ana", expires_in=60)
    store = MemoryStore(old)
    fake_strava.add("ana", items(fake_strava, 2))
    clock.advance(hours=1)
    (page,) = drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))
    assert len(page.activities) == 2
    assert len(store.saves) == 1
    new = store.saves[0]
    assert new["refresh_token"] != old["refresh_token"]
    assert new["expires_at"] > clock().timestamp()
    # The new access token was used, so only the saved refresh token works now.
    assert old["refresh_token"] not in fake_strava.refresh
    drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))
    assert fake_strava.calls["token"] == 1


def test_rejected_token_refreshed_once_then_auth_expired(
    fake_strava: FakeStrava, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for library in ("garminconnect", "stravalib", "urllib3", "requests"):  # whatever set before
        caplog.set_level(logging.DEBUG, logger=library)
    tokens = fake_strava.issue_tokens("ana")
    fake_strava.revoke("ana")
    with pytest.raises(AuthExpired) as caught:
        drain(iter_activity_pages(api_for(fake_strava, MemoryStore(tokens), clock), after=EPOCH))
    assert fake_strava.calls["token"] == 1
    for secret in (tokens["access_token"], tokens["refresh_token"], fake_strava.client_secret):
        assert secret not in str(caught.value)
        assert secret not in caplog.text
    assert fake_strava.client_secret not in repr(app(fake_strava))


def test_oauth_code_flow(fake_strava: FakeStrava, clock: FakeClock) -> None:
    endpoints = StravaEndpoints.from_base(fake_strava.base_url)
    url = authorization_url(app(fake_strava), endpoints)
    assert url.startswith(f"{fake_strava.base_url}/oauth/authorize?")
    assert "client_id=4242" in url
    assert "activity%3Aread_all" in url
    fake_strava.codes["code-123"] = "ana"
    fake_strava.add("ana", items(fake_strava, 1))
    store = MemoryStore()
    exchange_code(app(fake_strava), " code-123\n", store, endpoints=endpoints)
    assert store.tokens is not None
    assert set(store.tokens) == {
        "access_token",
        "refresh_token",
        "expires_at",
    }
    (page,) = drain(iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH))
    assert len(page.activities) == 1
    with pytest.raises(AuthExpired):
        exchange_code(app(fake_strava), "code-123", MemoryStore(), endpoints=endpoints)


def test_shared_budget_across_athletes(fake_strava: FakeStrava, clock: FakeClock) -> None:
    fake_strava.read_limits = (3, 1000)
    budget = StravaRateBudget()
    for name in ("ana", "ben"):
        fake_strava.add(name, items(fake_strava, 450, first_id=hash(name) % 10**9 * 10))
    ana = api_for(fake_strava, MemoryStore(fake_strava.issue_tokens("ana")), clock, budget)
    ben = api_for(fake_strava, MemoryStore(fake_strava.issue_tokens("ben")), clock, budget)
    assert len(drain(iter_activity_pages(ana, after=EPOCH))) == 3  # spends the 3 reads
    with pytest.raises(RateLimited):
        drain(iter_activity_pages(ben, after=EPOCH))
    assert fake_strava.calls["429"] == 0


def test_page_bound_fails_loudly(fake_strava: FakeStrava, clock: FakeClock) -> None:
    from connectors.errors import TooManyPages

    store = MemoryStore(fake_strava.issue_tokens("ana"))
    fake_strava.add("ana", items(fake_strava, 401))
    pages = iter_activity_pages(api_for(fake_strava, store, clock), after=EPOCH, max_pages=2)
    assert len(next(pages).activities) == len(next(pages).activities) == 200
    with pytest.raises(TooManyPages):
        next(pages)


def test_activity_detail_of_the_old_schema(
    fake_strava: FakeStrava, clock: FakeClock, strava_templates: StravaTemplates
) -> None:
    from connectors.strava.mapping import map_activity

    store = MemoryStore(fake_strava.issue_tokens("ana"))
    detail = dict(strava_templates.detail_old)
    fake_strava.add("ana", [detail])
    raw = api_for(fake_strava, store, clock).activity(str(detail["id"]))
    assert raw == detail
    run = map_activity(raw)
    assert (run.source_id, run.sport, run.elapsed_s) == ("99895560", "run", 3140.0)
