"""`ironmiles lift add|import|list` (edit, delete and unlink: flows/cli/corrections.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from connectors.errors import InputError, InputErrors
from connectors.manual import (
    REPS,
    RIR,
    RPE,
    SETS,
    LiftEntry,
    manual_set,
    parse_date,
    parse_exercise,
    parse_float,
    parse_int,
    parse_lift_csv,
    weight_to_kg,
)
from flows.cli.common import (
    TableOrJson,
    console,
    parse_option_date,
    print_json,
    transaction,
    utc_today,
)
from warehouse.athletes import get_athlete
from warehouse.imports_log import log_import
from warehouse.lifts import list_lift_sets, next_set_index, store_lift_sets

lift_app = typer.Typer(no_args_is_help=True, help="Record, import and list lifts.")

Unit = Literal["kg", "lb"]
MAX_CSV_BYTES = 20_000_000


def _unit(text: str) -> Unit:
    if text == "kg":
        return "kg"
    if text == "lb":
        return "lb"
    raise InputError("unit", text, "use kg or lb")


@lift_app.command("add")
def lift_add(
    name: Annotated[str, typer.Argument(help="The athlete")],
    date: Annotated[str, typer.Option("--date", help="YYYY-MM-DD")],
    exercise: Annotated[str, typer.Option(help="e.g. 'back squat', BSS, deadlift")],
    sets: Annotated[str, typer.Option(help="How many sets of this weight and reps")],
    reps: Annotated[str, typer.Option(help="Reps per set (per leg for single-leg work)")],
    weight: Annotated[str, typer.Option(help="External load per set (0 for body weight)")],
    rir: Annotated[
        str | None, typer.Option(help="Reps in reserve after the last set, 0-10")
    ] = None,
    rpe: Annotated[str | None, typer.Option(help="Session RPE, 1-10")] = None,
    unit: Annotated[str, typer.Option(help="kg or lb")] = "kg",
    warmup: Annotated[bool, typer.Option("--warmup", help="These are warm-up sets")] = False,
) -> None:
    """Record sets of one exercise; they are numbered after any already logged that day."""
    entry = LiftEntry(
        performed_on=parse_date(date, today=utc_today()),
        exercise=parse_exercise(exercise),
        reps=parse_int(reps, "reps", REPS),
        weight_kg=weight_to_kg(weight, _unit(unit), field="weight"),
        rir=parse_int(rir, "rir", RIR) if rir is not None else None,
        rpe=parse_float(rpe, "rpe", RPE) if rpe is not None else None,
        warmup=warmup,
    )
    count = parse_int(sets, "sets", SETS)
    with transaction() as session:
        athlete = get_athlete(session, name)
        first = next_set_index(session, athlete.id, entry.performed_on, entry.exercise)
        if first + count - 1 > SETS[1]:
            raise InputError(
                "sets", sets, f"{entry.exercise} on {entry.performed_on} already has {first - 1} "
                f"sets; at most {SETS[1]} a day",
            )  # fmt: skip
        raw = {"command": "lift add", "sets": count, "unit": unit}
        records = [manual_set(entry, first + i, raw) for i in range(count)]
        store_lift_sets(session, athlete.id, records)
    console.print(
        f"added {count} x {entry.reps} {entry.exercise} @ {entry.weight_kg:g} kg "
        f"on {entry.performed_on} for {name}"
    )


@lift_app.command("import")
def lift_import(
    name: Annotated[str, typer.Argument(help="The athlete")],
    file: Annotated[
        Path, typer.Argument(help="CSV: date,exercise,set,reps,weight_kg,rir,rpe,notes")
    ],
    unit: Annotated[str, typer.Option(help="Unit of the weight column: kg or lb")] = "kg",
) -> None:
    """Import a lift CSV, all or nothing; importing the same file again adds nothing."""
    data = _read_csv_bytes(file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            "file", str(file), f"save it as UTF-8 (byte {error.start} is not)"
        ) from None
    try:
        records = parse_lift_csv(text, unit=_unit(unit), today=utc_today())
    except InputError as error:
        if error.field != "file" or error.line is not None or isinstance(error, InputErrors):
            raise
        # The parser sees text, not the path: name the file the user gave.
        raise InputError("file", str(file), error.fix) from None
    with transaction() as session:
        athlete = get_athlete(session, name)
        stored = store_lift_sets(session, athlete.id, records)
        log_import(
            session, athlete.id, kind="lift_csv", path=str(file),
            sha256=hashlib.sha256(data).hexdigest(),
            status="imported" if stored.added else "duplicate", records=stored.added,
        )  # fmt: skip
    console.print(
        f"imported {stored.added} new set(s) from {file} for {name}; "
        f"{stored.unchanged} already known"
    )


def _read_csv_bytes(file: Path) -> bytes:
    if not file.is_file():
        raise InputError("file", str(file), "give the path of an existing CSV file")
    if file.stat().st_size > MAX_CSV_BYTES:
        raise InputError("file", str(file), f"split files larger than {MAX_CSV_BYTES} bytes")
    return file.read_bytes()


@lift_app.command("list")
def lift_list(
    name: Annotated[str, typer.Argument(help="The athlete")],
    from_: Annotated[str | None, typer.Option("--from", help="First date, YYYY-MM-DD")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last date, YYYY-MM-DD")] = None,
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
) -> None:
    """List an athlete's sets, oldest first."""
    start, end = parse_option_date(from_, "--from"), parse_option_date(to, "--to")
    with transaction() as session:
        athlete = get_athlete(session, name)
        rows = [
            {
                "id": s.id,
                "date": s.performed_on.isoformat(),
                "exercise": s.exercise,
                "set": s.set_index,
                "reps": s.reps,
                "weight_kg": s.weight_kg,
                "rir": s.rir,
                "rpe": s.rpe,
                "warmup": s.warmup,
                "source": s.source,
                # differs from id for a copy of a set another source also sent (it counts once)
                "canonical_id": s.canonical_id,
            }
            for s in list_lift_sets(session, athlete.id, start, end)
        ]
    if format is TableOrJson.json:
        print_json(rows)
        return
    table = Table("id", "date", "exercise", "set", "reps", "kg", "RIR", "RPE", "warm-up",
                  "source", "linked to", title=f"lifts of {name}")  # fmt: skip
    for r in rows:
        table.add_row(
            str(r["id"]), str(r["date"]), str(r["exercise"]), str(r["set"]), str(r["reps"]),
            f"{r['weight_kg']:g}", _blank(r["rir"]), _blank(r["rpe"]),
            "yes" if r["warmup"] else "", str(r["source"]),
            "" if r["canonical_id"] in (None, r["id"]) else str(r["canonical_id"]),
        )  # fmt: skip
    console.print(table)


def _blank(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
