"""Any lift CSV either imports completely or exits 2 having written nothing; never a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from tests.conftest import REPO, Cli
from warehouse.models import LiftSet

GOOD_ROW = ["2026-01-07", "squat", "1", "8", "60", "2", "", ""]
cell = st.one_of(
    st.sampled_from(["", "1", "8", "0", "60", "2026-01-06", "squat", "BSS", "-3", "x", "1e9"]),
    st.text(max_size=8),
)
row = st.lists(cell, min_size=8, max_size=8)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.one_of(row, st.just(GOOD_ROW)), min_size=1, max_size=5))
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

    before = stored()
    result = run_cli("lift", "import", "ana", str(path))  # a traceback would raise here
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert stored() == before
        assert "error:" in result.stderr
    else:
        new = {tuple(r[:3]) for r in rows if any(c.strip() for c in r)}
        assert stored() - before <= len(new)


def test_the_console_script_is_installed_and_answers_help() -> None:
    script = Path(sys.executable).with_name("ironmiles")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=REPO,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for command in ("init", "athlete", "race", "lift", "demo"):
        assert command in result.stdout
