"""The transactional outbox: an event is written in the same transaction as the change it
announces, and published afterwards; its dedupe key makes re-runs announce nothing twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from warehouse.models import Event


def record_event(
    session: Session,
    kind: str,
    *,
    athlete_id: int | None,
    dedupe_key: str,
    payload: Mapping[str, Any],
) -> bool:
    """Record the event unless one with this dedupe key exists; True when it is new."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Event)
        .values(kind=kind, athlete_id=athlete_id, dedupe_key=dedupe_key, payload=dict(payload))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Event.id)
    )
    # RETURNING gives the new id, or no row when the key existed (rowcount is not portable).
    return session.execute(statement).scalar_one_or_none() is not None


def unpublished(session: Session, limit: int = 1000) -> Sequence[Event]:
    return session.scalars(
        select(Event).where(Event.published_at.is_(None)).order_by(Event.id).limit(limit)
    ).all()


def mark_published(session: Session, event_ids: Sequence[int], at: datetime) -> None:
    if event_ids:
        session.execute(update(Event).where(Event.id.in_(event_ids)).values(published_at=at))
