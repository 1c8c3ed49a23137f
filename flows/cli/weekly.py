"""`ironmiles weekly NAME [--weeks N | --from DATE --to DATE] [--format table|csv|json]` and
`ironmiles weekly --rebuild`.

The table is read from the warehouse's `weekly_load` after refreshing the athlete if it is
dirty or a new week has begun, so what is shown is always current.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import polars as pl
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from flows.cli.common import (
    TableCsvOrJson,
    console,
    err_console,
    exit_bad_input,
    parse_option_date,
    print_json,
    transaction,
)
from flows.weekly_load import read_weekly_load, rebuild_weekly_load, refresh_weekly_load
from warehouse.athletes import get_athlete
from warehouse.db import is_read_only

# The architecture doc's JSON shape, in its order; the CSV carries every column.
JSON_FIELDS = (
    "week",
    "distance_km",
    "runs",
    "moving_s",
    "long_run_km",
    "avg4_km",
    "acwr",
    "big_week",
    "volume_load_kg",
    "squat_top_kg",
    "e1rm_kg",
)
CSV_FIELDS = (
    "week",
    "week_start",
    "distance_km",
    "runs",
    "moving_s",
    "long_run_km",
    "avg4_km",
    "acwr",
    "acwr_ewma",
    "big_week",
    "spike_runs",
    "monotony",
    "strain",
    "volume_load_kg",
    "squat_top_kg",
    "e1rm_kg",
    "srpe_load",
)
# Decimals shown: enough for the rules doc's worked numbers (ACWR 1.277), no float noise.
ROUNDING = {
    "distance_km": 2,
    "long_run_km": 2,
    "avg4_km": 2,
    "acwr": 3,
    "acwr_ewma": 3,
    "monotony": 2,
    "strain": 1,
    "volume_load_kg": 1,
    "squat_top_kg": 1,
    "e1rm_kg": 1,
    "srpe_load": 1,
}


def weekly(
    name: Annotated[str | None, typer.Argument(help="The athlete")] = None,
    weeks: Annotated[
        int | None, typer.Option(help="How many of the latest weeks to show (default 12)")
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day to show, YYYY-MM-DD (its week on)")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day to show, YYYY-MM-DD (up to its week)")
    ] = None,
    format: Annotated[
        TableCsvOrJson, typer.Option(help="table, csv or json")
    ] = TableCsvOrJson.table,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Recompute every athlete's weekly load from scratch first"),
    ] = False,
) -> None:
    """Weekly running and strength load: km, ACWR, big weeks, volume and top squat."""
    if name is None and not rebuild:
        exit_bad_input("NAME is missing: give an athlete, or --rebuild to recompute everyone")
    if weeks is not None and weeks < 1:
        exit_bad_input(f"--weeks={weeks} is not accepted: give 1 or more weeks")
    first, last = parse_option_date(from_, "--from"), parse_option_date(to, "--to")
    if weeks is not None and (first or last):
        exit_bad_input(
            f"--weeks={weeks} with --from/--to is not accepted: give either the latest N weeks "
            "or a date range"
        )
    if first and last and first > last:
        exit_bad_input(f"--from={first} is after --to={last}: give the earlier date first")
    now = datetime.now(UTC)
    with transaction() as session:
        if rebuild:
            done = rebuild_weekly_load(session, now=now)
            err_console.print(
                f"rebuilt weekly load: athletes {len(done.athlete_ids)}, weeks {done.weeks}"
            )
        if name is None:
            return
        athlete = get_athlete(session, name)
        if is_read_only(session):
            err_console.print(
                "note: the warehouse is read-only: the weekly load as last stored",
                markup=False,
            )
        else:
            refresh_weekly_load(session, now=now, only={athlete.id})
        ranged = first is not None or last is not None
        table = read_weekly_load(session, athlete.id, weeks=None if ranged else (weeks or 12))
    if ranged:
        table = weeks_between(table, first, last)
    show(table, name, format)


def weeks_between(table: pl.DataFrame, first: date | None, last: date | None) -> pl.DataFrame:
    """The weeks that hold a day from `first` to `last` (either end open when None)."""
    if first is not None:
        table = table.filter(pl.col("week_start") + timedelta(days=6) >= first)
    if last is not None:
        table = table.filter(pl.col("week_start") <= last)
    return table


def show(table: pl.DataFrame, name: str, format: TableCsvOrJson) -> None:
    rounded = table.with_columns(pl.col(c).round(d) for c, d in ROUNDING.items())
    rounded = rounded.with_columns(pl.col("moving_s").round(0).cast(pl.Int64))
    if format is TableCsvOrJson.json:
        print_json(rounded.select(JSON_FIELDS).to_dicts())
    elif format is TableCsvOrJson.csv:
        sys.stdout.write(rounded.select(CSV_FIELDS).write_csv())
    else:
        console.print(render_table(rounded, name))


def render_table(weeks: pl.DataFrame, name: str, width: int | None = None) -> Table | str:
    """The weeks as a terminal table; on a narrow terminal (under 110 columns) the secondary
    columns (EWMA, spikes, sRPE) are left out rather than every column cut to a stub."""
    if weeks.is_empty():
        return f"no weeks for {name} yet: import or sync runs, or add lifts"
    wide = (width or console.width) >= 110
    table = Table(
        title=f"{name}: weekly load",
        caption="▲ big week: ACWR > 1.3 (against the 4-week mean)"
        + ("; spikes: runs > 110 % of the longest in the 30 days before" if wide else ""),
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
    )
    columns: list[tuple[str, Callable[[dict[str, Any]], str | Text]]] = [
        ("week", lambda r: Text(f"{r['week']} ▲" if r["big_week"] else r["week"],
                                style="bold red" if r["big_week"] else "")),
        ("km", lambda r: _number(r["distance_km"], 1)),
        ("runs", lambda r: str(r["runs"])),
        ("time", lambda r: _duration(r["moving_s"])),
        ("long", lambda r: _number(r["long_run_km"], 1)),
        ("avg4", lambda r: _number(r["avg4_km"], 1)),
        ("ACWR", lambda r: Text(_number(r["acwr"], 2), style="bold red" if r["big_week"] else "")),
        ("EWMA", lambda r: _number(r["acwr_ewma"], 2)),
        ("spikes", lambda r: str(r["spike_runs"] or "")),
        ("vol kg", lambda r: _number(r["volume_load_kg"], 0)),
        ("squat", lambda r: _number(r["squat_top_kg"], 1)),
        ("e1RM", lambda r: _number(r["e1rm_kg"], 1)),
        ("sRPE", lambda r: _number(r["srpe_load"], 0)),
    ]  # fmt: skip
    if not wide:
        columns = [c for c in columns if c[0] not in ("EWMA", "spikes", "sRPE")]
    for header, _ in columns:
        table.add_column(header, justify="left" if header == "week" else "right", no_wrap=True)
    for row in weeks.iter_rows(named=True):
        table.add_row(*(cell(row) for _, cell in columns))
    return table


def _number(value: Any, decimals: int) -> str:
    return "-" if value is None else f"{value:,.{decimals}f}"


def _duration(seconds: Any) -> str:
    if not seconds:
        return "-"
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
