"""Activities: the one write path every source uses (files, Garmin, Strava), and the list.

Upserts go by natural key (athlete, source, source_id) and only ever write source columns, so a
person's decisions (`corrected_distance_m`, `link_locked`, `canonical_id`) survive every re-sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from connectors.records import Activity
from warehouse.dirty import mark_dirty
from warehouse.events import record_activities_created
from warehouse.linking import relink_around
from warehouse.models import Activity as ActivityRow
from warehouse.upsert import upsert_rows

# Source columns: what a re-read of the same source may change. Never the person's columns.
SOURCE_COLUMNS = (
    "start_utc",
    "local_start",
    "local_date",
    "sport",
    "sub_sport",
    "name",
    "distance_m",
    "moving_s",
    "elapsed_s",
    "avg_hr",
    "max_hr",
    "rpe",
    "partial",
    "parent_source_id",
    "raw",
)


@dataclass(frozen=True, slots=True)
class StoredActivities:
    ids: dict[str, int]
    """source_id -> warehouse id, for every activity given."""
    added: list[int]
    """The ids that did not exist before."""
    updated: list[int] = field(default_factory=list)
    """The ids that existed and whose source values changed (a re-import of an edited file)."""
    links_changed: int = 0
    """Rows whose canonical copy changed (cross-source duplicates linked or re-linked)."""
    events: int = 0
    """`activity.created` events recorded with them (the outbox, same transaction)."""


def local_start_of(activity: Activity, athlete_timezone: str) -> datetime:
    """The wall-clock start: as the source reports it, else the UTC start in the athlete's zone."""
    if activity.local_start is not None:
        return activity.local_start
    return activity.start_utc.astimezone(ZoneInfo(athlete_timezone)).replace(tzinfo=None)


def store_activities(
    session: Session, athlete_id: int, athlete_timezone: str, activities: Sequence[Activity]
) -> StoredActivities:
    """Upsert activities of one athlete and link them to copies from other sources; marks the
    athlete dirty when anything was given, and records `activity.created` for each new real
    activity, all in the caller's transaction: a crash leaves the rows and their events, or
    neither."""
    if not activities:
        return StoredActivities(ids={}, added=[])
    by_source: dict[str, list[Activity]] = {}
    for activity in activities:
        by_source.setdefault(activity.source, []).append(activity)
    ids: dict[str, int] = {}
    added: list[int] = []
    updated: list[int] = []
    for source, group in by_source.items():
        before = _stored(session, athlete_id, source, [a.source_id for a in group])
        rows: list[dict[str, Any]] = []
        for a in group:
            local_start = local_start_of(a, athlete_timezone)
            rows.append(
                {
                    "athlete_id": athlete_id,
                    "source": a.source,
                    "source_id": a.source_id,
                    "start_utc": a.start_utc,
                    "local_start": local_start,
                    "local_date": local_start.date(),
                    "sport": a.sport,
                    "sub_sport": a.sub_sport,
                    "name": a.name,
                    "distance_m": a.distance_m,
                    "moving_s": a.moving_s,
                    "elapsed_s": a.elapsed_s,
                    "avg_hr": a.avg_hr,
                    "max_hr": a.max_hr,
                    "rpe": a.rpe,
                    "partial": a.partial,
                    "parent_source_id": a.parent_source_id,
                    "raw": dict(a.raw),
                }
            )
        updated.extend(
            before[row["source_id"]].id
            for row in rows
            if row["source_id"] in before and _changed(before[row["source_id"]], row)
        )
        # Every row given is inserted or updated, so RETURNING gives every id: no second look-up.
        after = upsert_rows(
            session,
            _TABLE,
            rows,
            key=("athlete_id", "source", "source_id"),
            update=SOURCE_COLUMNS,
            # A person's sport wins over the source's, on every re-import and re-sync.
            overlays={"sport": "corrected_sport"},
            returning=("source_id", "id"),
        )
        ids.update({row.source_id: row.id for row in after})
        added.extend(row.id for row in after if row.source_id not in before)
    _make_new_rows_canonical(session, added)
    links = relink_around(session, athlete_id, [a.start_utc for a in activities])
    mark_dirty(session, athlete_id)
    events = record_activities_created(session, athlete_id, sorted(added))
    return StoredActivities(
        ids=ids,
        added=sorted(added),
        updated=sorted(set(updated)),
        links_changed=links,
        events=events,
    )


