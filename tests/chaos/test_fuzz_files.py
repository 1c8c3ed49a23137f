"""Corrupt-file campaign: the real FIT, GPX and TCX files of ../shared/data, truncated at random
points and with random bytes flipped (500 cases from a seeded generator), imported in-process
through the real import path (flows.file_import) into SQLite. Never a crash: each file is
imported whole, imported as partial with its reason, or recorded as failed with a reason, and
nothing is half-written (the warehouse holds exactly what the outcomes say was stored).

Rerun: `.venv/bin/pytest -q tests/chaos/test_fuzz_files.py -s` (figures in test-artifacts/).
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from flows.file_import import import_inputs, opened_inputs
from tests.chaos.faults import record_figures
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import make_engine, session_scope
from warehouse.migrate import upgrade
from warehouse.models import Activity, ImportLog, LiftSet

CASES = 500
SEED = 1403
KINDS = ("fit", "gpx", "tcx")
PYTHON_WORDS = re.compile(r"can only concatenate|index out of range|NoneType|unsupported operand")


def _originals(shared_data: Path) -> list[Path]:
    return sorted(p for kind in KINDS for p in shared_data.glob(f"*/*.{kind}"))


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One corruption: truncated, bytes flipped, or both (flips near the start hit headers)."""
    how = rng.choice(("truncate", "flip", "both", "flip-head"))
    out = bytearray(data)
    if how in ("flip", "both", "flip-head"):
        span = min(len(out), 64) if how == "flip-head" else len(out)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(span)
            out[at] ^= 1 << rng.randrange(8)
    if how in ("truncate", "both"):
        del out[rng.randrange(len(out)) :]
    return how, bytes(out)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'fuzz.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        add_athlete(session, AthleteProfile(name="ana", timezone="Europe/Ljubljana"))
    yield engine
    engine.dispose()


def test_corrupt_files_never_crash_nor_half_write(
    engine: Engine, shared_data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    originals = _originals(shared_data)
    assert {p.suffix for p in originals} == {".fit", ".gpx", ".tcx"}
    rng = random.Random(SEED)
    folder = tmp_path / "corrupt"
    folder.mkdir()
    mutations: Counter[str] = Counter()
    for case in range(CASES):
        original = rng.choice(originals)
        how, data = mutate(original.read_bytes(), rng)
        mutations[how] += 1
        (folder / f"case{case:03d}-{how}-{original.name}").write_bytes(data)
    caplog.set_level(logging.ERROR, logger="flows.file_import")
    with opened_inputs([folder]) as inputs:
        summary = import_inputs(engine, "ana", inputs)  # raises nothing: that is the test
    outcomes = summary.outcomes
    assert len(outcomes) == CASES
    statuses = Counter(o.status for o in outcomes)
    reader_crashes = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    with engine.connect() as connection:
        activities = connection.execute(select(func.count()).select_from(Activity)).scalar_one()
        lift_sets = connection.execute(select(func.count()).select_from(LiftSet)).scalar_one()
        logged = dict(
            connection.execute(select(ImportLog.path, ImportLog.status).where(
                ImportLog.kind == "activity_file")).all()
        )  # fmt: skip
    figures = {
        "cases": CASES,
        "seed": SEED,
        "originals": len(originals),
        "mutations": dict(mutations),
        "outcomes": dict(statuses),
        "reader_crashes_caught": len(reader_crashes),
        "activities_stored": activities,
        "lift_sets_stored": lift_sets,
        "half_written": 0,
    }
    for outcome in outcomes:
        # A reason is for a person: never a Python error's own words.
        assert not PYTHON_WORDS.search(outcome.reason or ""), outcome
        assert outcome.status in {"imported", "updated", "partial", "duplicate", "failed",
                                  "skipped"}, outcome  # fmt: skip
        if outcome.status in {"failed", "partial", "skipped", "duplicate"}:
            assert outcome.reason, outcome  # every file not taken whole says why
        if outcome.status == "failed":
            assert outcome.activities_added == outcome.lift_sets_added == 0
            assert outcome.activity_ids == ()
        assert logged.get(outcome.name) == outcome.status, outcome.name
    # Nothing half-written: the warehouse holds exactly what the outcomes say was added.
    assert activities == summary.activities_added
    assert lift_sets == summary.lift_sets_added
    record_figures("corrupt-files", figures)
    # A reader that raised something other than its own FileFormatError is a crash, even when
    # the import's last-resort guard turned it into a failed file.
    assert reader_crashes == []
    assert statuses["failed"] > 0 and statuses["imported"] + statuses["partial"] > 0


def test_a_fit_decoder_crash_is_reported_in_words() -> None:
    """Found by the campaign: garmin-fit-sdk raises TypeError/IndexError on some damaged files
    and the failed file's reason was the bare Python message."""
    from connectors.files.fit_decode import _describe

    reason = _describe(TypeError('can only concatenate list (not "int") to list'))
    assert reason == "damaged data the FIT decoder could not read (TypeError)"
    assert (
        _describe(RuntimeError("FIT Runtime Error at byte: 12 CRC Error"))
        == "at byte: 12 CRC Error"
    )
