"""Two runs storing one athlete's plan at once (two syncs on PostgreSQL, each re-planning in its
follow-up) must not both take the next version number: the second waits for the first."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select

from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.models import Plan
from warehouse.plans import StoredPlan, store_plan

NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)


def _store(engine: Engine, athlete_id: int, payload: dict[str, object]) -> StoredPlan:
    with session_scope(engine) as session:
        return store_plan(session, athlete_id, "2026-W49", session_date=date(2026, 12, 2),
                          payload=payload, changes=[], created_at=NOW)  # fmt: skip


@pytest.mark.postgres
def test_two_plan_stores_at_once_take_one_version_each(pg_warehouse: Engine) -> None:
    with session_scope(pg_warehouse) as session:
        athlete_id = add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id
    first_stored = threading.Event()
    results: list[StoredPlan | BaseException] = []

    def second() -> None:
        first_stored.wait(10)
        try:
            results.append(_store(pg_warehouse, athlete_id, {"sets": 2}))
        except BaseException as error:  # the failure is the test's, read below
            results.append(error)

    worker = threading.Thread(target=second)
    worker.start()
    with session_scope(pg_warehouse) as session:
        mine = store_plan(session, athlete_id, "2026-W49", session_date=date(2026, 12, 2),
                          payload={"sets": 3}, changes=[], created_at=NOW)  # fmt: skip
        first_stored.set()
        worker.join(0.5)  # the second store runs now, before this transaction commits
    worker.join(10)
    assert mine.version == 1
    assert len(results) == 1 and isinstance(results[0], StoredPlan), results
    assert results[0].version == 2
    with session_scope(pg_warehouse) as session:
        versions = session.scalars(select(func.count()).select_from(Plan)).one()
    assert versions == 2