# The statements an import runs for every file, built once: building a statement costs several
# times what running it does (benchmarks/import_files.py). Core columns, not ORM attributes, so
# execution skips the ORM's compile step too.
_TABLE: Table = ActivityRow.__table__  # type: ignore[assignment]
_STORED = select(_TABLE.c.id, _TABLE.c.source_id, _TABLE.c.corrected_sport,
                 *(_TABLE.c[name] for name in SOURCE_COLUMNS)).where(
    _TABLE.c.athlete_id == bindparam("athlete_id"), _TABLE.c.source == bindparam("source"),
    _TABLE.c.source_id.in_(bindparam("source_ids", expanding=True)),
)  # fmt: skip
_IDS = select(_TABLE.c.source_id, _TABLE.c.id).where(
    _TABLE.c.athlete_id == bindparam("athlete_id"), _TABLE.c.source == bindparam("source"),
    _TABLE.c.source_id.in_(bindparam("source_ids", expanding=True)),
)  # fmt: skip
_MAKE_CANONICAL = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(canonical_id=_TABLE.c.id)
)
_CHUNK = 500
"""Ids per IN list, well within every database's parameter limit."""


def _stored(
    session: Session, athlete_id: int, source: str, source_ids: list[str]
) -> dict[str, Any]:
    """The stored source values of these activities (to tell an edited re-import apart)."""
    found: dict[str, Any] = {}
    for start in range(0, len(source_ids), _CHUNK):
        rows = session.execute(
            _STORED,
            {"athlete_id": athlete_id, "source": source,
             "source_ids": source_ids[start : start + _CHUNK]},
        )  # fmt: skip
        found.update({row.source_id: row for row in rows})
    return found


def _changed(stored: Any, row: dict[str, Any]) -> bool:
    for name in SOURCE_COLUMNS:
        new = row[name]
        if name == "sport" and stored.corrected_sport is not None:
            new = stored.corrected_sport
        if getattr(stored, name) != new:
            return True
    return False


def activity_ids(
    session: Session, athlete_id: int, source: str, source_ids: Sequence[str]
) -> dict[str, int]:
    """source_id -> warehouse id of the athlete's stored activities among `source_ids`."""
    found: dict[str, int] = {}
    for start in range(0, len(source_ids), _CHUNK):
        rows = session.execute(
            _IDS,
            {"athlete_id": athlete_id, "source": source,
             "source_ids": list(source_ids[start : start + _CHUNK])},
        )  # fmt: skip
        found.update({source_id: row_id for source_id, row_id in rows})
    return found


def _make_new_rows_canonical(session: Session, new_ids: list[int]) -> None:
    """A new activity is its own canonical copy until duplicate linking says otherwise."""
    for start in range(0, len(new_ids), _CHUNK):
        session.execute(_MAKE_CANONICAL, {"ids": new_ids[start : start + _CHUNK]})


def list_activities(
    session: Session,
    athlete_id: int,
    start: date | None = None,
    end: date | None = None,
    *,
    include_deleted: bool = False,
) -> Sequence[ActivityRow]:
    query = select(ActivityRow).where(ActivityRow.athlete_id == athlete_id)
    if not include_deleted:
        query = query.where(ActivityRow.deleted_at.is_(None))
    if start is not None:
        query = query.where(ActivityRow.local_date >= start)
    if end is not None:
        query = query.where(ActivityRow.local_date <= end)
    return session.scalars(query.order_by(ActivityRow.start_utc, ActivityRow.id)).all()
