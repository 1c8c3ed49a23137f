"""`ironmiles athlete feed NAME [--rotate]`: the secret address of the athlete's calendar feed
(served by `ironmiles serve` at GET /feeds/{token}.ics)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli import common
from flows.cli.common import TableOrJson, console, print_json, transaction
from flows.settings import load_settings
from warehouse.athletes import get_athlete


def athlete_feed(
    name: Annotated[str, typer.Argument(help="The athlete")],
    rotate: Annotated[
        bool,
        typer.Option(help="Make a new address; the old one answers 404 from now on"),
    ] = False,
    format: Annotated[TableOrJson, typer.Option(help="table (the address alone) or json")] = (
        TableOrJson.table
    ),
) -> None:
    """Print the athlete's calendar feed address (subscribe to it in a phone's calendar)."""
    from flows.calendar_feed import feed_url  # polars and the engine: not for `athlete list`

    settings = load_settings()
    now = common.utc_now()
    with transaction() as session:
        url = feed_url(session, get_athlete(session, name), settings, rotate=rotate, now=now)
    if format is TableOrJson.json:
        print_json({"athlete": name, "url": url, "rotated": rotate})
    else:
        console.print(url, markup=False, soft_wrap=True)
