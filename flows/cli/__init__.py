"""The `ironmiles` command. Each area's commands live in their own module, imported only when
one of its commands runs: `ironmiles --help` and `ironmiles athlete list` must not pay for
stravalib, garminconnect, Prefect or polars (see tests/flows/test_cli_startup.py).

The root group lists every command from `COMMANDS` (name, help) without importing anything, and
loads a command's module when the command line names it.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    # typer vendors click: these are the classes its groups take and return.
    from typer import _click as click


@dataclass(frozen=True, slots=True)
class Lazy:
    """A command or command group, named by where it lives; `help` is its one-line summary
    (tests/flows/test_cli_startup.py checks it against the loaded command's own)."""

    load: Callable[[], click.Command]
    help: str


def _command(target: str, name: str) -> Callable[[], click.Command]:
    """A loader for a function command `module:function`, built by typer as it always was."""

    def load() -> click.Command:
        module, function = target.split(":")
        single = typer.Typer(add_completion=False)
        single.command(name)(getattr(importlib.import_module(module), function))
        return typer.main.get_command(single)

    return load


def _group(build: Callable[[], typer.Typer]) -> Callable[[], click.Command]:
    return lambda: typer.main.get_group(build())


@cache
def _athlete_app() -> typer.Typer:
    from flows.cli import athlete_settings, athletes, feed

    athletes.athlete_app.command("set")(athlete_settings.athlete_set)
    athletes.athlete_app.command("remove")(athlete_settings.athlete_remove)
    athletes.athlete_app.command("feed")(feed.athlete_feed)
    return athletes.athlete_app


@cache
def _activity_app() -> typer.Typer:
    from flows.cli import activities, activity_links, corrections

    activities.activity_app.command("unlink")(activity_links.activity_unlink)
    activities.activity_app.command("correct")(activity_links.activity_correct)
    activities.activity_app.command("set-sport")(activity_links.activity_set_sport)
    activities.activity_app.command("delete")(corrections.activity_delete)
    activities.activity_app.command("restore")(corrections.activity_restore)
    return activities.activity_app


@cache
def _race_app() -> typer.Typer:
    from flows.cli import athletes, races

    athletes.race_app.command("list")(races.race_list)
    athletes.race_app.command("remove")(races.race_remove)
    return athletes.race_app


@cache
def _lift_app() -> typer.Typer:
    from flows.cli import corrections, lifts

    lifts.lift_app.command("edit")(corrections.lift_edit)
    lifts.lift_app.command("delete")(corrections.lift_delete)
    lifts.lift_app.command("unlink")(corrections.lift_unlink)
    return lifts.lift_app


def _coach_app() -> typer.Typer:
    from flows.cli import coaches

    return coaches.coach_app


def _strava_app() -> typer.Typer:
    from flows.cli import strava

    return strava.strava_app


def _connect_app() -> typer.Typer:
    from flows.cli import connect

    return connect.connect_app


# In the order `--help` lists them (typer's: single commands first, then groups).
COMMANDS: dict[str, Lazy] = {
    "init": Lazy(
        _command("flows.cli.athletes:init", "init"),
        "Create or migrate the warehouse (idempotent).",
    ),
    "demo": Lazy(
        _command("flows.cli.demo:demo", "demo"),
        "Sync two athletes from local Garmin and Strava replay servers through the real nightly "
        "flow (Prefect), then print what was linked, the weekly load and the adjusted squat plans.",
    ),
    "plan": Lazy(
        _command("flows.cli.plan:plan", "plan"),
        "The week's squat session, adjusted to runs and races, with the reasons.",
    ),
    "weekly": Lazy(
        _command("flows.cli.weekly:weekly", "weekly"),
        "Weekly running and strength load: km, ACWR, big weeks, volume and top squat.",
    ),
    "import": Lazy(
        _command("flows.cli.activities:import_files", "import"),
        "Import activity files: a file seen before adds nothing, a broken one is logged.",
    ),
    "sync": Lazy(
        _command("flows.cli.sync_command:sync", "sync"),
        "Fetch what is new from every connected source and store it once; prints a summary.",
    ),
    "query": Lazy(
        _command("flows.cli.query:query", "query"),
        "Run one read-only SQL statement on the warehouse (the views: docs/warehouse.md).",
    ),
    "serve": Lazy(
        _command("flows.cli.serve:serve", "serve"),
        "Serve the coach dashboard (/coach) and the other web endpoints.",
    ),
    "athlete": Lazy(_group(_athlete_app), "Record and list athletes."),
    "race": Lazy(_group(_race_app), "Record races."),
    "lift": Lazy(_group(_lift_app), "Record, import and list lifts."),
    "activity": Lazy(_group(_activity_app), "List imported and synced activities."),
    "connect": Lazy(_group(_connect_app), "Connect an athlete's Garmin or Strava."),
    "strava": Lazy(_group(_strava_app), "Strava's push subscription (webhooks)."),
    "coach": Lazy(_group(_coach_app), "Coaches: a read-only database login and a dashboard login."),
}


class _Listed(TyperCommand):
    """What `--help` shows for a command that is not loaded: its name and summary."""


class _Group(TyperGroup):
    """Loads commands on demand, and turns our errors into exit codes: 2 for bad input, 1 for
    the rest, with no traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return _Listed(cmd_name, help=COMMANDS[cmd_name].help)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Listed) and name is not None:
            command = COMMANDS[name].load()
            _startup_loaded()
        return name, command, rest

    # typer vendors click; its public Context subclasses the vendored one the base class names.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            from flows.cli.common import err_console

            # Ctrl-C: every file, page and change commits on its own, so what was stored stays.
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
        except Exception as error:
            code, message = _failure(error)
            if code is None:
                raise
            from flows.cli.common import err_console

            err_console.print(message)
            raise typer.Exit(code) from None


def _failure(error: Exception) -> tuple[int | None, str]:
    """The exit code and message for one of our errors; (None, "") for anything else. The
    error types are imported here, when something failed, not on every start."""
    from connectors.errors import ConnectorError, InputError
    from warehouse.errors import BadInput, WarehouseError

    if isinstance(error, InputError | BadInput):
        return 2, f"[bold red]error:[/] {escape(str(error))}"
    if isinstance(error, ConnectorError | WarehouseError):
        return 1, f"[bold red]failed:[/] {escape(str(error))}"
    if isinstance(error, OSError):
        # E.g. IRONMILES_HOME is a file, or not writable.
        return 1, f"[bold red]failed:[/] {escape(str(error))}"
    if "sqlalchemy" not in sys.modules:
        return None, ""  # nothing touched the database, so it is not a database error
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        from flows.cli.common import redacted_database_url

        # A database that is down or refuses us: say so plainly, not with a traceback.
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return 1, (
            f"[bold red]failed:[/] the warehouse database {redacted_database_url()!r} "
            f"answered with an error: {escape(reason)}"
        )
    return None, ""


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    help="ironmiles: fit strength work around running. Sync, load, and squat plans.",
)


@app.callback()
def _root() -> None:
    # typer builds a group only for an app with a callback or commands; ours are in COMMANDS.
    pass


def main() -> None:
    """The console script. The garbage collector waits while the command's modules load (main
    pauses it, `_startup_loaded` resumes it): loading them creates a few hundred thousand
    objects that live as long as the process, and walking them again and again while they are
    made, and once more at exit, costs a command about a tenth of its time."""
    global _gc_paused
    gc.disable()
    _gc_paused = True
    app()


_gc_paused = False


def _startup_loaded() -> None:
    """The command's modules are loaded: what they built is frozen (gc.freeze: no collection
    walks it again, the one at exit neither), and collecting resumes for what the command
    does. Only after `main` paused it: a test that calls `app` keeps its collector as it is."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()
