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
    athlete_settings,
    athletes,
    coaches,
    connect,
    corrections,
    demo,
    feed,
    lifts,
    plan,
    query,
    races,
    serve,
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
        except KeyboardInterrupt:
            # Ctrl-C: every file and page commits on its own, so what was stored stays.
            if ctx.invoked_subcommand == "sync":
                kept = (
                    "the pages stored before Ctrl-C are kept with their watermarks (the weekly "
                    "load and plans of those athletes follow at the next run); run `ironmiles "
                    "sync` again to resume from there"
                )
            else:
                kept = (
                    "everything stored before Ctrl-C is kept (each file and each change is its "
                    "own transaction); run the same command again to resume: what is stored "
                    "already is skipped"
                )
            err_console.print(f"[bold yellow]interrupted:[/] {kept}")
            raise typer.Exit(130) from None
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
athletes.athlete_app.command("set")(athlete_settings.athlete_set)
athletes.athlete_app.command("remove")(athlete_settings.athlete_remove)
athletes.race_app.command("list")(races.race_list)
athletes.race_app.command("remove")(races.race_remove)
lifts.lift_app.command("edit")(corrections.lift_edit)
lifts.lift_app.command("delete")(corrections.lift_delete)
lifts.lift_app.command("unlink")(corrections.lift_unlink)
athletes.athlete_app.command("feed")(feed.athlete_feed)
app.command("import")(activities.import_files)
app.add_typer(activities.activity_app, name="activity")
activities.activity_app.command("unlink")(activity_links.activity_unlink)
activities.activity_app.command("correct")(activity_links.activity_correct)
activities.activity_app.command("set-sport")(activity_links.activity_set_sport)
activities.activity_app.command("delete")(corrections.activity_delete)
activities.activity_app.command("restore")(corrections.activity_restore)
app.add_typer(connect.connect_app, name="connect")
app.command("sync")(sync_command.sync)
app.command("query")(query.query)
app.add_typer(coaches.coach_app, name="coach")
app.command("serve")(serve.serve)


def main() -> None:
    app()
