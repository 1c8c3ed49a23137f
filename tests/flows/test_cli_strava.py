"""`ironmiles strava subscribe|subscription|unsubscribe` through stravalib against the local
Strava server, which checks the callback as Strava does: a GET with the challenge to the
webhook, served here by uvicorn on a free port."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from flows.settings import Settings
from flows.web import strava_webhook
from tests.conftest import Cli
from tests.servers import FakeStrava

TOKEN = "verify-5d2b-e4"


@pytest.fixture
def webhook_url() -> Iterator[str]:
    """The webhook router on a real HTTP server (uvicorn in a thread), stopped afterwards."""
    app = FastAPI()
    app.state.settings = Settings(strava_verify_token=SecretStr(TOKEN))
    app.include_router(strava_webhook.router)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/strava/webhook"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def strava_cli(cli_env: Cli) -> Cli:
    cli_env.env["IRONMILES_STRAVA_VERIFY_TOKEN"] = TOKEN
    return cli_env


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_subscribe_view_and_unsubscribe(
    strava_cli: Cli, strava: FakeStrava, webhook_url: str
) -> None:
    made = strava_cli("strava", "subscribe", "--callback-url", webhook_url)
    assert made.exit_code == 0, made.stderr
    [sub_id] = strava.subscriptions
    assert f"subscription {sub_id} created" in made.stdout
    assert strava.subscriptions[sub_id]["callback_url"] == webhook_url

    shown = strava_cli("strava", "subscription", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    [listed] = json.loads(shown.stdout)
    assert listed["id"] == sub_id
    assert listed["callback_url"] == webhook_url

    twice = strava_cli("strava", "subscribe", "--callback-url", webhook_url)
    assert twice.exit_code == 1
    assert "one push subscription per application" in twice.stderr
    assert "ironmiles strava unsubscribe" in twice.stderr

    gone = strava_cli("strava", "unsubscribe")
    assert gone.exit_code == 0, gone.stderr
    assert f"subscription {sub_id} deleted" in gone.stdout
    assert strava.subscriptions == {}
    assert "no Strava push subscription" in strava_cli("strava", "subscription").stdout


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_subscribe_errors_are_clear(strava_cli: Cli, strava: FakeStrava, webhook_url: str) -> None:
    # The webhook answers the check only for its own token: Strava refuses the callback.
    strava_cli.env["IRONMILES_STRAVA_VERIFY_TOKEN"] = "another-token"
    refused = strava_cli("strava", "subscribe", "--callback-url", webhook_url)
    assert refused.exit_code == 1
    assert "could not verify the callback" in refused.stderr
    assert strava.subscriptions == {}

    strava_cli.env["IRONMILES_STRAVA_CLIENT_SECRET"] = "wrong-secret"
    bad_app = strava_cli("strava", "subscription")
    assert bad_app.exit_code == 1
    assert "IRONMILES_STRAVA_CLIENT_SECRET" in bad_app.stderr
    assert "wrong-secret" not in bad_app.stderr + bad_app.stdout

    del strava_cli.env["IRONMILES_STRAVA_CLIENT_ID"]
    no_app = strava_cli("strava", "subscribe", "--callback-url", webhook_url)
    assert no_app.exit_code == 2
    assert "IRONMILES_STRAVA_CLIENT_ID" in no_app.stderr

    strava_cli.env["IRONMILES_STRAVA_CLIENT_ID"] = str(strava.client_id)
    not_url = strava_cli("strava", "subscribe", "--callback-url", "webhook")
    assert not_url.exit_code == 2
    assert "callback-url='webhook'" in not_url.stderr
