"""The import log: one row per file an import looked at, with what became of it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.models import ImportLog


def log_import(
    session: Session,
    athlete_id: int,
    *,
    kind: str,
    path: str,
    sha256: str | None,
    status: str,
    records: int = 0,
    reason: str | None = None,
) -> None:
    session.add(
        ImportLog(
            athlete_id=athlete_id,
            kind=kind,
            path=path,
            sha256=sha256,
            status=status,
            records=records,
            reason=reason,
        )
    )
