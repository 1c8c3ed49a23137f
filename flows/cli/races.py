"""`ironmiles race list NAME` and `ironmiles race remove ID` (attached to the `race` group,
beside `race add`, in flows/cli/__init__.py)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import ROW_ID_MAX, TableOrJson, console, print_json, transaction
from flows.cli.recompute import recompute
from warehouse.athletes import get_athlete, races_of, remove_race


def race_list(
    name: Annotated[str, typer.Argument(help="The athlete")],
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
) -> None:
    """List an athlete's races, soonest first, with their ids."""
    with transaction() as session:
        athlete = get_athlete(session, name)
        rows = [
            {
                "id": race.id,
                "date": race.race_date.isoformat(),
                "name": race.name,
                "distance_km": race.distance_km,
                "priority": race.priority,
            }
            for race in races_of(session, athlete.id)
        ]
    if format is TableOrJson.json:
        print_json(rows)
        return
    table = Table("id", "date", "name", "km", "priority", title=f"races of {name}")
    for r in rows:
        table.add_row(str(r["id"]), str(r["date"]), str(r["name"]), f"{r['distance_km']:g}",
                      str(r["priority"]))  # fmt: skip
    console.print(table)


def race_remove(
    race_id: Annotated[
        int, typer.Argument(metavar="ID", help="The race's id (`race list`)", min=1, max=ROW_ID_MAX)
    ],
) -> None:
    """Remove a race; the next plan no longer tapers or skips for it."""
    with transaction() as session:
        race = remove_race(session, race_id)
        athlete_id = race.athlete_id
        shown = f"{race.name} on {race.race_date}"
    console.print(f"removed race {race_id} ({shown})", markup=False)
    recompute(athlete_id)
