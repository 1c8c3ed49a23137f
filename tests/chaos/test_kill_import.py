"""kill -9 of `ironmiles import FOLDER` (real FIT, GPX and TCX files of ../shared/data, damaged
ones among them, copied to a temporary folder, plus FIT files written with garmin-fit-sdk's
Encoder) and of `ironmiles lift import` of a large generated CSV, at 30 drawn moments each,
resuming after each: the warehouse ends identical, table by table, to one clean import into a
fresh warehouse; no file is half-written (each is one transaction), nothing is imported twice,
no event is lost.

The moments: a delay drawn from half-way to the first stored row of a measured clean run (the
warehouse is watched during it) to the end of that run, so the kills land in the work. What each
kill left (how many files, or whether the CSV's one transaction had committed) is recorded."""

from __future__ import annotations

import json
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes
from tests.chaos.compare import (
    compare,
    snapshot,
    table_counts,
    unannounced_activities,
)
from tests.chaos.harness import (
    Figures,
    Warehouses,
    campaign_kills,
    campaign_seed,
    run_cli,
    work_window,
)
from tests.conftest import PgDatabases
from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.db import session_scope

KILLS = campaign_kills()
MAX_KILLS_PER_EPISODE = 5
REAL_FILES = [
    "garmin-fit_garth/12129115726_ACTIVITY.fit",
    "garmin-fit_jarkko-fit-analyzer/20474406937_ACTIVITY.fit",
    "garmin-fit_jarkko-fit-analyzer/20748058539_ACTIVITY.fit",
    "garmin-fit_python-fitparse/garmin-fenix-5-bike.fit",
    "garmin-fit_python-fitparse/garmin-fenix-5-run.fit",
    "garmin-fit_python-fitparse/2013-02-06-12-11-14.fit",
    "garmin-fit_python-fitparse/activity-unexpected-eof.fit",  # damaged: partial or failed
    "garmin-fit_python-fitparse/activity-settings-corruptheader.fit",
    "garmin-fit_sports-lib/6860622783.fit",
    "gpx_gpxpy/cerknicko-jezero.gpx",
    "gpx_gpxpy/korita-zbevnica.gpx",
    "gpx_gpxpy/cerknicko-without-times.gpx",  # no times: not imported, the reason recorded
    "tcx_python-tcxparser/test.tcx",
]
GENERATED_FITS = 30
LIFT_DAYS = 400  # x 4 sets: a 1,600-row CSV


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_athlete(session, AthleteProfile(name="ana", timezone="Europe/Madrid"))


def _folder(shared_data: Path, root: Path) -> Path:
    folder = root / "to-import"
    folder.mkdir()
    for name in REAL_FILES:
        shutil.copy(shared_data / name, folder / name.replace("/", "__"))
    first = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    for day in range(GENERATED_FITS):
        start = first + timedelta(days=day)
        if day % 5 == 4:  # a strength session with its sets
            spec = _strength(start)
        else:
            session = SessionSpec(start, 1800.0 + 20 * day, distance_m=5000.0 + 100 * day)
            spec = FitSpec(sessions=[session], local_offset=timedelta(hours=1))
        (folder / f"generated-{day:03d}.fit").write_bytes(fit_bytes(spec))
    return folder


def _strength(start: datetime) -> FitSpec:
    sets = [
        SetSpec(
            start + timedelta(minutes=3 * i),
            40.0,
            repetitions=8,
            weight_kg=60.0 + 2.5 * i,
            category=["squat"],
            category_subtype=[0],
        )
        for i in range(3)
    ]
    session = SessionSpec(start, 1500.0, sport="training", sub_sport="strength_training")
    return FitSpec(sessions=[session], sets=sets, local_offset=timedelta(hours=1))


