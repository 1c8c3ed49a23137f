"""`ironmiles connect garmin|strava NAME`: log in once, store the tokens encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

import typer
from sqlalchemy import Engine

from connectors.errors import AuthExpired, InputError
from connectors.garmin.client import GarminEndpoints
from connectors.garmin.login import import_token_file, login_with_password
from connectors.strava.client import StravaEndpoints
from connectors.strava.oauth import (
    DEFAULT_REDIRECT_URI,
    authorization_url,
    exchange_code,
    store_given_tokens,
)
from flows.cli.common import configured_engine, console, err_console, exit_bad_input
from flows.settings import Settings, load_settings
from flows.source_runs import strava_app_from
from warehouse.athletes import get_athlete
from warehouse.credentials import CredentialStore, cipher_from_key
from warehouse.db import session_scope
from warehouse.deliveries import set_push_workouts
from warehouse.revision import check_revision
from warehouse.strava_push import set_account_id
from warehouse.sync_state import finish_run

connect_app = typer.Typer(no_args_is_help=True, help="Connect an athlete's Garmin or Strava.")


def _store_for(settings: Settings, name: str, source: str) -> tuple[Engine, CredentialStore]:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    cipher = cipher_from_key(secret)  # a missing key is bad input: nothing is asked or stored
    engine = configured_engine(settings)
    try:
        check_revision(engine)
        with session_scope(engine) as session:
            athlete_id = get_athlete(session, name).id
    except BaseException:
        engine.dispose()
        raise
    return engine, CredentialStore(engine, cipher, athlete_id, source)


def _mark_connected(engine: Engine, store: CredentialStore, account_id: str | None = None) -> None:
    with session_scope(engine) as session:
        finish_run(session, store.athlete_id, store.source, "connected")
        if account_id is not None:  # who the source's push events name as the owner
            set_account_id(session, store.athlete_id, store.source, account_id)


@connect_app.command("garmin")
def connect_garmin(
    name: Annotated[str, typer.Argument(help="The athlete")],
    tokens_file: Annotated[
        Path | None,
        typer.Option("--tokens-file", help="Import a garmin_tokens.json instead of logging in"),
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Garmin account email (asked if omitted)")
    ] = None,
    push_workouts: Annotated[
        bool | None,
        typer.Option(
            "--push-workouts/--no-push-workouts",
            help="Put every stored squat plan on the athlete's Garmin calendar as a strength "
            "workout (kept until --no-push-workouts)",
        ),
    ] = None,
) -> None:
    """Log in to Garmin Connect once (MFA supported) and store the tokens, encrypted."""
    settings = load_settings()
    if tokens_file is not None and not tokens_file.is_file():
        exit_bad_input(
            f"tokens-file={str(tokens_file)!r} is not a file: give the path of garmin_tokens.json"
        )
    engine, store = _store_for(settings, name, "garmin")
    try:
        if tokens_file is not None:
            try:
                import_token_file(tokens_file.read_text(encoding="utf-8"), store)
            except (AuthExpired, OSError, UnicodeDecodeError) as error:
                # A file the user named that holds no usable tokens is bad input, not a failure.
                raise InputError(
                    "tokens-file",
                    str(tokens_file),
                    f"{error}; give the garmin_tokens.json that garminconnect wrote after a "
                    "login, or run `ironmiles connect garmin NAME` without it to log in",
                ) from None
        else:
            account = email or typer.prompt("Garmin email")
            password = typer.prompt("Garmin password", hide_input=True)
            login_with_password(
                account,
                password,
                lambda: str(typer.prompt("Garmin MFA code (from your email or app)")).strip(),
                store,
                endpoints=GarminEndpoints.from_base(settings.garmin_api_base),
            )
        _mark_connected(engine, store)
        if push_workouts is not None:
            with session_scope(engine) as session:
                set_push_workouts(session, store.athlete_id, push_workouts)
    finally:
        engine.dispose()
    console.print(f"Garmin connected for {name}; tokens stored encrypted")
    if push_workouts is not None:
        console.print(
            f"Garmin workout push {'on' if push_workouts else 'off'} for {name}"
            + ("; plans are pushed after `plan` and each sync" if push_workouts else "")
        )


def _code_of(answer: str) -> str:
    """The code itself, or the whole redirect URL pasted from the address bar."""
    answer = answer.strip()
    if "code=" in answer:
        codes = parse_qs(urlsplit(answer).query).get("code")
        if codes:
            return codes[0]
    return answer


@connect_app.command("strava")
def connect_strava(
    name: Annotated[str, typer.Argument(help="The athlete")],
    code: Annotated[
        str | None, typer.Option(help="The authorisation code (asked if omitted)")
    ] = None,
    access_token: Annotated[str | None, typer.Option("--access-token")] = None,
    refresh_token: Annotated[str | None, typer.Option("--refresh-token")] = None,
    expires_at: Annotated[int | None, typer.Option("--expires-at", help="Epoch seconds")] = None,
    redirect_uri: Annotated[str, typer.Option("--redirect-uri")] = DEFAULT_REDIRECT_URI,
) -> None:
    """Authorise ironmiles on the athlete's Strava (OAuth code flow), or store given tokens."""
    settings = load_settings()
    given = {"access-token": access_token, "refresh-token": refresh_token, "expires-at": expires_at}
    if any(v is not None for v in given.values()):
        missing = [k for k, v in given.items() if v is None]
        if missing:
            exit_bad_input(
                f"{', '.join('--' + m for m in missing)} missing: give --access-token, "
                "--refresh-token and --expires-at together, or none of them for the OAuth flow"
            )
    app = strava_app_from(settings)
    endpoints = StravaEndpoints.from_base(settings.strava_api_base)
    if app is None and access_token is None:
        exit_bad_input(
            "IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET are not set: create "
            "the application at https://www.strava.com/settings/api and set both"
        )
    engine, store = _store_for(settings, name, "strava")
    account_id: str | None = None
    try:
        if access_token is not None:
            store_given_tokens(
                {
                    "access_token": access_token,
                    "refresh_token": refresh_token,
                    "expires_at": expires_at,
                },
                store,
            )
        else:
            assert app is not None  # checked above: the code flow needs the application
            if code is None:
                console.print(
                    "Open this address, approve, then paste the code= value (or the whole address):"
                )
                console.print(authorization_url(app, endpoints, redirect_uri), markup=False)
                code = typer.prompt("code")
            account_id = exchange_code(app, _code_of(code), store, endpoints=endpoints)
        _mark_connected(engine, store, account_id)
    finally:
        engine.dispose()
    console.print(f"Strava connected for {name}; tokens stored encrypted")
    if app is None:
        err_console.print(
            "note: set IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET before the "
            "sync, which needs them to refresh the access token"
        )
