"""Lift sessions and sets: idempotent writes by natural key, and the list coaches read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from connectors.records import LiftSet, RecordSource
from warehouse.dirty import mark_dirty
from warehouse.errors import NotFound
from warehouse.events import record_lift_logged
from warehouse.lift_links import make_new_sets_canonical, relink_lift_days
from warehouse.models import Athlete, BodyWeight, LiftSession
from warehouse.models import LiftSet as LiftSetRow
from warehouse.upsert import upsert_rows

# What a re-read of the same source may change; notes and corrections made here are kept, and a
# set a person edited (`edited_at`) is not updated at all.
SET_UPDATE_COLUMNS = (
    "session_id",
    "performed_on",
    "start_utc",
    "exercise",
    "set_index",
    "reps",
    "weight_kg",
    "rir",
    "rpe",
    "warmup",
    "raw",
    "exercise_guessed",
)
# Never updated by a re-read: `confirmed` is a person's decision. Manual entry inserts it true
# (a person typed the set and it passed the plausibility check); every other source false.
PERSON_COLUMNS = ("confirmed",)


@dataclass(frozen=True, slots=True)
class StoredSets:
    """How many of the given sets were new."""

    added: int
    unchanged: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredLiftSet:
    """A stored lift set: the record (connectors.records.LiftSet, the one shape of a set that
    connectors, warehouse and flows share) with its id in `lift_sets` and whether a person
    vouched for it (`lift confirm`, or manual entry), which no source says."""

    id: int
    record: LiftSet
    confirmed: bool = False


def stored_lift_set(row: LiftSetRow) -> StoredLiftSet:
    """The stored row as the record it was stored from (the one mapping back; the session's
    own source id is not read back: a stored set knows its session by `session_id`)."""
    record = LiftSet(
        # Written from a record's source only (store_lift_sets), so it is one of them.
        source=cast(RecordSource, row.source),
        source_id=row.source_id,
        performed_on=row.performed_on,
        exercise=row.exercise,
        set_index=row.set_index,
        reps=row.reps,
        weight_kg=row.weight_kg,
        rir=row.rir,
        rpe=row.rpe,
        warmup=row.warmup,
        notes=row.notes,
        start_utc=row.start_utc,
        raw=row.raw,
        exercise_guessed=row.exercise_guessed,
    )
    return StoredLiftSet(id=row.id, record=record, confirmed=row.confirmed)


def session_key(lift_set: LiftSet) -> str:
    """Sets group into one session per source activity, or per day for manual entry."""
    return lift_set.session_source_id or f"{lift_set.performed_on.isoformat()}"


def store_lift_sets(
    session: Session,
    athlete_id: int,
    sets: Sequence[LiftSet],
    *,
    activity_ids: dict[str, int] | None = None,
) -> StoredSets:
    """Upsert sets (and their sessions) by (athlete, source, source_id); marks the athlete dirty.

    `activity_ids` maps a set's `session_source_id` to the stored activity it belongs to.
    """
    if not sets:
        return StoredSets(0, 0)
    existing = _existing_source_ids(session, athlete_id, sets)
    session_ids = _ensure_sessions(session, athlete_id, sets, activity_ids or {})
    rows = [
        {
            "athlete_id": athlete_id,
            "session_id": session_ids[(s.source, session_key(s))],
            "source": s.source,
            "source_id": s.source_id,
            "performed_on": s.performed_on,
            "start_utc": s.start_utc,
            "exercise": s.exercise,
            "set_index": s.set_index,
            "reps": s.reps,
            "weight_kg": s.weight_kg,
            "rir": s.rir,
            "rpe": s.rpe,
            "warmup": s.warmup,
            "notes": s.notes,
            "raw": dict(s.raw),
            "exercise_guessed": s.exercise_guessed,
            "confirmed": s.source == "manual",
        }
        for s in sets
    ]
    upsert_rows(
        session,
        _SETS,
        rows,
        key=("athlete_id", "source", "source_id"),
        update=SET_UPDATE_COLUMNS,
        unless_set="edited_at",
    )
    make_new_sets_canonical(session, athlete_id)
    relink_lift_days(session, athlete_id, {s.performed_on for s in sets})
    mark_dirty(session, athlete_id)
    added = sum(1 for s in {(s.source, s.source_id) for s in sets} if s not in existing)
    new_sets = {(s.source, s.source_id): s.performed_on for s in sets}
    record_lift_logged(
        session,
        athlete_id,
        [(src, sid, day) for (src, sid), day in new_sets.items() if (src, sid) not in existing],
    )
    return StoredSets(added=added, unchanged=len(sets) - added)


_SETS: Table = LiftSetRow.__table__  # type: ignore[assignment]
_SESSIONS: Table = LiftSession.__table__  # type: ignore[assignment]
# Built once: every imported strength file runs it (see warehouse.activities).
_STORED_SET_IDS = select(_SETS.c.source_id).where(
    _SETS.c.athlete_id == bindparam("athlete_id"), _SETS.c.source == bindparam("source"),
    _SETS.c.source_id.in_(bindparam("source_ids", expanding=True)),
)  # fmt: skip


def _existing_source_ids(
    session: Session, athlete_id: int, sets: Sequence[LiftSet]
) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for source in {s.source for s in sets}:
        ids = [s.source_id for s in sets if s.source == source]
        for start in range(0, len(ids), 500):
            chunk = {
                "athlete_id": athlete_id,
                "source": source,
                "source_ids": ids[start : start + 500],
            }
            found.update((source, sid) for sid in session.scalars(_STORED_SET_IDS, chunk))
    return found


def _ensure_sessions(
    session: Session,
    athlete_id: int,
    sets: Sequence[LiftSet],
    activity_ids: dict[str, int],
) -> dict[tuple[str, str], int]:
    wanted: dict[tuple[str, str], LiftSet] = {}
    for s in sets:
        wanted.setdefault((s.source, session_key(s)), s)
    # Every session given is inserted or updated, so RETURNING gives every id.
    stored = upsert_rows(
        session,
        _SESSIONS,
        [
            {
                "athlete_id": athlete_id,
                "source": source,
                "source_id": key,
                "performed_on": first.performed_on,
                "activity_id": activity_ids.get(first.session_source_id or ""),
            }
            for (source, key), first in wanted.items()
        ],
        key=("athlete_id", "source", "source_id"),
        update=("performed_on", "activity_id"),
        returning=("source", "source_id", "id"),
    )
    return {(row.source, row.source_id): row.id for row in stored}


def body_weight_kg_on(session: Session, athlete: Athlete, day: date) -> float | None:
    """The athlete's body weight on `day`: the latest weigh-in on or before it, else the
    profile's (what plausibility bounds are relative to)."""
    measured = session.scalar(
        select(BodyWeight.weight_kg)
        .where(BodyWeight.athlete_id == athlete.id, BodyWeight.measured_on <= day)
        .order_by(BodyWeight.measured_on.desc(), BodyWeight.id.desc())
        .limit(1)
    )
    return measured if measured is not None else athlete.body_weight_kg


