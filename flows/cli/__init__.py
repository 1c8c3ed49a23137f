"""The `ironmiles` command. Each area's commands live in their own module and are added here."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from connectors.errors import ConnectorError, InputError
from flows.cli import (
    activities,
    activity_links,
    athletes,
    connect,
    demo,
    lifts,
    plan,
    strava,
    sync_command,
    weekly,
)
from flows.cli.common import err_console, redacted_database_url
from warehouse.errors import BadInput, WarehouseError


class _Group(TyperGroup):
    """Turns our errors into exit codes: 2 for bad input, 1 for the rest, with no traceback."""

    # typer vendors click; its public Context subclasses the vendored one the base class names.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (InputError, BadInput) as error:
            err_console.print(f"[bold red]error:[/] {escape(str(error))}")
            raise typer.Exit(2) from None
        except (ConnectorError, WarehouseError) as error:
            err_console.print(f"[bold red]failed:[/] {escape(str(error))}")
            raise typer.Exit(1) from None
        except DBAPIError as error:
            # A database that is down or refuses us: say so plainly, not with a traceback.
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            err_console.print(
                f"[bold red]failed:[/] the warehouse database {redacted_database_url()!r} "
                f"answered with an error: {escape(reason)}"
            )
            raise typer.Exit(1) from None
        except OSError as error:
            # E.g. IRONMILES_HOME is a file, or not writable.
            err_console.print(f"[bold red]failed:[/] {escape(str(error))}")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    help="ironmiles: fit strength work around running. Sync, load, and squat plans.",
)
app.command("init")(athletes.init)
app.add_typer(athletes.athlete_app, name="athlete")
app.add_typer(athletes.race_app, name="race")
app.add_typer(lifts.lift_app, name="lift")
app.command("demo")(demo.demo)
app.command("plan")(plan.plan)
app.command("weekly")(weekly.weekly)
athletes.athlete_app.command("set")(plan.athlete_set)
app.command("import")(activities.import_files)
app.add_typer(activities.activity_app, name="activity")
activities.activity_app.command("unlink")(activity_links.activity_unlink)
activities.activity_app.command("correct")(activity_links.activity_correct)
app.add_typer(connect.connect_app, name="connect")
app.command("sync")(sync_command.sync)
app.add_typer(strava.strava_app, name="strava")


def main() -> None:
    app()
