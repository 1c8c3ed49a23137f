"""What was linked as one run: an athlete's groups of copies from several sources."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.models import Activity


@dataclass(frozen=True, slots=True)
class LinkedRun:
    local_date: date
    distance_km: float
    """The counted copy's distance (corrections applied)."""
    counted: str
    """`source:source_id` of the canonical copy."""
    copies: tuple[str, ...]
    """`source:source_id` of the other copies (counted once, through the canonical one)."""


@dataclass(frozen=True, slots=True)
class LinkReport:
    by_source: dict[str, int]
    """Activities stored per source."""
    linked: list[LinkedRun]
    single_source: dict[str, int]
    """Canonical runs that came from one source only, per source."""


def link_report(session: Session, athlete_id: int) -> LinkReport:
    rows = session.scalars(
        select(Activity).where(Activity.athlete_id == athlete_id).order_by(Activity.start_utc)
    ).all()
    by_source = Counter(r.source for r in rows)
    groups: dict[int, list[Activity]] = {}
    for row in rows:
        if row.canonical_id is not None:
            groups.setdefault(row.canonical_id, []).append(row)
    linked: list[LinkedRun] = []
    single: Counter[str] = Counter()
    for canonical_id, members in groups.items():
        canonical = next((m for m in members if m.id == canonical_id), None)
        if canonical is None or canonical.sport != "run":
            continue
        if len(members) == 1:
            single[canonical.source] += 1
            continue
        distance = canonical.corrected_distance_m or canonical.distance_m or 0.0
        linked.append(
            LinkedRun(
                local_date=canonical.local_date,
                distance_km=round(distance / 1000, 2),
                counted=f"{canonical.source}:{canonical.source_id}",
                copies=tuple(f"{m.source}:{m.source_id}" for m in members if m is not canonical),
            )
        )
    linked.sort(key=lambda run: run.local_date)
    return LinkReport(by_source=dict(by_source), linked=linked, single_source=dict(single))
