"""`ironmiles connect` and `ironmiles sync` end to end: the real CLI against the local Garmin and
Strava servers, the warehouse on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from tests.conftest import Cli
from tests.flows.sync_world import History, count
from tests.servers import (
    FakeGarmin,
    FakeStrava,
)
from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.models import Activity

# -- the CLI ------------------------------------------------------------------------------------


def test_cli_connect_and_sync(
    cli_env: Cli,
    fake_garmin: FakeGarmin,
    strava: FakeStrava,
    warehouse_engine: Engine,
    tmp_path: Any,
) -> None:
    assert cli_env("athlete", "add", "ana", "--body-weight", "61", "--timezone",
                   "America/Costa_Rica").exit_code == 0  # fmt: skip
    History(fake_garmin, strava, "ana").add_days(8)
    token_file = tmp_path / "garmin_tokens.json"
    token_file.write_text(json.dumps(fake_garmin.issue_tokens("ana")))
    connected = cli_env("connect", "garmin", "ana", "--tokens-file", str(token_file))
    assert connected.exit_code == 0, connected.stderr
    strava.codes["the-code"] = "ana"
    oauth = cli_env(
        "connect",
        "strava",
        "ana",
        input="http://localhost/exchange_token?state=&code=the-code&scope=read\n",
    )
    assert oauth.exit_code == 0, oauth.stderr
    assert f"{strava.base_url}/oauth/authorize?" in oauth.stdout
    summary = cli_env("sync")
    assert summary.exit_code == 0, summary.stderr
    assert "garmin" in summary.stdout and "strava" in summary.stdout and "ok" in summary.stdout
    # After storing: weekly load and next week's plan for the athlete whose data changed.
    assert "recomputed for 1 athlete(s); 1 squat plan(s) made" in summary.stderr
    weeks = json.loads(cli_env("weekly", "ana", "--weeks", "200", "--format", "json").stdout)
    assert sum(w["runs"] for w in weeks) >= 1
    as_json = json.loads(
        cli_env("sync", "--athlete", "ana", "--source", "garmin", "--format", "json").stdout
    )
    assert [(o["source"], o["status"], o["activities_added"]) for o in as_json] == [
        ("garmin", "ok", 0)
    ]
    with session_scope(warehouse_engine) as session:
        assert get_athlete(session, "ana").id
    assert count(warehouse_engine, Activity, source="garmin") == 8
    fake_garmin.revoke("ana")
    flagged = cli_env("sync", "--source", "garmin")
    assert flagged.exit_code == 0
    assert "needs_reauth" in flagged.stdout and "ironmiles connect garmin ana" in flagged.stdout


def test_cli_strava_given_tokens_and_bad_input(cli_env: Cli, strava: FakeStrava) -> None:
    assert (
        cli_env("athlete", "add", "ana", "--body-weight", "61", "--timezone", "UTC").exit_code == 0
    )
    partial = cli_env("connect", "strava", "ana", "--access-token", "abc")
    assert partial.exit_code == 2 and "--refresh-token" in partial.stderr
    tokens = strava.issue_tokens("ana")
    given = cli_env(
        "connect",
        "strava",
        "ana",
        "--access-token",
        tokens["access_token"],
        "--refresh-token",
        tokens["refresh_token"],
        "--expires-at",
        str(tokens["expires_at"]),
    )
    assert given.exit_code == 0, given.stderr
    assert cli_env("connect", "strava", "nobody", "--code", "x").exit_code == 2
    del cli_env.env["IRONMILES_SECRET_KEY"]
    no_key = cli_env("connect", "strava", "ana", "--code", "x")
    assert no_key.exit_code == 2 and "IRONMILES_SECRET_KEY" in no_key.stderr


def test_cli_garmin_interactive_login_with_mfa(cli_env: Cli, fake_garmin: FakeGarmin) -> None:
    assert (
        cli_env("athlete", "add", "ana", "--body-weight", "61", "--timezone", "UTC").exit_code == 0
    )
    fake_garmin.passwords["ana@example.org"] = ("correct horse", "135790")
    answers = "ana@example.org\ncorrect horse\n135790\n"
    connected = cli_env("connect", "garmin", "ana", input=answers)
    assert connected.exit_code == 0, connected.stderr
    assert "correct horse" not in connected.stdout + connected.stderr  # the password is hidden
    wrong = cli_env("connect", "garmin", "ana", "--email", "ana@example.org", input="nope\n")
    assert wrong.exit_code == 1 and "Garmin refused the login" in wrong.stderr


def test_cli_sync_without_secret_key_is_bad_input(cli_env: Cli) -> None:
    del cli_env.env["IRONMILES_SECRET_KEY"]
    result = cli_env("sync")
    assert result.exit_code == 2
    assert "IRONMILES_SECRET_KEY" in result.stderr and "Fernet.generate_key()" in result.stderr


def test_a_token_file_without_tokens_is_bad_input(cli_env: Cli, tmp_path: Any) -> None:
    assert (
        cli_env("athlete", "add", "ana", "--body-weight", "61", "--timezone", "UTC").exit_code == 0
    )
    for name, text in [("not-json.json", "{oops"), ("no-tokens.json", '{"hello": 1}')]:
        path = tmp_path / name
        path.write_text(text)
        result = cli_env("connect", "garmin", "ana", "--tokens-file", str(path))
        assert result.exit_code == 2, result.stderr
        assert "tokens-file=" in result.stderr and name in result.stderr
    missing = cli_env("connect", "garmin", "ana", "--tokens-file", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
