"""Benchmark: import a year of one runner's FIT files, against a full garmin-fit-sdk decode.

    .tools/bin/uv run --frozen python benchmarks/import_files.py [--files 250] [--keep DIR]

1. Writes ~250 activities (runs, a few treadmill runs, weekly strength sessions with sets), each
   with 1 Hz `record` messages, with garmin_fit_sdk.Encoder (connectors/replay/fit_writer.py).
2. Imports the folder into a fresh SQLite warehouse with the real import path
   (flows.file_import: list the inputs, parse each, store each in its own transaction), and
   reports files per second.
3. Decodes every file in full with garmin-fit-sdk (Decoder.read, default options): the floor a
   decoder that reads every message has, before any database work.
4. Prints both, their ratio, and the target (100 files/s); wall time and, beside it, the
   process's CPU time (on a machine other work loads, CPU time is the steadier figure).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the FIT writer lives with the tests

from garmin_fit_sdk import Decoder, Stream  # noqa: E402

from connectors.files import parse_bytes  # noqa: E402
from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes  # noqa: E402
from flows.file_import import import_inputs, opened_inputs  # noqa: E402
from warehouse.athletes import AthleteProfile, add_athlete  # noqa: E402
from warehouse.db import make_engine, session_scope  # noqa: E402
from warehouse.migrate import upgrade  # noqa: E402

TARGET_FILES_PER_S = 100.0
YEAR_START = datetime(2025, 1, 6, 6, 30, tzinfo=UTC)
STRENGTH_CATEGORIES = (["squat", "lunge", "deadlift"], ["bench_press", "push_up", "row"],
                       ["row", "shrug", "pull_up"], ["unknown", "unknown", "unknown"])  # fmt: skip


def year_of_specs(count: int, seed: int = 7) -> list[FitSpec]:
    """`count` activities spread over a year: about one in five a strength session."""
    rng = random.Random(seed)
    specs = []
    step = timedelta(days=365) / count
    for index in range(count):
        start = YEAR_START + step * index + timedelta(minutes=rng.randint(0, 600))
        start = start.replace(second=0, microsecond=0)
        offset = timedelta(hours=rng.choice([1, 1, 2, 3]))
        if index % 5 == 4:
            specs.append(_strength(rng, start, offset))
        else:
            specs.append(_run(rng, start, offset, treadmill=index % 17 == 3))
    return specs


def _run(rng: random.Random, start: datetime, offset: timedelta, *, treadmill: bool) -> FitSpec:
    timer = float(rng.randint(25, 95) * 60)
    pace = rng.uniform(4.6, 6.2) * 60  # seconds per km
    session = SessionSpec(
        start=start, timer_s=timer, elapsed_s=timer + rng.randint(0, 240),
        distance_m=round(timer / pace * 1000, 2), sport="running",
        sub_sport="treadmill" if treadmill else "generic",
        avg_hr=rng.randint(135, 160), max_hr=rng.randint(165, 185),
    )  # fmt: skip
    return FitSpec(sessions=[session], local_offset=offset, record_every_s=1)


def _strength(rng: random.Random, start: datetime, offset: timedelta) -> FitSpec:
    sets = []
    moment = start
    for _ in range(rng.randint(12, 20)):
        duration = rng.uniform(25, 60)
        sets.append(
            SetSpec(
                start=moment,
                duration_s=round(duration, 3),
                repetitions=rng.randint(5, 12),
                weight_kg=rng.choice([0.0, 20.0, 40.0, 60.0, 62.5]),
                category=rng.choice(STRENGTH_CATEGORIES),
                category_subtype=[None, None, None],
            )
        )
        moment += timedelta(seconds=duration)
        rest = rng.uniform(60, 150)
        sets.append(SetSpec(start=moment, duration_s=round(rest, 3), set_type="rest"))
        moment += timedelta(seconds=rest)
    elapsed = (moment - start).total_seconds()
    session = SessionSpec(start=start, timer_s=elapsed, elapsed_s=elapsed, sport="training",
                          sub_sport="strength_training", avg_hr=110, max_hr=150)  # fmt: skip
    return FitSpec(sessions=[session], sets=sets, local_offset=offset, record_every_s=1)


def _write(job: tuple[Path, FitSpec]) -> int:
    path, spec = job
    data = fit_bytes(spec)
    path.write_bytes(data)
    return len(data)


def generate(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{index:04d}_ACTIVITY.fit" for index in range(count)]
    if all(path.exists() for path in paths):
        return paths
    jobs = list(zip(paths, year_of_specs(count), strict=True))
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_write, jobs, chunksize=8))
    return paths


def timed_import(folder: Path, workdir: Path) -> tuple[float, float, int, str]:
    database = workdir / "bench.db"
    for leftover in workdir.glob("bench.db*"):
        leftover.unlink()
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        add_athlete(session, AthleteProfile(name="runner", timezone="Europe/Helsinki"))
    started, cpu_started = time.perf_counter(), time.process_time()
    with opened_inputs([folder]) as inputs:
        summary = import_inputs(engine, "runner", inputs)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    engine.dispose()
    statuses = {status: summary.count(status) for status in ("imported", "partial", "failed")}
    detail = (f"{summary.activities_added} activities, {summary.lift_sets_added} lift sets, "
              f"statuses {statuses}")  # fmt: skip
    return seconds, cpu_seconds, len(inputs), detail


def timed_parse_only(paths: list[Path]) -> tuple[float, float]:
    """The connector alone (fast FIT path to records), no database: where the import's time goes."""
    zone = ZoneInfo("Europe/Helsinki")
    datas = [path.read_bytes() for path in paths]
    started, cpu_started = time.perf_counter(), time.process_time()
    for path, data in zip(paths, datas, strict=True):
        parse_bytes(data, "fit", name=path.name, fallback_tz=zone)
    return time.perf_counter() - started, time.process_time() - cpu_started


