"""What every CLI command shares: the warehouse from settings, output formats, exit codes.

Exit codes: 0 success; 2 bad input (the message names the field, the value and the fix, and
nothing was written); 1 anything else.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

# Every command module imports this one, and `--help` imports none of them, but keep it light
# anyway: SQLAlchemy, pydantic and Alembic are loaded by the functions that open the warehouse.
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from flows.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class TableCsvOrJson(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def open_warehouse(settings: Settings | None = None) -> Engine:
    """The configured warehouse, when its schema is this code's (warehouse.revision: a cheap
    check, no Alembic); one that is behind, or empty, fails with "run `ironmiles init`"."""
    from warehouse.revision import check_revision

    engine = configured_engine(settings or _settings())
    try:
        check_revision(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def migrated_warehouse() -> Engine:
    """The configured warehouse, created or migrated to the newest schema: `ironmiles init`'s
    and the demo's (Alembic is loaded here, and only here)."""
    from warehouse.migrate import upgrade

    engine = configured_engine(_settings())
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _settings() -> Settings:
    from flows.settings import load_settings

    return load_settings()


def configured_engine(settings: Settings) -> Engine:
    """An engine for the configured warehouse; a URL it cannot use is the user's input."""
    from sqlalchemy.exc import ArgumentError

    from warehouse.db import make_engine

    if settings.database_url is None:
        make_home(settings)
    try:
        return make_engine(settings.effective_database_url)
    except (ArgumentError, ImportError) as error:  # ImportError: a dialect with no driver here
        exit_bad_input(
            f"IRONMILES_DATABASE_URL={redacted_database_url()!r} is not accepted ({error}): "
            "write it as postgresql+psycopg://USER@HOST:5432/DB, or unset it for the SQLite "
            "file in IRONMILES_HOME"
        )


def make_home(settings: Settings) -> None:
    """The data directory, created when missing; one that cannot be is the user's input."""
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        exit_bad_input(
            f"IRONMILES_HOME={str(settings.home)!r} is not accepted ({error.strerror}): "
            "point it at a folder you can write to"
        )


def redacted_database_url() -> str:
    """The warehouse URL as configured, with any password masked, for error messages."""
    settings = _settings()
    if settings.database_url is None:
        return settings.effective_database_url
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", settings.database_url)


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction on the configured warehouse: all of the block is written, or nothing."""
    from warehouse.db import session_scope

    engine = open_warehouse()
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def exit_bad_input(message: str) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(2)


def print_json(document: Any) -> None:
    """One JSON document on stdout and nothing else there."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=_json_default))
    sys.stdout.write("\n")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def utc_now() -> datetime:
    """The clock, read here at the composition root (tests replace it)."""
    return datetime.now(UTC)


ROW_ID_MAX = 2**63 - 1
"""The largest row id the warehouses store (a 64-bit integer): an id typed beyond it is bad
input for the argument (typer says so, exit 2), not an OverflowError from the driver."""


def utc_today() -> date:
    """Today's date (UTC), taken here at the composition root: the packages below get it passed."""
    return datetime.now(UTC).date()


def parse_option_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        exit_bad_input(f"{option}={text!r} is not a date: write it as YYYY-MM-DD")
