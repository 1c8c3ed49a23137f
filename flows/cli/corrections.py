"""Corrections of recorded data: `ironmiles lift edit|delete|unlink` and
`ironmiles activity delete|restore` (attached to the `lift` and `activity` groups in
flows/cli/__init__.py). Each change is one transaction, then the athlete's weekly load and next
plan are recomputed (flows/cli/recompute.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from connectors.errors import InputError
from connectors.manual import (
    REPS,
    RIR,
    RPE,
    parse_date,
    parse_exercise,
    parse_float,
    parse_int,
    weight_to_kg,
)
from flows.cli import common
from flows.cli.common import ROW_ID_MAX, console, transaction, utc_today
from flows.cli.lifts import _unit
from flows.cli.recompute import recompute
from warehouse.athletes import get_athlete
from warehouse.corrections import (
    LiftEdit,
    delete_activity,
    delete_lift_sets,
    edit_lift,
    lift_sets_of_day,
    restore_activity,
)
from warehouse.lift_links import lift_set, unlink_lift

SetId = Annotated[
    int,
    typer.Argument(
        metavar="ID", help="The set's id (`ironmiles lift list`)", min=1, max=ROW_ID_MAX
    ),
]
ActivityId = Annotated[
    int,
    typer.Argument(
        metavar="ID", help="The activity's id (`ironmiles activity list`)", min=1, max=ROW_ID_MAX
    ),
]


def lift_edit(
    set_id: SetId,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD")] = None,
    exercise: Annotated[str | None, typer.Option(help="e.g. 'back squat'")] = None,
    reps: Annotated[str | None, typer.Option(help="Reps of the set")] = None,
    weight: Annotated[str | None, typer.Option(help="External load (0 for body weight)")] = None,
    rir: Annotated[str | None, typer.Option(help="Reps in reserve, 0-10")] = None,
    rpe: Annotated[str | None, typer.Option(help="RPE, 1-10")] = None,
    unit: Annotated[str, typer.Option(help="Unit of --weight: kg or lb")] = "kg",
) -> None:
    """Correct one set (and its copies from other sources); re-syncs keep the correction."""
    change = LiftEdit(
        performed_on=parse_date(date, today=utc_today()) if date is not None else None,
        exercise=parse_exercise(exercise) if exercise is not None else None,
        reps=parse_int(reps, "reps", REPS) if reps is not None else None,
        weight_kg=weight_to_kg(weight, _unit(unit), field="weight") if weight is not None else None,
        rir=parse_int(rir, "rir", RIR) if rir is not None else None,
        rpe=parse_float(rpe, "rpe", RPE) if rpe is not None else None,
    )
    if change.is_empty():
        raise InputError(
            "options", "", "say what to change: --date, --exercise, --reps, --weight, --rir, --rpe"
        )
    with transaction() as session:
        row = edit_lift(session, set_id, change, now=common.utc_now())
        athlete_id = row.athlete_id
        shown = f"{row.performed_on} {row.exercise} set {row.set_index}: {row.reps} x "
        shown += f"{row.weight_kg:g} kg"
    console.print(f"lift {set_id} is now {shown}", markup=False)
    recompute(athlete_id)


def lift_delete(
    target: Annotated[
        str, typer.Argument(metavar="ID|NAME", help="A set's id, or with --date the athlete")
    ],
    date: Annotated[
        str | None, typer.Option("--date", help="Delete every set of NAME that day, YYYY-MM-DD")
    ] = None,
    exercise: Annotated[str | None, typer.Option(help="With --date: only this exercise")] = None,
) -> None:
    """Delete one set (`lift delete ID`) or a day's sets (`lift delete NAME --date D
    [--exercise E]`); their copies from other sources go too, and no re-sync brings them back."""
    with transaction() as session:
        if date is None:
            if exercise is not None:
                raise InputError("--exercise", exercise, "give it with NAME --date D only")
            if not target.strip().isdigit() or not 1 <= int(target) <= ROW_ID_MAX:
                raise InputError(
                    "ID", target, "give a set's id (`ironmiles lift list NAME`), or NAME --date D"
                )
            rows = [lift_set(session, int(target))]
            if rows[0].deleted_at is not None:
                raise InputError("ID", target, "that set is deleted already")
            what = f"lift {target}"
        else:
            athlete = get_athlete(session, target)
            day = parse_date(date, today=utc_today())
            slug = parse_exercise(exercise) if exercise is not None else None
            rows = lift_sets_of_day(session, athlete.id, day, slug)
            if not rows:
                raise InputError(
                    "--date", date, f"{target} has no {slug or 'lift'} sets that day: see "
                    f"`ironmiles lift list {target} --from {day} --to {day}`",
                )  # fmt: skip
            what = f"{slug or 'all'} sets of {target} on {day}"
        athlete_id = rows[0].athlete_id
        count = delete_lift_sets(session, rows, now=common.utc_now())
    console.print(f"deleted {what} ({count} row(s), copies from other sources included)")
    recompute(athlete_id)


def lift_unlink(
    set_id: SetId,
    session_: Annotated[
        bool, typer.Option("--session", help="Unlink every set of this set's session")
    ] = False,
) -> None:
    """Undo a wrong link between copies of a set: it counts on its own from now on, for good."""
    with transaction() as session:
        rows = unlink_lift(session, set_id, whole_session=session_)
        athlete_id = rows[0].athlete_id
    console.print(f"unlinked {len(rows)} set(s) from {rows[0].source}; they stay so")
    recompute(athlete_id)


def activity_delete(activity_id: ActivityId) -> None:
    """Take an activity (and its copies from other sources) out of every total and list;
    re-imports and re-syncs keep it deleted. `activity restore ID` undoes it."""
    with transaction() as session:
        rows = delete_activity(session, activity_id, now=common.utc_now())
        athlete_id = rows[0].athlete_id
    console.print(
        f"deleted activity {activity_id} ({len(rows)} copy/copies); "
        f"undo with `ironmiles activity restore {activity_id}`"
    )
    recompute(athlete_id)


def activity_restore(activity_id: ActivityId) -> None:
    """Bring a deleted activity (and its copies) back into the totals."""
    with transaction() as session:
        rows = restore_activity(session, activity_id)
        athlete_id = rows[0].athlete_id
    console.print(f"restored activity {activity_id} ({len(rows)} copy/copies)")
    recompute(athlete_id)
