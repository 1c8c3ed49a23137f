"""`ironmiles import NAME PATH...` and `ironmiles activity list`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from connectors.errors import InputError
from flows.cli.common import (
    TableOrJson,
    console,
    err_console,
    open_warehouse,
    parse_option_date,
    print_json,
    transaction,
)
from flows.file_import import ImportSummary, import_inputs, opened_inputs
from warehouse.activities import list_activities
from warehouse.athletes import get_athlete
from warehouse.file_records import FileOutcome
from warehouse.sport_overlay import check_sport

# connectors/files/__init__.py's note on a Strava row whose file is not in the export.
_MISSING_FILE = re.compile(r"its file (\S+) is not a FIT/GPX/TCX file in the export")

activity_app = typer.Typer(no_args_is_help=True, help="List imported and synced activities.")


def import_files(
    name: Annotated[str, typer.Argument(help="The athlete")],
    paths: Annotated[
        list[str],
        typer.Argument(help="FIT/GPX/TCX files, folders, .gz files, Garmin or Strava export zips"),
    ],
    sport: Annotated[
        str | None,
        typer.Option(
            "--sport",
            help="Set this sport on every activity imported (run, ride, walk, swim, strength, "
            "other); kept over re-imports, like `activity set-sport`",
        ),
    ] = None,
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
) -> None:
    """Import activity files: a file seen before adds nothing, a broken one is logged."""
    for text in paths:
        # Path("") is the current folder: an empty argument (an unset shell variable, say)
        # would import whatever lies there.
        if not text.strip():
            raise InputError(
                "PATH", text, "give a file, folder or zip; an empty path is not the current "
                "folder (write . for that)",
            )  # fmt: skip
    if sport is not None:
        check_sport(sport, "--sport")  # bad input before anything is read
    done: list[FileOutcome] = []
    with opened_inputs([Path(p) for p in paths]) as inputs:  # a missing path: bad input first
        engine = open_warehouse()
        try:
            with Progress(
                TextColumn("importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
                # One file needs no bar; a folder or an archive of many does.
                disable=len(inputs) < 2,
            ) as progress:
                task = progress.add_task("import", total=len(inputs))

                def on_file(outcome: FileOutcome) -> None:
                    done.append(outcome)
                    progress.advance(task)

                summary = import_inputs(engine, name, inputs, on_file=on_file, sport=sport)
        except KeyboardInterrupt:
            stored = sum(1 for o in done if o.status in ("imported", "partial"))
            err_console.print(
                f"interrupted after {len(done)} of {len(inputs)} file(s): the {stored} imported "
                f"({sum(o.activities_added for o in done)} activities) are kept; run the same "
                "import again to resume (files seen before are skipped)",
                markup=False,
            )
            raise typer.Exit(130) from None
        finally:
            engine.dispose()
    if format is TableOrJson.json:
        print_json(summary.as_json(name))
    else:
        _print_summary(name, summary)
    if summary.outcomes and summary.count("failed") == len(summary.outcomes):
        err_console.print(
            f"[bold red]failed:[/] every file failed, nothing was imported for {escape(name)}"
        )
        raise typer.Exit(1)


def _print_summary(name: str, summary: ImportSummary) -> None:
    imported = summary.count("imported") + summary.count("partial")
    console.print(
        f"{name}: {imported} file(s) imported ({summary.activities_added} activities, "
        f"{summary.lift_sets_added} lift sets), {summary.count('duplicate')} duplicate(s) "
        f"skipped, {summary.count('partial')} partial, {summary.count('failed')} failed, "
        f"{summary.count('skipped')} without activities, {summary.count('updated')} updated"
    )
    missing = [o for o in summary.outcomes if o.reason and _MISSING_FILE.search(o.reason)]
    if missing:
        # An export without its activities/ folder would print a line for every row.
        names = [m.group(1) for o in missing if (m := _MISSING_FILE.search(o.reason or ""))]
        example = f"e.g. {names[0]}" if len(missing) > 1 else names[0]
        console.print(
            f"  {len(missing)} Strava row(s) name a file the export does not hold ({example}): "
            "stored from the row's totals, without the file's detail"
        )
    for outcome in summary.outcomes:
        if outcome in missing:
            continue
        if outcome.status in ("partial", "failed", "skipped", "updated") or (
            outcome.status == "imported" and outcome.reason
        ):
            console.print(
                f"  {outcome.status}: {escape(outcome.name)}: {escape(outcome.reason or '')}"
            )
    if summary.count("failed"):
        console.print("  the failed files are recorded in the import log; the others were imported")
    for unusable in summary.unusable():
        ids = ", ".join(str(i) for i in unusable.activity_ids)
        console.print(
            f"{unusable.what}: {unusable.files} file{'s' if unusable.files != 1 else ''}; "
            f"{escape(unusable.fix)}" + (f" (activities {ids})" if ids else "")
        )


@activity_app.command("list")
def activity_list(
    name: Annotated[str, typer.Argument(help="The athlete")],
    from_: Annotated[
        str | None, typer.Option("--from", help="First local date, YYYY-MM-DD")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last local date, YYYY-MM-DD")] = None,
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
    all_: Annotated[
        bool, typer.Option("--all", help="Include deleted activities (marked deleted)")
    ] = False,
) -> None:
    """List an athlete's activities, oldest first (deleted ones only with --all)."""
    start, end = parse_option_date(from_, "--from"), parse_option_date(to, "--to")
    with transaction() as session:
        athlete = get_athlete(session, name)
        found = list_activities(session, athlete.id, start, end, include_deleted=all_)
        rows: list[dict[str, Any]] = [
            {
                "id": a.id,
                "source": a.source,
                "source_id": a.source_id,
                "sport": a.sport,
                "sub_sport": a.sub_sport,
                "start_utc": a.start_utc,
                "local_date": a.local_date,
                # The distance every total counts (a hand correction wins), the source's beside it.
                "distance_m": a.distance_m
                if a.corrected_distance_m is None
                else a.corrected_distance_m,
                "source_distance_m": a.distance_m,
                "moving_s": a.moving_s,
                "elapsed_s": a.elapsed_s,
                "partial": a.partial,
                "canonical_id": a.canonical_id,
                **({"deleted": a.deleted_at is not None} if all_ else {}),
            }
            for a in found
        ]
        corrections = {a.id: a.corrected_distance_m for a in found}
        sports_set = {a.id for a in found if a.corrected_sport is not None}
    if format is TableOrJson.json:
        print_json(rows)
        return
    # Fits 80 columns: id, date, km and time never shrink (an ellipsis there hides the data).
    corrected = any(value is not None for value in corrections.values()) or bool(sports_set)
    table = Table(
        title=f"activities of {name}", box=box.SIMPLE_HEAD, pad_edge=False,
        caption="* corrected by hand (--format json: source_distance_m is the source's)"
        if corrected else None,
    )  # fmt: skip
    for header in ("id", "date", "source", "sport", "km", "moving", "partial", "same as"):
        table.add_column(header, no_wrap=header not in ("source", "sport"), overflow="fold",
                         justify="right" if header in ("km", "moving") else "left")  # fmt: skip
    for r in rows:
        table.add_row(
            str(r["id"]) + (" (deleted)" if r.get("deleted") else ""),
            r["local_date"].isoformat(), r["source"],
            _sport(r["sport"], r["sub_sport"]) + ("*" if r["id"] in sports_set else ""),
            _km(r["distance_m"], corrections[r["id"]]),
            _duration(r["moving_s"]), "yes" if r["partial"] else "",
            _canonical(r["id"], r["canonical_id"]),
        )  # fmt: skip
    console.print(table)


def _sport(sport: str, sub_sport: str | None) -> str:
    """`run (treadmill)`; a sub-sport that repeats the sport (`strength_training`) is left out."""
    if sub_sport in (None, "generic") or sport in sub_sport or sub_sport in sport:
        return sport
    return f"{sport} ({sub_sport})"


def _km(metres: float | None, corrected: float | None) -> str:
    if corrected is not None:
        return f"{corrected / 1000:.2f}*"
    return "" if metres is None else f"{metres / 1000:.2f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _canonical(row_id: int, canonical_id: int | None) -> str:
    return "" if canonical_id in (None, row_id) else str(canonical_id)