def timed_full_decode(paths: list[Path]) -> tuple[float, float, int]:
    records = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in paths:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
        if errors:
            raise RuntimeError(f"{path}: {errors}")
        records += len(messages.get("record_mesgs", []))
    return time.perf_counter() - started, time.process_time() - cpu_started, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=250)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated files here")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ironmiles-bench-") as temporary:
        workdir = Path(temporary)
        folder = arguments.keep or workdir / "fit"
        started = time.perf_counter()
        paths = generate(folder, arguments.files)
        size = sum(path.stat().st_size for path in paths)
        print(
            f"generated {len(paths)} FIT files, {size / 1e6:.1f} MB, "
            f"in {time.perf_counter() - started:.1f} s (garmin_fit_sdk.Encoder, 1 Hz records)"
        )

        import_s, import_cpu_s, imported, detail = timed_import(folder, workdir)
        import_rate = imported / import_s
        print(
            f"import (list, parse, store in SQLite, one transaction per file): "
            f"{imported} files in {import_s:.2f} s = {import_rate:.1f} files/s "
            f"(CPU {import_cpu_s:.2f} s = {imported / import_cpu_s:.1f} files/s; {detail})"
        )

        parse_s, parse_cpu_s = timed_parse_only(paths)
        print(
            f"  of which reading alone (files connector, no database): "
            f"{len(paths) / parse_s:.1f} files/s (CPU {len(paths) / parse_cpu_s:.1f} files/s); "
            f"storing takes {100 * (1 - parse_cpu_s / import_cpu_s):.0f} % of the import's CPU"
        )

        decode_s, decode_cpu_s, records = timed_full_decode(paths)
        decode_rate = len(paths) / decode_s
        print(
            f"full garmin-fit-sdk decode of every file (no database): {len(paths)} files, "
            f"{records} records, in {decode_s:.2f} s = {decode_rate:.1f} files/s "
            f"(CPU {len(paths) / decode_cpu_s:.1f} files/s)"
        )

        print(
            f"ratio import / full decode: {import_rate / decode_rate:.1f}x wall, "
            f"{decode_cpu_s / import_cpu_s:.1f}x CPU "
            f"(reading alone / full decode: {len(paths) / parse_s / decode_rate:.0f}x)"
        )
        verdict = "meets" if import_rate >= TARGET_FILES_PER_S else "MISSES"
        print(
            f"target {TARGET_FILES_PER_S:.0f} files/s: {verdict} ({import_rate:.1f} files/s); "
            "GarminDB imports such files at about 0.4 files/s"
        )


if __name__ == "__main__":
    main()
