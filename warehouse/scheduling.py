"""Each athlete's own night: the hour of their local day when the hourly nightly deployment
syncs them. Local time is computed here in Python from each athlete's IANA zone (SQLite has no
time-zone support to trust), never by the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.errors import BadInput
from warehouse.models import Athlete

DEFAULT_SYNC_HOUR = 3


def athletes_in_sync_hour(session: Session, *, now: datetime) -> Sequence[str]:
    """Names of the athletes whose local clock is in their sync hour at `now` (aware)."""
    rows = session.execute(select(Athlete.name, Athlete.timezone, Athlete.sync_hour))
    return sorted(name for name, zone, hour in rows if now.astimezone(ZoneInfo(zone)).hour == hour)


def set_sync_hour(session: Session, athlete: Athlete, hour: int) -> None:
    if not 0 <= hour <= 23:
        raise BadInput(f"sync_hour={hour!r} is not an hour of the day: give 0-23 (local time)")
    athlete.sync_hour = hour
