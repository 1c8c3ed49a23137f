"""`ironmiles lift add|import|list|confirm` (edit, delete and unlink: flows/cli/corrections.py)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy.orm import Session

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
from engine.errors import EngineError
from engine.prescription import RuleParams, implausible_reason
from engine.prescription.plausibility import ignored_because
from flows.cli.common import (
    ROW_ID_MAX,
    TableOrJson,
    console,
    parse_option_date,
    print_json,
    transaction,
    utc_today,
)
from flows.lift_sets import engine_set
from warehouse.athletes import get_athlete
from warehouse.import_log import log_import
from warehouse.lifts import (
    body_weight_kg_on,
    confirm_lift_set,
    list_lift_sets,
    next_set_index,
    store_lift_sets,
    stored_lift_set,
)
from warehouse.models import Athlete
from warehouse.models import LiftSet as LiftSetRow

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
        load = (entry.exercise, entry.weight_kg, entry.performed_on, "")
        _refuse_implausible(session, athlete, [load], field="weight", value=weight, unit=unit)
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
        _refuse_implausible(
            session, athlete,
            [(r.exercise, r.weight_kg, r.performed_on, f" (set {r.set_index})") for r in records],
            field="weight_kg", value=None, unit=unit,
        )  # fmt: skip
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


def _refuse_implausible(
    session: Session,
    athlete: Athlete,
    loads: list[tuple[str, float, date, str]],
    *,
    field: str,
    value: str | None,
    unit: str,
) -> None:
    """Manual entry refuses a load beyond plausibility (the engine's bounds, with the
    athlete's overrides): a typo or a unit mix-up must not become next week's plan."""
    try:
        params = RuleParams().with_overrides(athlete.rule_overrides or {})
    except EngineError as error:
        raise InputError("rule_overrides", athlete.name, str(error)) from None
    for exercise, weight_kg, day, where in loads:
        body_weight = body_weight_kg_on(session, athlete, day)
        reason = implausible_reason(exercise, weight_kg, body_weight, params)
        if reason is None:
            continue
        shown = value if value is not None else f"{weight_kg:g}"
        raise InputError(
            field,
            shown,
            f"{exercise} on {day}{where}: {reason}. Check the number and the unit "
            f"(--unit {unit} was used); if the load is real, a coach can raise the bound with "
            f"`ironmiles athlete set {athlete.name} --param {_bound_param(reason)}=KG`",
        )


def _bound_param(reason: str) -> str:
    if "more than any set" in reason:
        return "plausible_set_max_kg"
    if "body weight" in reason:
        return "plausible_squat_bw_ratio"
    return "plausible_squat_max_kg"


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
        params = _params_or_defaults(athlete)
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
                "confirmed": s.confirmed,
                "exercise_guessed": s.exercise_guessed,
                "_held": _held_back(s, body_weight_kg_on(session, athlete, s.performed_on), params),
                # differs from id for a copy of a set another source also sent (it counts once)
                "canonical_id": s.canonical_id,
            }
            for s in list_lift_sets(session, athlete.id, start, end)
        ]
    held = [row.pop("_held") for row in rows]
    if format is TableOrJson.json:
        print_json(rows)
        return
    table = Table("id", "date", "exercise", "set", "reps", "kg", "RIR", "RPE", "warm-up",
                  "source", "status", "linked to", title=f"lifts of {name}")  # fmt: skip
    for r, why in zip(rows, held, strict=True):
        guess = " (watch's guess)" if r["exercise_guessed"] and not r["confirmed"] else ""
        table.add_row(
            str(r["id"]), str(r["date"]), f"{r['exercise']}{guess}", str(r["set"]),
            str(r["reps"]), f"{r['weight_kg']:g}", _blank(r["rir"]), _blank(r["rpe"]),
            "yes" if r["warmup"] else "", str(r["source"]),
            f"unconfirmed: {why}" if why else ("confirmed" if r["confirmed"] else ""),
            "" if r["canonical_id"] in (None, r["id"]) else str(r["canonical_id"]),
        )  # fmt: skip
    console.print(table)
    if any(held):
        console.print("unconfirmed sets are left out of the plan: `ironmiles lift confirm ID`")


@lift_app.command("confirm")
def lift_confirm(
    set_id: Annotated[
        int, typer.Argument(metavar="ID", help="The set's id (`lift list`)", min=1, max=ROW_ID_MAX)
    ],
) -> None:
    """Confirm a set from a file or a sync (an implausible load, or the watch's guess of the
    exercise): it then counts in the plan as logged."""
    with transaction() as session:
        row = confirm_lift_set(session, set_id)
        athlete = session.get_one(Athlete, row.athlete_id)
        described = (
            f"set {row.id}: {row.performed_on} {row.exercise} {row.reps} x {row.weight_kg:g} kg"
        )
    console.print(f"confirmed {described} for {athlete.name}; the next plan counts it")


def _params_or_defaults(athlete: Athlete) -> RuleParams:
    try:
        return RuleParams().with_overrides(athlete.rule_overrides or {})
    except EngineError:
        return RuleParams()  # listing must work even when stored overrides went stale


def _held_back(row: LiftSetRow, body_weight_kg: float | None, params: RuleParams) -> str | None:
    """Why the plan leaves this set out until it is confirmed, or None (the engine decides)."""
    return ignored_because(engine_set(stored_lift_set(row)), body_weight_kg, params)


def _blank(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