def _lift_csv(root: Path) -> Path:
    path = root / "lifts.csv"
    lines = ["date,exercise,set,reps,weight_kg,rir,rpe,notes"]
    first = datetime(2025, 1, 6).date()
    for day in range(LIFT_DAYS):
        when = first + timedelta(days=day)
        exercise = ("back squat", "bench press", "deadlift", "BSS")[day % 4]
        lines += [f"{when},{exercise},{n},{8 - n},{40 + day % 30 + 2.5 * n},{2},,day {day}"
                  for n in range(1, 5)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def _import_log_outcomes(table: str, row: str) -> bool:
    """Left out of the comparison: a re-run logs every file it meets again as `duplicate`
    (the file's own outcome row stays as it was), and a file that cannot be imported is logged
    `failed` at every run that meets it (the clean run's one row is checked for it)."""
    if table != "import_log":
        return False
    return json.loads(row)["status"] in ("duplicate", "failed", "skipped")


def _campaign(
    figures: Figures,
    warehouses: Warehouses,
    args: list[str],
    watched: str,
    progress: list[str],
) -> None:
    rng = random.Random(figures.seed)
    env, url = warehouses.fresh()
    clean_run, first, last = work_window(url, watched, lambda: run_cli(env, *args))
    assert clean_run.returncode == 0, clean_run.stderr
    clean = snapshot(url)
    clean_counts = table_counts(url, *progress)
    figures.notes.append(
        f"clean run {clean_run.seconds:.2f} s, first row stored at {first:.2f} s, last at "
        f"{last:.2f} s; stored {clean_counts}"
    )
    # The window's end adapts down to the runs seen: a clean run timed while the machine was
    # busier would put most kills after the run had already finished (episodes with no kill).
    window_end = max(last, clean_run.seconds)
    while figures.injections < KILLS:
        env, url = warehouses.fresh()
        figures.episodes += 1
        for attempt in range(MAX_KILLS_PER_EPISODE + 1):
            kill = attempt < MAX_KILLS_PER_EPISODE and figures.injections < KILLS
            # From half-way to the first stored row (reading, checking) to the end of the run
            # (storing, the follow-up): a CSV's one transaction commits at one moment, and a
            # window around it alone would mostly miss under a loaded machine's jitter.
            after = rng.uniform(min(first, window_end) * 0.5, window_end) if kill else None
            run = run_cli(env, *args, after_s=after)
            figures.runs += 1
            if kill and not run.killed:
                window_end = min(window_end, run.seconds)
            if run.killed:
                figures.injections += 1
                left = table_counts(url, *progress)
                figures.moments.append(f"{after:.2f} s after start: left {left}")
                figures.unannounced_at_crash += unannounced_activities(url)
                continue
            assert run.returncode == 0, run.stderr
            break
        difference = compare(clean, snapshot(url), ignore=_import_log_outcomes)
        figures.rows_lost += difference.lost
        figures.duplicates += difference.duplicated
        figures.events_lost += difference.tables.get("events", (0, 0))[0]
        assert difference.lost == difference.duplicated == 0, difference.examples
    assert figures.unannounced_at_crash == 0
    assert (figures.rows_lost, figures.duplicates, figures.events_lost) == (0, 0, 0)


def test_killed_folder_imports_resume_to_the_clean_result(
    tmp_path: Path, shared_data: Path
) -> None:
    began = time.perf_counter()
    warehouses = Warehouses("sqlite", tmp_path)
    warehouses.seed(_seed)
    folder = _folder(shared_data, tmp_path)
    figures = Figures("kill-import", "sqlite", campaign_seed(14_2))
    _campaign(figures, warehouses, ["import", "ana", str(folder)], "import_log",
              ["import_log", "activities", "lift_sets", "events"])  # fmt: skip
    figures.seconds = time.perf_counter() - began
    figures.write()


@pytest.mark.postgres
def test_killed_lift_imports_resume_to_the_clean_result(
    tmp_path: Path, pg_databases: PgDatabases
) -> None:
    began = time.perf_counter()
    warehouses = Warehouses("postgresql", tmp_path, pg_databases)
    warehouses.seed(_seed)
    csv = _lift_csv(tmp_path)
    figures = Figures("kill-lift-import", "postgresql", campaign_seed(14_3))
    _campaign(figures, warehouses, ["lift", "import", "ana", str(csv)], "lift_sets",
              ["lift_sets", "events"])  # fmt: skip
    figures.seconds = time.perf_counter() - began
    figures.write()