def confirm_lift_set(session: Session, set_id: int) -> LiftSetRow:
    """Mark one set as confirmed by a person; it then counts in the plan whatever it says.
    Raises NotFound (bad input) when no set has that id. Marks the athlete dirty, so weekly
    load and the next plan are recomputed."""
    row = session.get(LiftSetRow, set_id)
    if row is None:
        raise NotFound(
            f"ID={set_id} is not a lift set: give an id shown by `ironmiles lift list NAME`"
        )
    if not row.confirmed:
        row.confirmed = True
        session.flush()
        mark_dirty(session, row.athlete_id)
    return row


def next_set_index(session: Session, athlete_id: int, performed_on: date, exercise: str) -> int:
    """The number the next manual set of this exercise on this day gets (sets count 1, 2, 3...)."""
    highest = session.scalar(
        select(func.max(LiftSetRow.set_index))
        .where(LiftSetRow.athlete_id == athlete_id)
        .where(LiftSetRow.source == "manual")
        .where(LiftSetRow.performed_on == performed_on)
        .where(LiftSetRow.exercise == exercise)
    )
    return (highest or 0) + 1


def list_lift_sets(
    session: Session,
    athlete_id: int,
    start: date | None = None,
    end: date | None = None,
    *,
    include_deleted: bool = False,
) -> Sequence[LiftSetRow]:
    query = select(LiftSetRow).where(LiftSetRow.athlete_id == athlete_id)
    if not include_deleted:
        query = query.where(LiftSetRow.deleted_at.is_(None))
    if start is not None:
        query = query.where(LiftSetRow.performed_on >= start)
    if end is not None:
        query = query.where(LiftSetRow.performed_on <= end)
    order = (LiftSetRow.performed_on, LiftSetRow.session_id, LiftSetRow.exercise)
    return session.scalars(query.order_by(*order, LiftSetRow.set_index, LiftSetRow.id)).all()
