"""The import log: one row per file an import looked at, with what became of it."""

from __future__ import annotations

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from warehouse.models import ImportLog

_TABLE: Table = ImportLog.__table__  # type: ignore[assignment]
# A Core insert, built once: every file of an import writes one row, and nothing reads it back
# in the same transaction, so the ORM's unit of work (and its RETURNING) would be pure cost.
_INSERT = insert(_TABLE)


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
    session.execute(
        _INSERT,
        {"athlete_id": athlete_id, "kind": kind, "path": path, "sha256": sha256,
         "status": status, "records": records, "reason": reason},
    )  # fmt: skip
