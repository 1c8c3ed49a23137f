"""Linking copies of one lift session from several sources, so that every set counts once.

The same gym session often arrives two or three times: the watch's FIT file, the Garmin API's
exercise sets, and the athlete's own manual entry or CSV of the day. Sets are copies of each
other when they belong to the same athlete (callers pass one athlete's sets), the same local
day, the same exercise, have the same reps and weight (to the nearest 0.5 kg: a weight typed in
pounds is rounded differently by each source), and come in the same order within their
exercise. Copies point at one canonical set, which is the one weekly load and plans count; the
source rows all stay.

The canonical copy is the most preferred source's (connectors.records.SOURCE_PREFERENCE:
Garmin's API, then the FIT file, then manual entry). The Garmin API carries the exercise names
the athlete may have corrected in Garmin Connect, the FIT file the watch's own record; manual
entry ranks last because its figures are the same (they had to match to be linked) and the
watch's copy also knows the set's start time. What manual entry has that the watch lacks (RIR)
is read from the linked copies where the canonical set has none (see `rir_of_groups`).

A person's decisions win over the rule: a set unlinked (`link_locked`) stays its own canonical
copy across every re-sync, and deleted sets take no part in linking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Protocol, TypeVar

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from connectors.records import SOURCE_PREFERENCE
from warehouse.dirty import mark_dirty
from warehouse.errors import NotFound
from warehouse.link_updates import changed_values, write_changes
from warehouse.linking import lock_linking
from warehouse.models import LiftSet as LiftSetRow


class LinkableSet(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def exercise(self) -> str: ...
    @property
    def reps(self) -> int: ...
    @property
    def weight_kg(self) -> float: ...
    @property
    def session_id(self) -> int: ...
    @property
    def set_index(self) -> int: ...
    @property
    def id(self) -> int: ...


S = TypeVar("S", bound=LinkableSet)


def match_key(lift_set: LinkableSet) -> tuple[int, int]:
    """What must be equal for two sets to be copies: reps, and the weight in half kilos."""
    return lift_set.reps, round(lift_set.weight_kg * 2)


def _rank(source: str) -> int:
    return SOURCE_PREFERENCE.get(source, len(SOURCE_PREFERENCE))


def group_day(sets: Sequence[S]) -> list[list[S]]:
    """Partition one athlete's sets of one day into groups of copies (singletons included),
    each group ordered canonical first (the most preferred source).

    Per exercise, the sources are aligned in preference order: each source's sets, in their
    order, are matched against the groups found so far with the longest in-order matching
    (difflib), so an extra warm-up logged by hand does not shift every later pair.
    """
    by_exercise: dict[str, dict[str, list[S]]] = {}
    for lift_set in sorted(sets, key=lambda s: (s.session_id, s.set_index, s.id)):
        by_exercise.setdefault(lift_set.exercise, {}).setdefault(lift_set.source, []).append(
            lift_set
        )
    groups: list[list[S]] = []
    for by_source in by_exercise.values():
        sources = sorted(by_source, key=lambda source: (_rank(source), source))
        found: list[list[S]] = [[s] for s in by_source[sources[0]]]
        for source in sources[1:]:
            mine = by_source[source]
            matcher = SequenceMatcher(
                None, [match_key(g[0]) for g in found], [match_key(s) for s in mine],
                autojunk=False,
            )  # fmt: skip
            matched: set[int] = set()
            for block in matcher.get_matching_blocks():
                for offset in range(block.size):
                    found[block.a + offset].append(mine[block.b + offset])
                    matched.add(block.b + offset)
            found.extend([s] for i, s in enumerate(mine) if i not in matched)
        groups.extend(found)
    return groups


@dataclass(slots=True)
class _DaySet:
    """What linking reads of a set (warehouse.link_updates: not the whole ORM row)."""

    id: int
    source: str
    exercise: str
    reps: int
    weight_kg: float
    session_id: int
    set_index: int
    performed_on: date
    link_locked: bool
    deleted_at: datetime | None
    canonical_id: int | None


_SETS: Table = LiftSetRow.__table__  # type: ignore[assignment]
_ON_DAYS = select(*(_SETS.c[f.name] for f in fields(_DaySet))).where(
    _SETS.c.athlete_id == bindparam("athlete_id"),
    _SETS.c.performed_on.in_(bindparam("days", expanding=True)),
)


def relink_lift_days(session: Session, athlete_id: int, days: Iterable[date]) -> int:
    """Recompute the links among the athlete's sets on `days`; returns the rows changed."""
    wanted = sorted(set(days))
    if not wanted:
        return 0
    session.flush()
    lock_linking(session, athlete_id)  # one linker per athlete at a time
    changed = 0
    for start in range(0, len(wanted), 500):
        found = session.execute(
            _ON_DAYS, {"athlete_id": athlete_id, "days": wanted[start : start + 500]}
        ).all()
        rows = [_DaySet(*row) for row in found]
        by_day: dict[date, list[_DaySet]] = {}
        for row in rows:
            if row.link_locked or row.deleted_at is not None:
                if row.canonical_id != row.id:
                    row.canonical_id = row.id
                    changed += 1
                continue
            by_day.setdefault(row.performed_on, []).append(row)
        for day_rows in by_day.values():
            for group in group_day(day_rows):
                for row in group:
                    if row.canonical_id != group[0].id:
                        row.canonical_id = group[0].id
                        changed += 1
        write_changes(session, LiftSetRow, changed_values(rows, found, ("canonical_id",)))
    if changed:
        mark_dirty(session, athlete_id)
    return changed


