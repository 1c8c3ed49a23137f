"""`ironmiles query "SQL" [--format table|csv|json]`: one read-only statement (warehouse/readonly.py
says how writes are refused twice over)."""

from __future__ import annotations

import csv
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

from flows.cli.common import TableCsvOrJson, console, err_console, open_warehouse, print_json
from flows.settings import load_settings
from warehouse.readonly import run_read_only


def query(
    sql: Annotated[str, typer.Argument(help='One SELECT, e.g. "SELECT * FROM weekly_load_v"')],
    format: Annotated[
        TableCsvOrJson, typer.Option(help="table, csv or json")
    ] = TableCsvOrJson.table,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds before PostgreSQL cancels it")
    ] = 30.0,
) -> None:
    """Run one read-only SQL statement on the warehouse (the views: docs/warehouse.md)."""
    settings = load_settings()
    open_warehouse(settings).dispose()  # migrated first, so the views exist
    result = run_read_only(settings.effective_database_url, sql, timeout_s=timeout)
    if result.truncated:
        err_console.print(f"note: only the first {len(result.rows)} rows are shown")
    if format is TableCsvOrJson.json:
        print_json(
            [
                {c: _json_value(v) for c, v in zip(result.columns, row, strict=True)}
                for row in result.rows
            ]
        )
    elif format is TableCsvOrJson.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_plain(v) for v in row] for row in result.rows)
    else:
        table = Table(*result.columns)
        for row in result.rows:
            table.add_row(*("" if v is None else str(_plain(v)) for v in row))
        console.print(table)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _json_value(value: Any) -> Any:
    """Values JSON has no type for: numeric as a number, bytes as hex, intervals as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, timedelta):
        return str(value)
    return value
