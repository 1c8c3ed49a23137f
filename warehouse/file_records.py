"""Storing what one activity file gave: all of it in the caller's transaction, or nothing.

One file is one transaction (the caller's `session_scope`): its activities, its lift sessions and
sets, the dirty mark and its import_log row commit together, so a crash or a bad row can never
leave half a file behind. A file whose bytes were stored before (same sha256, for this athlete)
is a duplicate and adds nothing; a file whose bytes changed but whose activities are already
stored is `updated` when a source value of theirs changed (an edited file), else a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from connectors.records import Activity, LiftSet
from warehouse.activities import activity_ids, store_activities
from warehouse.import_log import log_import
from warehouse.lifts import store_lift_sets
from warehouse.models import Activity as ActivityRow
from warehouse.models import ImportLog

LOG_KIND = "activity_file"
# Statuses whose bytes are in the warehouse: seeing the same bytes again adds nothing.
_STORED_STATUSES = ("imported", "updated", "partial", "duplicate", "skipped")
# Sports whose distance is the point: one of these without a distance counts 0 km.
_MOVING_SPORTS = frozenset({"run", "ride", "walk", "swim"})

Status = Literal["imported", "updated", "partial", "duplicate", "skipped", "failed"]


class ParsedFile(Protocol):
    """What a file connector read from one file (connectors.files.ParsedFile has this shape;
    the warehouse knows records, not connectors)."""

    @property
    def name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def activities(self) -> Sequence[Activity]: ...
    @property
    def lift_sets(self) -> Sequence[LiftSet]: ...
    @property
    def partial(self) -> bool: ...
    @property
    def problem(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class FileOutcome:
    name: str
    status: Status
    activities_added: int = 0
    lift_sets_added: int = 0
    reason: str | None = None
    activities_updated: int = 0
    activity_ids: tuple[int, ...] = ()
    """The warehouse ids of the file's activities (for `--sport` and the JSON summary)."""
    sport_unknown: tuple[int, ...] = ()
    """Ids stored with sport `unknown`: the file named none (`activity set-sport` sets it)."""
    no_distance: tuple[int, ...] = ()
    """Ids of runs, rides, walks and swims stored without a distance (they count 0 km)."""
    no_date: bool = False
    """The file was refused because nothing in it places it in a week."""


_LOG: Table = ImportLog.__table__  # type: ignore[assignment]
# Built once: every file runs it (see warehouse.activities for why statements are prebuilt).
_SEEN = (
    select(_LOG.c.id)
    .where(_LOG.c.athlete_id == bindparam("athlete_id"), _LOG.c.kind == LOG_KIND)
    .where(_LOG.c.sha256 == bindparam("sha256"))
    # OR of equalities, not IN: a constant IN list is re-expanded at every execution.
    .where(or_(*(_LOG.c.status == status for status in _STORED_STATUSES)))
    .limit(1)
)


def already_imported(session: Session, athlete_id: int, sha256: str) -> bool:
    """Whether these exact bytes were stored for this athlete before."""
    found = session.scalar(_SEEN, {"athlete_id": athlete_id, "sha256": sha256})
    return found is not None


def store_parsed_file(
    session: Session, athlete_id: int, athlete_timezone: str, parsed: ParsedFile
) -> FileOutcome:
    """Write one parsed file and its import_log row in the caller's transaction."""
    if already_imported(session, athlete_id, parsed.sha256):
        return _logged(session, athlete_id, parsed, "duplicate", reason="same file seen before")
    if not parsed.activities:
        return _logged(session, athlete_id, parsed, "skipped", reason=parsed.problem)

    activities = _without_downgrades(session, athlete_id, parsed.activities)
    stored = store_activities(session, athlete_id, athlete_timezone, activities)
    known_ids = dict(stored.ids)
    missing = [a.source_id for a in parsed.activities if a.source_id not in known_ids]
    if missing:
        known_ids.update(activity_ids(session, athlete_id, parsed.activities[0].source, missing))
    sets = store_lift_sets(session, athlete_id, parsed.lift_sets, activity_ids=known_ids)

    added = len(stored.added) + sets.added
    reason: str | None
    if added == 0 and not stored.updated:
        status: Status = "duplicate"
        reason = "every activity and set in it was already stored"
    elif added == 0:
        status = "updated"
        reason = f"changed since it was imported: {len(stored.updated)} activities updated"
    else:
        status = "partial" if parsed.partial else "imported"
        # A whole activity can still carry a note (a Strava row whose file could not be read).
        reason = parsed.problem
    ids = tuple(known_ids[a.source_id] for a in parsed.activities if a.source_id in known_ids)
    outcome = _logged(
        session,
        athlete_id,
        parsed,
        status,
        reason=reason,
        activities_added=len(stored.added),
        lift_sets_added=sets.added,
    )
    unknown, no_distance = (
        _unusable(session, parsed.activities, known_ids, set(stored.added))
        if status != "duplicate"
        else ((), ())
    )
    return replace(
        outcome,
        activities_updated=len(stored.updated),
        activity_ids=ids,
        sport_unknown=unknown,
        no_distance=no_distance,
    )