# Built once: every imported strength file runs it. Any set without a canonical copy (a new one,
# or one whose canonical set was removed: ON DELETE SET NULL) becomes its own.
_MAKE_CANONICAL = (
    update(_SETS)
    .where(_SETS.c.athlete_id == bindparam("athlete"), _SETS.c.canonical_id.is_(None))
    .values(canonical_id=_SETS.c.id)
)


def make_new_sets_canonical(session: Session, athlete_id: int) -> None:
    """A new set is its own canonical copy until linking says otherwise."""
    session.execute(_MAKE_CANONICAL, {"athlete": athlete_id})


def lift_set(session: Session, set_id: int) -> LiftSetRow:
    row = session.get(LiftSetRow, set_id)
    if row is None:
        raise NotFound(f"lift={set_id} does not exist: find ids with `ironmiles lift list NAME`")
    return row


def unlink_lift(session: Session, set_id: int, *, whole_session: bool = False) -> list[LiftSetRow]:
    """Make the set (or every set of its session's copy, with `whole_session`) its own
    canonical copy for good; the copies it leaves relink among themselves. Idempotent."""
    row = lift_set(session, set_id)
    rows = [row]
    if whole_session:
        rows = list(
            session.scalars(
                select(LiftSetRow)
                .where(LiftSetRow.session_id == row.session_id)
                .where(LiftSetRow.deleted_at.is_(None))
                .order_by(LiftSetRow.set_index, LiftSetRow.id)
            )
        )
    for each in rows:
        each.link_locked = True
        each.canonical_id = each.id
    relink_lift_days(session, row.athlete_id, {each.performed_on for each in rows})
    mark_dirty(session, row.athlete_id)
    return rows


def linked_copies(session: Session, canonical_ids: Sequence[int]) -> dict[int, list[LiftSetRow]]:
    """canonical id -> the other copies linked to it."""
    copies: dict[int, list[LiftSetRow]] = {}
    for start in range(0, len(canonical_ids), 500):
        rows = session.scalars(
            select(LiftSetRow)
            .where(LiftSetRow.canonical_id.in_(canonical_ids[start : start + 500]))
            .where(LiftSetRow.canonical_id != LiftSetRow.id)
        )
        for row in rows:
            assert row.canonical_id is not None
            copies.setdefault(row.canonical_id, []).append(row)
    return copies
