"""Publication is idempotent by event id: each event is marked in the step that sends it, and a
crash between the send and the mark re-sends it with the same Prefect event id."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy import Engine

from flows.nightly import publish_events
from flows.nightly_flow import prefect_event_id
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.events import record_event, unpublished
from warehouse.models import Event

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Crashing(Exception):
    pass


def test_a_crash_between_send_and_mark_resends_the_same_id(warehouse_engine: Engine) -> None:
    with session_scope(warehouse_engine) as session:
        athlete = add_athlete(session, AthleteProfile(name="ana", timezone="UTC"))
        for week in ("2026-W08", "2026-W09", "2026-W10"):
            record_event(session, "week.big", athlete_id=athlete.id,
                         dedupe_key=f"week.big:{athlete.id}:{week}",
                         payload={"athlete": "ana", "week": week})  # fmt: skip
    sent: list[UUID] = []

    def crash_after_second_send(event: Event) -> None:
        sent.append(prefect_event_id(event))
        if len(sent) == 2:
            raise Crashing  # sent, but the process dies before the mark

    with pytest.raises(Crashing):
        publish_events(warehouse_engine, crash_after_second_send, now=NOW)
    with session_scope(warehouse_engine) as session:
        assert [e.payload["week"] for e in unpublished(session)] == ["2026-W09", "2026-W10"]

    assert (
        publish_events(warehouse_engine, lambda e: sent.append(prefect_event_id(e)), now=NOW) == 2
    )
    assert sent[1] == sent[2]  # the re-send carries the id a consumer has seen: it drops it
    assert len(set(sent)) == 3
    assert (
        publish_events(warehouse_engine, lambda e: sent.append(prefect_event_id(e)), now=NOW) == 0
    )
