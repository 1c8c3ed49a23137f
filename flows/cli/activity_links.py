"""`ironmiles activity unlink ID`, `activity correct ID --distance-km KM` and
`activity set-sport ID SPORT`.

Attached to the `activity` command group (which also holds `activity list` and `import`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from flows.cli.common import ROW_ID_MAX, console, transaction
from flows.weekly_load import refresh_weekly_load
from warehouse.linking import correct_distance, unlink
from warehouse.sport_overlay import SETTABLE_SPORTS, set_sport

activity_app = typer.Typer(no_args_is_help=True, help="Activities: links and corrections.")


@activity_app.command("unlink")
def activity_unlink(
    activity_id: Annotated[
        int, typer.Argument(metavar="ID", help="The activity's id", min=1, max=ROW_ID_MAX)
    ],
) -> None:
    """Undo a wrong duplicate link: the activity counts on its own from now on, for good."""
    with transaction() as session:
        row = unlink(session, activity_id)
        console.print(f"activity {row.id} ({row.source} {row.source_id}) unlinked; it stays so")


@activity_app.command("correct")
def activity_correct(
    activity_id: Annotated[
        int, typer.Argument(metavar="ID", help="The activity's id", min=1, max=ROW_ID_MAX)
    ],
    distance_km: Annotated[float, typer.Option("--distance-km", help="The true distance in km")],
) -> None:
    """Set the true distance of an activity (a treadmill run, say); re-syncs keep it."""
    with transaction() as session:
        row = correct_distance(session, activity_id, distance_km * 1000.0)
        console.print(
            f"activity {row.id} ({row.source} {row.source_id}): {distance_km:g} km "
            f"(the source says {(row.distance_m or 0) / 1000:g} km)"
        )


@activity_app.command("set-sport")
def activity_set_sport(
    activity_id: Annotated[
        int, typer.Argument(metavar="ID", help="The activity's id", min=1, max=ROW_ID_MAX)
    ],
    sport: Annotated[str, typer.Argument(metavar="SPORT", help=", ".join(SETTABLE_SPORTS))],
) -> None:
    """Set an activity's sport (a file that named none, or named it wrong); re-imports and
    re-syncs keep it, and the weekly totals follow at once."""
    with transaction() as session:
        rows = set_sport(session, activity_id, sport)
        row = rows[0]
        athlete_id, shown = row.athlete_id, f"activity {row.id} ({row.source} {row.source_id})"
        copies = f" and its {len(rows) - 1} linked copies" if len(rows) > 1 else ""
        chosen = row.sport
    # The totals move now, not at the next `weekly`: after the commit, because on PostgreSQL
    # the refresh reads committed rows (the dirty mark, committed with the change, covers a
    # crash in between).
    with transaction() as session:
        refresh_weekly_load(session, now=datetime.now(UTC), only={athlete_id})
    console.print(f"{shown}{copies}: sport {chosen}; weekly totals recomputed")