def activity_ids_of(session: Session, athlete_id: int, parsed: ParsedFile) -> tuple[int, ...]:
    """The stored ids of a parsed file's activities (for a duplicate, which stores nothing)."""
    if not parsed.activities:
        return ()
    found = activity_ids(
        session, athlete_id, parsed.activities[0].source, [a.source_id for a in parsed.activities]
    )
    return tuple(found[a.source_id] for a in parsed.activities if a.source_id in found)


def _unusable(
    session: Session, activities: Sequence[Activity], ids: dict[str, int], added: set[int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(sport unknown, no distance): the stored activities no total can use yet, as stored.

    A new row holds what the file said; a row stored before may hold a person's sport instead
    (the overlay wins over the file's), so only those are looked up, and only when the file's
    own values leave a doubt (most files name their sport and distance)."""
    sports: dict[int, tuple[str, float | None]] = {}
    doubtful = []
    for a in activities:
        row_id = ids.get(a.source_id)
        if row_id is None:
            continue
        sports[row_id] = (a.sport, a.distance_m)
        if row_id not in added and (a.sport == "unknown" or not (a.distance_m or 0) > 0):
            doubtful.append(row_id)
    if doubtful:
        rows = session.execute(
            select(ActivityRow.id, ActivityRow.sport, ActivityRow.distance_m).where(
                ActivityRow.id.in_(doubtful)
            )
        )
        sports.update({row.id: (row.sport, row.distance_m) for row in rows})
    unknown = tuple(sorted(i for i, (sport, _) in sports.items() if sport == "unknown"))
    no_distance = tuple(
        sorted(
            i
            for i, (sport, distance) in sports.items()
            if sport in _MOVING_SPORTS and not (distance or 0) > 0
        )
    )
    return unknown, no_distance


def log_failed_file(
    session: Session,
    athlete_id: int,
    name: str,
    reason: str,
    sha256: str | None = None,
    *,
    no_date: bool = False,
) -> FileOutcome:
    """Record a file that could not be read; the import goes on with the others."""
    log_import(
        session, athlete_id, kind=LOG_KIND, path=name, sha256=sha256, status="failed",
        reason=reason,
    )  # fmt: skip
    return FileOutcome(name=name, status="failed", reason=reason, no_date=no_date)


def _logged(
    session: Session,
    athlete_id: int,
    parsed: ParsedFile,
    status: Status,
    *,
    reason: str | None,
    activities_added: int = 0,
    lift_sets_added: int = 0,
) -> FileOutcome:
    log_import(
        session, athlete_id, kind=LOG_KIND, path=parsed.name, sha256=parsed.sha256,
        status=status, reason=reason, records=activities_added + lift_sets_added,
    )  # fmt: skip
    return FileOutcome(
        name=parsed.name,
        status=status,
        activities_added=activities_added,
        lift_sets_added=lift_sets_added,
        reason=reason,
    )


def _without_downgrades(
    session: Session, athlete_id: int, activities: Sequence[Activity]
) -> list[Activity]:
    """Drop partial copies of activities already stored whole: a damaged copy of a file must
    not overwrite what the intact one gave."""
    partial = [a for a in activities if a.partial]
    if not partial:
        return list(activities)
    whole = set(
        session.scalars(
            select(ActivityRow.source_id)
            .where(ActivityRow.athlete_id == athlete_id)
            .where(ActivityRow.source == partial[0].source)
            .where(ActivityRow.source_id.in_([a.source_id for a in partial]))
            .where(ActivityRow.partial.is_(False))
        )
    )
    return [a for a in activities if not (a.partial and a.source_id in whole)]
