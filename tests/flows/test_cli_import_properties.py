"""Any lift CSV either imports completely or exits 2 having written nothing; never a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from connectors.manual import parse_lift_csv
from tests.conftest import REPO, Cli
from warehouse.models import LiftSet

GOOD_ROW = ["2026-01-07", "squat", "1", "8", "60", "2", "", ""]
cell = st.one_of(
    st.sampled_from(["", "1", "8", "0", "60", "2026-01-06", "squat", "BSS", "-3", "x", "1e9"]),
    st.text(max_size=8),
)
row = st.lists(cell, min_size=8, max_size=8)
# Rows the importer accepts, so that half the files import and the stored sets get checked.
good_row = st.builds(
    lambda day, exercise, number, reps, kg: [day, exercise, str(number), str(reps), str(kg),
                                             "2", "", ""],
    st.sampled_from(["2026-01-06", "2026-01-07"]),
    st.sampled_from(["squat", "Back Squat", "BSS", "deadlift"]),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=20, max_value=140),
)  # fmt: skip
files = st.one_of(
    st.lists(good_row, min_size=1, max_size=5),
    st.lists(st.one_of(row, st.just(GOOD_ROW), good_row), min_size=1, max_size=5),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=files)
def test_import_is_complete_or_exit_2_with_nothing_written(
    run_cli: Cli, warehouse_engine: Engine, tmp_path: Path, rows: list[list[str]]
) -> None:
    run_cli("athlete", "add", "ana", "--body-weight", "70", "--timezone", "UTC")
    out = io.StringIO()
    csv.writer(out).writerows([["date", "exercise", "set", "reps", "weight_kg", "rir", "rpe",
                                "notes"], *rows])  # fmt: skip
    path = tmp_path / "fuzz.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    def stored() -> int:
        with warehouse_engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(LiftSet)).scalar_one()

    def stored_ids() -> set[str]:
        with warehouse_engine.connect() as connection:
            return set(connection.execute(select(LiftSet.source_id)).scalars())

    # Hypothesis's examples share the test's warehouse: sets from earlier examples are known.
    before, known = stored(), stored_ids()
    result = run_cli("lift", "import", "ana", str(path))  # a traceback would raise here
    assert result.exit_code in (0, 2), result.stderr
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:
        assert stored() == before
        assert "error:" in result.stderr
        return
    # Imported: every row that holds anything is a stored set, and nothing else was stored
    # (a row given twice is one set: the same date, exercise and set number).
    filled = [r for r in rows if any(c.strip() for c in r)]
    records = parse_lift_csv(out.getvalue(), unit="kg", today=datetime.now(UTC).date())
    assert len(records) == len(filled) >= 1
    expected = {record.source_id for record in records}
    assert stored_ids() == known | expected
    added = len(expected - known)
    assert stored() - before == added
    assert f"imported {added} new set(s)" in result.stdout
    event("new sets stored" if added else "every set already known")


def test_the_console_script_is_installed_and_answers_help() -> None:
    script = Path(sys.executable).with_name("ironmiles")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=REPO,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for command in ("init", "athlete", "race", "lift", "demo"):
        assert command in result.stdout
