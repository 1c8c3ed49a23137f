"""`ironmiles strava subscribe|unsubscribe|subscription`: the application's push subscription
(Strava allows one per application), through stravalib's push-subscription calls against the
configured API base (IRONMILES_STRAVA_API_BASE)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import typer

from connectors.strava.client import StravaApp, StravaEndpoints
from connectors.strava.push import (
    Subscription,
    SubscriptionRefused,
    create_subscription,
    delete_subscription,
    list_subscriptions,
)
from flows.cli.common import TableOrJson, console, err_console, exit_bad_input, print_json
from flows.settings import Settings, load_settings
from flows.source_runs import strava_app_from

strava_app = typer.Typer(no_args_is_help=True, help="Strava's push subscription (webhooks).")


def _app(settings: Settings) -> StravaApp:
    app = strava_app_from(settings)
    if app is None:
        exit_bad_input(
            "IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET are not set: the "
            "subscription belongs to the application at https://www.strava.com/settings/api; "
            "set both"
        )
    return app


def _endpoints(settings: Settings) -> StravaEndpoints:
    return StravaEndpoints.from_base(settings.strava_api_base)


def _failed(error: SubscriptionRefused) -> typer.Exit:
    err_console.print(f"[bold red]failed:[/] {error}")
    return typer.Exit(1)


@strava_app.command("subscribe")
def subscribe(
    callback_url: Annotated[
        str,
        typer.Option(
            "--callback-url", help="Where Strava sends events: https://HOST/strava/webhook"
        ),
    ],
) -> None:
    """Create the push subscription; Strava checks the callback (`ironmiles serve` answers it
    with IRONMILES_STRAVA_VERIFY_TOKEN) before it says yes."""
    settings = load_settings()
    parts = urlsplit(callback_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        exit_bad_input(
            f"callback-url={callback_url!r} is not an address: give the full URL of the "
            "webhook, e.g. https://ironmiles.example.com/strava/webhook"
        )
    app = _app(settings)
    token = settings.strava_verify_token
    if token is None or not token.get_secret_value():
        exit_bad_input(
            "IRONMILES_STRAVA_VERIFY_TOKEN is not set: choose a random string, set it here and "
            "where `ironmiles serve` runs (the webhook echoes Strava's check only for it)"
        )
    try:
        made = create_subscription(
            app, callback_url, token.get_secret_value(), endpoints=_endpoints(settings)
        )
    except SubscriptionRefused as error:
        raise _failed(error) from None
    console.print(f"Strava push subscription {made.id} created: events go to {made.callback_url}")


def _current(settings: Settings) -> list[Subscription]:
    try:
        return list_subscriptions(_app(settings), endpoints=_endpoints(settings))
    except SubscriptionRefused as error:
        raise _failed(error) from None


@strava_app.command("subscription")
def subscription(format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table) -> None:
    """Show the application's push subscription, if any."""
    found = _current(load_settings())
    if format is TableOrJson.json:
        print_json(
            [
                {"id": s.id, "callback_url": s.callback_url, "created_at": s.created_at}
                for s in found
            ]
        )
        return
    if not found:
        console.print(
            "no Strava push subscription: `ironmiles strava subscribe --callback-url URL`"
        )
    for s in found:
        console.print(f"subscription {s.id}: {s.callback_url} (created {s.created_at or '?'})")


@strava_app.command("unsubscribe")
def unsubscribe() -> None:
    """Delete the application's push subscription (Strava stops sending events)."""
    settings = load_settings()
    found = _current(settings)
    if not found:
        console.print("no Strava push subscription to delete")
        return
    for s in found:
        try:
            delete_subscription(_app(settings), s.id, endpoints=_endpoints(settings))
        except SubscriptionRefused as error:
            raise _failed(error) from None
        console.print(f"Strava push subscription {s.id} deleted ({s.callback_url})")
