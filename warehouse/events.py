"""The transactional outbox: an event is written in the same transaction as the change it
announces, and published afterwards; its dedupe key makes re-runs announce nothing twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warehouse.models import Event
from warehouse.upsert import upsert_rows


def record_event(
    session: Session,
    kind: str,
    *,
    athlete_id: int | None,
    dedupe_key: str,
    payload: Mapping[str, Any],
) -> None:
    upsert_rows(
        session,
        Event.__table__,  # type: ignore[arg-type]
        [
            {
                "kind": kind,
                "athlete_id": athlete_id,
                "dedupe_key": dedupe_key,
                "payload": dict(payload),
            }
        ],
        key=("dedupe_key",),
        update=(),
    )


def unpublished(session: Session, limit: int = 1000) -> Sequence[Event]:
    return session.scalars(
        select(Event).where(Event.published_at.is_(None)).order_by(Event.id).limit(limit)
    ).all()


def mark_published(session: Session, event_ids: Sequence[int], at: datetime) -> None:
    if event_ids:
        session.execute(update(Event).where(Event.id.in_(event_ids)).values(published_at=at))
