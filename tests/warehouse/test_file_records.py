"""Storing imported files: all of a file or nothing, duplicates by content, never half-done."""

from __future__ import annotations

import itertools
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from connectors.errors import FileFormatError
from connectors.files import InputFile, parse_input
from flows.file_import import import_inputs, opened_inputs
from tests.conftest import SHARED_DATA
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope
from warehouse.models import Activity, ImportLog, LiftSet

MULTI = SHARED_DATA / "garmin-fit_jarkko-fit-analyzer/20555050352_ACTIVITY.fit"
RUN = SHARED_DATA / "garmin-fit_sports-lib/6782987395.fit"
_names = itertools.count()


def flipped(data: bytes) -> bytes:
    """A copy with one bit flipped in a record in the middle: the CRC no longer matches."""
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x04
    return bytes(damaged)


def memory_input(name: str, data: bytes) -> InputFile:
    return InputFile(name=name, kind="fit", opener=lambda: data)


def new_athlete(engine: Engine) -> str:
    name = f"athlete{next(_names)}"
    with session_scope(engine) as session:
        add_athlete(session, AthleteProfile(name=name, timezone="Europe/Helsinki"))
    return name


def stored(engine: Engine, name: str) -> tuple[set[str], set[str], list[str]]:
    with session_scope(engine) as session:
        from warehouse.athletes import get_athlete

        athlete_id = get_athlete(session, name).id
        activities = set(
            session.scalars(select(Activity.source_id).where(Activity.athlete_id == athlete_id))
        )
        sets = set(
            session.scalars(select(LiftSet.source_id).where(LiftSet.athlete_id == athlete_id))
        )
        statuses = list(
            session.scalars(select(ImportLog.status).where(ImportLog.athlete_id == athlete_id))
        )
    return activities, sets, statuses


def test_a_failure_while_storing_rolls_the_whole_file_back(
    warehouse_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = new_athlete(warehouse_engine)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("INSERT INTO lift_sets", {}, Exception("simulated constraint failure"))

    monkeypatch.setattr("warehouse.file_records.store_lift_sets", broken)
    summary = import_inputs(
        warehouse_engine, name,
        [memory_input("multi.fit", MULTI.read_bytes()), memory_input("run.fit", RUN.read_bytes())],
    )  # fmt: skip
    assert [o.status for o in summary.outcomes] == ["failed", "failed"]
    activities, sets, statuses = stored(warehouse_engine, name)
    # The activities were written before the sets failed: they must be gone with the file.
    assert (activities, sets) == (set(), set())
    assert statuses == ["failed", "failed"]
    assert "simulated constraint failure" in (summary.outcomes[0].reason or "")


def test_a_damaged_copy_does_not_overwrite_the_whole_file(warehouse_engine: Engine) -> None:
    name = new_athlete(warehouse_engine)
    whole = RUN.read_bytes()
    import_inputs(warehouse_engine, name, [memory_input("run.fit", whole)])
    summary = import_inputs(warehouse_engine, name, [memory_input("cut.fit", flipped(whole))])
    assert [o.status for o in summary.outcomes] == ["duplicate"]
    with session_scope(warehouse_engine) as session:
        assert session.scalars(select(Activity.partial)).all() == [False]


def test_a_partial_file_is_completed_by_the_whole_one(warehouse_engine: Engine) -> None:
    name = new_athlete(warehouse_engine)
    whole = RUN.read_bytes()
    first = import_inputs(warehouse_engine, name, [memory_input("cut.fit", flipped(whole))])
    assert [o.status for o in first.outcomes] == ["partial"]
    second = import_inputs(warehouse_engine, name, [memory_input("run.fit", whole)])
    assert [o.status for o in second.outcomes] == ["updated"]  # nothing new, but mended
    with session_scope(warehouse_engine) as session:
        assert session.scalars(select(Activity.partial)).all() == [False]


@settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(data=st.data())
def test_a_truncated_or_bit_flipped_file_is_stored_whole_or_not_at_all(
    warehouse_engine: Engine, data: st.DataObject
) -> None:
    original = MULTI.read_bytes()
    damaged = bytearray(original[: data.draw(st.integers(0, len(original)), label="cut")])
    for bit in data.draw(st.lists(st.integers(0, max(len(damaged) * 8 - 1, 0)), max_size=3)):
        if damaged:
            damaged[bit // 8] ^= 1 << (bit % 8)
    item = memory_input("damaged.fit", bytes(damaged))
    name = new_athlete(warehouse_engine)
    summary = import_inputs(warehouse_engine, name, [item])  # never raises
    activities, sets, statuses = stored(warehouse_engine, name)
    try:
        parsed = parse_input(item, fallback_tz=ZoneInfo("Europe/Helsinki"))
    except FileFormatError:
        event("refused")
        assert summary.outcomes[0].status == "failed"
        assert (activities, sets) == (set(), set())
        return
    event("stored partial" if parsed.partial else "stored whole")
    assert activities == {a.source_id for a in parsed.activities}
    assert sets == {s.source_id for s in parsed.lift_sets}
    assert statuses == [summary.outcomes[0].status]


def test_real_files_that_fail_are_logged_and_the_rest_imported(
    warehouse_engine: Engine, shared_data: Path
) -> None:
    name = new_athlete(warehouse_engine)
    with opened_inputs([shared_data / "gpx_gpxpy"]) as items:
        summary = import_inputs(warehouse_engine, name, items)
    assert sorted(o.status for o in summary.outcomes) == [
        "failed",
        "failed",
        "imported",
        "imported",
        "imported",
        "imported",
    ]
