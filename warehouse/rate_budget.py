"""A rate budget shared by every process through the warehouse: one row per application and
window, taken atomically (`UPDATE ... SET used = used + 1 WHERE used < request_limit`), so two
processes never both take the last request of a window, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from warehouse.models import RateBudgetWindow
from warehouse.upsert import dialect_insert


def _ensure(session: Session, app: str, window_start: datetime, limit: int) -> None:
    session.execute(
        dialect_insert(session, RateBudgetWindow)
        .values(app=app, window_start=window_start, request_limit=limit, used=0)
        .on_conflict_do_nothing(index_elements=["app", "window_start"])
    )


def take_request(session: Session, app: str, window_start: datetime, limit: int) -> bool:
    """Count one request in the window; False (nothing counted) when the window is spent."""
    _ensure(session, app, window_start, limit)
    taken = session.execute(
        update(RateBudgetWindow)
        .where(RateBudgetWindow.app == app)
        .where(RateBudgetWindow.window_start == window_start)
        .where(RateBudgetWindow.used < RateBudgetWindow.request_limit)
        .values(used=RateBudgetWindow.used + 1)
        .returning(RateBudgetWindow.used)
    ).scalar_one_or_none()
    return taken is not None


def correct_usage(
    session: Session, app: str, window_start: datetime, *, limit: int, used: int
) -> None:
    """The service's own count (it includes requests we did not see): the window's limit is
    the service's, and its usage never goes below what the service reports."""
    _ensure(session, app, window_start, limit)
    session.execute(
        update(RateBudgetWindow)
        .where(RateBudgetWindow.app == app)
        .where(RateBudgetWindow.window_start == window_start)
        .where(RateBudgetWindow.used < used)
        .values(used=used)
    )
    session.execute(
        update(RateBudgetWindow)
        .where(RateBudgetWindow.app == app)
        .where(RateBudgetWindow.window_start == window_start)
        .values(request_limit=limit)
    )


def window_usage(session: Session, app: str, window_start: datetime) -> int:
    row = session.get(RateBudgetWindow, (app, window_start))
    return 0 if row is None else row.used
