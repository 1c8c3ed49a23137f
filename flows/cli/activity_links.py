"""`ironmiles activity unlink ID` and `ironmiles activity correct ID --distance-km KM`.

Attached to the `activity` command group (which also holds `activity list` and `import`)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import console, transaction
from warehouse.linking import correct_distance, unlink

activity_app = typer.Typer(no_args_is_help=True, help="Activities: links and corrections.")


@activity_app.command("unlink")
def activity_unlink(
    activity_id: Annotated[int, typer.Argument(metavar="ID", help="The activity's id")],
) -> None:
    """Undo a wrong duplicate link: the activity counts on its own from now on, for good."""
    with transaction() as session:
        row = unlink(session, activity_id)
        console.print(f"activity {row.id} ({row.source} {row.source_id}) unlinked; it stays so")


@activity_app.command("correct")
def activity_correct(
    activity_id: Annotated[int, typer.Argument(metavar="ID", help="The activity's id")],
    distance_km: Annotated[float, typer.Option("--distance-km", help="The true distance in km")],
) -> None:
    """Set the true distance of an activity (a treadmill run, say); re-syncs keep it."""
    with transaction() as session:
        row = correct_distance(session, activity_id, distance_km * 1000.0)
        console.print(
            f"activity {row.id} ({row.source} {row.source_id}): {distance_km:g} km "
            f"(the source says {(row.distance_m or 0) / 1000:g} km)"
        )
