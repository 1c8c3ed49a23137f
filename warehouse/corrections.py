"""A person's corrections of what was recorded: deleting and restoring activities, editing and
deleting lift sets. Every one marks the athlete dirty in the same transaction, so the weekly
load and the next plan follow.

Deletions of anything a source may send again (an activity, a synced or imported set) are an
overlay (`deleted_at`) that source upserts never write: a re-import or a re-sync cannot bring the
row back. A set a person typed (source `manual`) is deleted outright: nothing would resend it,
and typing it again must add it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warehouse.dirty import mark_dirty
from warehouse.errors import BadInput, NotFound
from warehouse.lift_links import lift_set, relink_lift_days
from warehouse.lifts import next_set_index
from warehouse.models import Activity as ActivityRow
from warehouse.models import LiftSet as LiftSetRow


def _activity(session: Session, activity_id: int) -> ActivityRow:
    row = session.get(ActivityRow, activity_id)
    if row is None:
        raise NotFound(
            f"activity={activity_id} does not exist: find ids with "
            "`ironmiles activity list NAME --all`"
        )
    return row


def _copies(session: Session, row: ActivityRow) -> list[ActivityRow]:
    """The activity and every copy linked with it (one run, several sources)."""
    if row.canonical_id is None:
        return [row]
    return list(
        session.scalars(select(ActivityRow).where(ActivityRow.canonical_id == row.canonical_id))
    ) or [row]


def delete_activity(session: Session, activity_id: int, *, now: datetime) -> list[ActivityRow]:
    """Take an activity out of every total and list, with its linked copies (they are the same
    activity); a re-import or re-sync keeps it deleted. Returns the rows deleted."""
    row = _activity(session, activity_id)
    rows = _copies(session, row)
    for each in rows:
        if each.deleted_at is None:
            each.deleted_at = now
    mark_dirty(session, row.athlete_id)
    return rows


def restore_activity(session: Session, activity_id: int) -> list[ActivityRow]:
    """Undo `delete_activity` for the activity and its linked copies."""
    row = _activity(session, activity_id)
    if row.deleted_at is None:
        raise BadInput(
            f"activity={activity_id} is not deleted: nothing to restore "
            "(deleted ones are listed by `ironmiles activity list NAME --all`)"
        )
    rows = _copies(session, row)
    for each in rows:
        each.deleted_at = None
    mark_dirty(session, row.athlete_id)
    return rows


@dataclass(frozen=True, slots=True, kw_only=True)
class LiftEdit:
    """The fields a person changes on one set; None leaves a field as it is."""

    performed_on: date | None = None
    exercise: str | None = None
    reps: int | None = None
    weight_kg: float | None = None
    rir: int | None = None
    rpe: float | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__slots__)


def edit_lift(session: Session, set_id: int, change: LiftEdit, *, now: datetime) -> LiftSetRow:
    """Change one set, with its linked copies (the same set from other sources: they stay
    linked and it still counts once). A re-sync or re-import leaves an edited set as it is."""
    row = lift_set(session, set_id)
    if row.deleted_at is not None:
        raise BadInput(f"lift={set_id} is deleted: nothing to edit")
    copies = [row]
    if row.canonical_id is not None:
        copies = list(
            session.scalars(
                select(LiftSetRow)
                .where(LiftSetRow.canonical_id == row.canonical_id)
                .where(LiftSetRow.deleted_at.is_(None))
                .order_by(LiftSetRow.id)
            )
        ) or [row]
    days = {each.performed_on for each in copies}
    for each in copies:
        _apply(session, each, change)
        each.edited_at = now
        days.add(each.performed_on)
    relink_lift_days(session, row.athlete_id, days)
    mark_dirty(session, row.athlete_id)
    return row


def _apply(session: Session, row: LiftSetRow, change: LiftEdit) -> None:
    moved = (change.performed_on not in (None, row.performed_on)) or (
        change.exercise not in (None, row.exercise)
    )
    if change.performed_on is not None:
        row.performed_on = change.performed_on
    if change.exercise is not None:
        row.exercise = change.exercise
    if moved and row.source == "manual":
        # A typed set is keyed by its day, exercise and number: it moves to the end of its new
        # day's sets of that exercise, so typing the old day's set again adds it anew.
        session.flush()
        row.set_index = next_set_index(session, row.athlete_id, row.performed_on, row.exercise)
        row.source_id = f"{row.performed_on.isoformat()}:{row.exercise}:{row.set_index}"
    for name in ("reps", "weight_kg", "rir", "rpe"):
        value = getattr(change, name)
        if value is not None:
            setattr(row, name, value)


def delete_lift_sets(session: Session, rows: Sequence[LiftSetRow], *, now: datetime) -> int:
    """Delete sets with their linked copies (the same set from other sources); returns how many
    rows went (typed ones) or were marked deleted (synced or imported ones)."""
    if not rows:
        return 0
    athlete_id = rows[0].athlete_id
    wanted = {row.id for row in rows}
    canonical = {row.canonical_id for row in rows if row.canonical_id is not None}
    for start in range(0, len(canonical), 500):
        chunk = sorted(canonical)[start : start + 500]
        wanted.update(
            session.scalars(select(LiftSetRow.id).where(LiftSetRow.canonical_id.in_(chunk)))
        )
    targets = session.scalars(select(LiftSetRow).where(LiftSetRow.id.in_(sorted(wanted)))).all()
    days = {row.performed_on for row in targets}
    typed = [row.id for row in targets if row.source == "manual"]
    for row in targets:
        if row.source != "manual" and row.deleted_at is None:
            row.deleted_at = now
    session.flush()
    if typed:
        # Copies pointing at a typed set lose their canonical (ON DELETE SET NULL); they are
        # marked deleted above, and relinking below makes them their own again.
        session.execute(delete(LiftSetRow).where(LiftSetRow.id.in_(typed)))
        session.expire_all()
    relink_lift_days(session, athlete_id, days)
    mark_dirty(session, athlete_id)
    return len(targets)


def lift_sets_of_day(
    session: Session, athlete_id: int, day: date, exercise: str | None = None
) -> list[LiftSetRow]:
    query = (
        select(LiftSetRow)
        .where(LiftSetRow.athlete_id == athlete_id)
        .where(LiftSetRow.performed_on == day)
        .where(LiftSetRow.deleted_at.is_(None))
    )
    if exercise is not None:
        query = query.where(LiftSetRow.exercise == exercise)
    return list(session.scalars(query.order_by(LiftSetRow.set_index, LiftSetRow.id)))
