"""`ironmiles coach add NAME [--format table|json]`, `coach remove NAME`, and the coach options
of `athlete set` (`--coach`, `--share-strava-with-coach`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from flows.cli.common import TableOrJson, console, err_console, print_json, transaction
from warehouse.coaches import add_coach, assign_coach, remove_coach, set_strava_sharing
from warehouse.models import Athlete

coach_app = typer.Typer(
    no_args_is_help=True, help="Coaches: a read-only database login and a dashboard login."
)

SQLITE_NOTE = (
    "note: per-coach database access (a login role limited to the coach's athletes) needs "
    "PostgreSQL (IRONMILES_DATABASE_URL=postgresql+psycopg://...); on SQLite whoever can read "
    "the file reads every athlete. The dashboard login below works on both."
)


@coach_app.command("add")
def coach_add(
    name: Annotated[str, typer.Argument(help="The coach's name, e.g. marta")],
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
) -> None:
    """Create a coach's read-only PostgreSQL role (its connection string is printed once) and
    dashboard login token (`ironmiles serve`, /coach)."""
    with transaction() as session:
        url = session.connection().engine.url
        made = add_coach(session, name.strip(), url)
    if made.role is None:
        err_console.print(SQLITE_NOTE, markup=False)
    if format is TableOrJson.json:
        print_json(
            {
                "coach": made.coach,
                "role": made.role,
                "password": made.password,
                "dsn": made.dsn,
                "token": made.token,
            }
        )
        return
    table = Table("coach", made.coach, show_header=False)
    table.add_row("role", made.role or "- (needs PostgreSQL)")
    table.add_row("password", made.password or "-")
    table.add_row("dsn", made.dsn or "-")
    table.add_row("dashboard token", made.token)
    console.print(table)
    err_console.print(
        "the password and the token are shown only now (only their hashes are kept): "
        "hand them to the coach over a private channel",
        markup=False,
    )


@coach_app.command("remove")
def coach_remove(name: Annotated[str, typer.Argument(help="The coach")]) -> None:
    """Drop the coach's database role and dashboard login; its athletes stay, without a coach."""
    with transaction() as session:
        role = remove_coach(session, name)
    dropped = f" and dropped the role {role}" if role else ""
    console.print(f"removed coach {name}{dropped}", markup=False)


def coach_changes(
    session: Session, athlete: Athlete, coach: str | None, share_strava: bool | None
) -> None:
    """`athlete set --coach NAME` and `--share-strava-with-coach/--no-...`, when given."""
    if coach is not None:
        assign_coach(session, athlete, coach.strip() or None)
        console.print(f"coach of {athlete.name}: {coach.strip() or 'none'}", markup=False)
    if share_strava is not None:
        set_strava_sharing(session, athlete, share_strava)
        shared = "shared with" if share_strava else "hidden from"
        console.print(f"Strava data of {athlete.name}: {shared} the coach", markup=False)
