"""Benchmark of the weekly-load pipeline (not part of CI; prints its figures).

    .tools/bin/uv run --frozen python benchmarks/weekly_load.py [--athletes 10000] [--years 5]

One run prints: the full recompute with polars (time, CPU, peak memory), the same computation
in DuckDB SQL and in plain pandas with the ratios (each engine runs in its own process, on the
same synthetic data, and the results are checked equal), an incremental recompute of 100
changed athletes, and the PostgreSQL warehouse path (about 1 M activities bulk-loaded into a
throw-away database, read into polars through ADBC, a full rebuild, and a refresh of
100 dirty athletes). Synthetic data is generated once into bench-out/ (git-ignored).
Targets (issue 5): polars at least as fast as DuckDB and 10x faster than pandas; 100 athletes
under 1 s; at least 1 M rows/s from PostgreSQL. The machine's load average is printed at the
start and the end: the figures are only as quiet as the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from engine.load import weekly_load  # noqa: E402

OUT = HERE.parent / "bench-out"
THROUGH = date(2025, 12, 28)
FLOAT_TOLERANCE = 1e-6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--athletes", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per engine (best kept)")
    parser.add_argument(
        "--pandas-athletes", type=int, default=None, help="run pandas on the first N athletes only"
    )
    parser.add_argument("--changed", type=int, default=100, help="athletes in the incremental run")
    parser.add_argument(
        "--postgres",
        default="host=127.0.0.1 port=5432 user=postgres",
        help="libpq DSN of a PostgreSQL server where a throw-away database may be created "
        "('' to skip the warehouse part)",
    )
    parser.add_argument("--pg-rows", type=int, default=1_000_000, help="activities to load")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.data, args)))
        return

    data = OUT / f"weekly_load-{args.athletes}x{args.years}"
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    prepare(data, args)
    results = {name: spawn(name, data, args) for name in ("polars", "duckdb", "pandas")}
    report(results, data, args)
    incremental = spawn("incremental", data, args)
    print(
        f"\nincremental recompute of {incremental['athletes']} changed athletes "
        f"({incremental['activities']:,} activities, {incremental['lift_sets']:,} lift sets): "
        f"best {incremental['best_s'] * 1000:.0f} ms, median {incremental['median_s'] * 1000:.0f}"
        f" ms (select + compute; compute alone {incremental['compute_s'] * 1000:.0f} ms); "
        f"equal to the full result's rows: {incremental['equal']}"
    )
    if args.postgres:
        report_postgres(spawn("postgres", data, args), args)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def report_postgres(result: dict[str, Any], args: argparse.Namespace) -> None:
    total = result["activities"] + result["lift_sets"] + result["lift_sessions"]
    print(
        f"\nwarehouse on PostgreSQL: {result['athletes']:,} athletes, "
        f"{result['activities']:,} activities, {result['lift_sets']:,} lift sets, "
        f"{result['lift_sessions']:,} lift sessions (bulk-loaded in {result['fill_s']:.0f} s)"
    )
    seconds = result["read_s"]
    rate = total / seconds
    print(
        f"  read into the engine's polars frames (ADBC, warehouse.weekly_load): "
        f"{seconds:.2f} s, {rate / 1e6:.2f} M rows/s ({result['activities'] / seconds / 1e6:.2f}"
        f" M activities/s within it); target 1 M rows/s: {'met' if rate >= 1e6 else 'MISSED'}"
    )
    print(
        f"  full rebuild of weekly_load (read, compute, COPY {result['weeks']:,} weeks in): "
        f"{result['rebuild_s']:.2f} s"
    )
    ms = result["incremental_s"] * 1000
    print(
        f"  refresh of {args.changed} athletes whose latest run changed (read their history "
        f"from PostgreSQL, compute, write the {result['incremental_weeks']:,} weeks that "
        f"changed, clear the marks): {ms:.0f} ms; target < 1 s: "
        f"{'met' if ms < 1000 else 'MISSED'}"
    )


def prepare(data: Path, args: argparse.Namespace) -> None:
    if (data / "lift_sessions.parquet").exists():
        print(f"synthetic data: {data} (cached)")
    else:
        from load_synthetic import generate

        started = time.perf_counter()
        synthetic = generate(athletes=args.athletes, years=args.years)
        data.mkdir(parents=True, exist_ok=True)
        synthetic.activities.write_parquet(data / "activities.parquet")
        synthetic.lift_sets.write_parquet(data / "lift_sets.parquet")
        synthetic.lift_sessions.write_parquet(data / "lift_sessions.parquet")
        print(f"synthetic data generated in {time.perf_counter() - started:.0f} s: {data}")
    sizes = {
        name: pl.scan_parquet(data / f"{name}.parquet").select(pl.len()).collect().item()
        for name in ("activities", "lift_sets", "lift_sessions")
    }
    print(
        f"{args.athletes:,} athletes x {args.years} years: {sizes['activities']:,} activities, "
        f"{sizes['lift_sets']:,} lift sets, {sizes['lift_sessions']:,} lift sessions"
    )


def spawn(worker: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Each engine in a fresh process: its peak memory is its own, and no engine's thread pool
    or allocator state is left behind for the next."""
    command = [sys.executable, __file__, "--worker", worker, "--data", str(data)]
    command += ["--repeat", str(args.repeat), "--changed", str(args.changed)]
    command += ["--postgres", args.postgres, "--pg-rows", str(args.pg_rows)]
    if args.pandas_athletes:
        command += ["--pandas-athletes", str(args.pandas_athletes)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(results: dict[str, dict[str, Any]], data: Path, args: argparse.Namespace) -> None:
    polars_s = results["polars"]["best_s"]
    print(f"\nfull recompute ({results['polars']['rows']:,} athlete-weeks), best of {args.repeat}:")
    for name, result in results.items():
        scaled = result["best_s"] * result["scale"]
        note = ""
        if result["scale"] != 1:
            note = (
                f"  [measured on {result['athletes']:,} athletes ({result['share']:.1%} of the "
                f"rows): {result['best_s']:.2f} s, scaled linearly x{result['scale']:.2f}]"
            )
        print(
            f"  {name:7s} {scaled:7.2f} s (median {result['median_s'] * result['scale']:.2f} s,"
            f" CPU {result['cpu_s'] * result['scale']:.2f} s)  peak RSS "
            f"{result['peak_rss_gb']:.2f} GB (inputs {result['input_gb']:.2f} GB)"
            f"  {scaled / polars_s:5.1f}x polars{note}"
        )
    duck = results["duckdb"]["best_s"] / polars_s
    pand = results["pandas"]["best_s"] * results["pandas"]["scale"] / polars_s
    print(
        f"  targets (wall, best): polars <= DuckDB: {'met' if duck >= 1 else 'MISSED'} "
        f"({duck:.2f}x); polars >= 10x pandas: {'met' if pand >= 10 else 'MISSED'} ({pand:.1f}x)"
    )
    cpu = {name: r["cpu_s"] * r["scale"] for name, r in results.items()}
    print(
        f"  CPU time ratios (all threads; less sensitive to other load on the machine): "
        f"DuckDB {cpu['duckdb'] / cpu['polars']:.2f}x, pandas {cpu['pandas'] / cpu['polars']:.1f}x"
        f" polars' ({os.cpu_count()} CPUs: polars and DuckDB use them all, pandas one)"
    )
    reference = pl.read_parquet(data / "result-polars.parquet")
    for name in ("duckdb", "pandas"):
        other = pl.read_parquet(data / f"result-{name}.parquet")
        mine = reference.filter(pl.col("athlete_id").is_in(other["athlete_id"].unique().implode()))
        print(f"  {name} result equals polars': {describe_difference(mine, other)}")


def describe_difference(left: pl.DataFrame, right: pl.DataFrame) -> str:
    if left.shape != right.shape:
        return f"NO, shapes {left.shape} and {right.shape}"
    problems = []
    for column in left.columns:
        a, b = left[column], right[column]
        nulls = int((a.is_null() != b.is_null()).sum())
        if a.dtype.is_float():
            worst = (a - b).abs().max()
            off = worst is not None and float(worst) > FLOAT_TOLERANCE  # type: ignore[arg-type]
        else:
            off = bool((a != b).fill_null(False).any())
        if nulls or off:
            problems.append(column)
    return "yes (floats within 1e-6)" if not problems else f"NO, differs in {problems}"


def load(data: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return (
        pl.read_parquet(data / "activities.parquet"),
        pl.read_parquet(data / "lift_sets.parquet"),
        pl.read_parquet(data / "lift_sessions.parquet"),
    )


def peak_rss_gb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries that over
    from the parent through fork and exec, so every worker would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    raise RuntimeError("no VmHWM in /proc/self/status")


CPU_TIMES: list[float] = []


def timed(run: Any, repeat: int) -> tuple[list[float], Any]:
    """Wall times of `repeat` runs; the CPU time of each (all threads) goes to CPU_TIMES."""
    times, result = [], None
    CPU_TIMES.clear()
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - started)
        CPU_TIMES.append(time.process_time() - cpu)
    return times, result


def summary(times: list[float], input_gb: float, **extra: Any) -> dict[str, Any]:
    return {
        "best_s": min(times),
        "median_s": median(times),
        "cpu_s": min(CPU_TIMES),
        "peak_rss_gb": peak_rss_gb(),
        "input_gb": input_gb,
        "scale": 1,
        **extra,
    }


def run_polars(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    acts, sets, sessions = load(data)
    input_gb = peak_rss_gb()
    times, result = timed(lambda: weekly_load(acts, sets, sessions, through=THROUGH), args.repeat)
    result.write_parquet(data / "result-polars.parquet")
    return summary(times, input_gb, rows=result.height)


def run_duckdb(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    import duckdb
    from load_duckdb import weekly_load_duckdb

    acts, sets, sessions = load(data)
    con = duckdb.connect()
    for name, frame in (("activities", acts), ("lift_sets", sets), ("lift_sessions", sessions)):
        con.register(name, frame.to_arrow())
    input_gb = peak_rss_gb()
    times, result = timed(lambda: weekly_load_duckdb(con, THROUGH), args.repeat)
    result.write_parquet(data / "result-duckdb.parquet")
    return summary(times, input_gb, rows=result.height)


def run_pandas(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from load_pandas import weekly_load_pandas

    acts, sets, sessions = load(data)
    total_rows = acts.height + sets.height
    athletes = int(acts["athlete_id"].max())  # type: ignore[arg-type]
    if args.pandas_athletes and args.pandas_athletes < athletes:
        athletes = args.pandas_athletes
        acts, sets, sessions = (
            f.filter(pl.col("athlete_id") <= athletes) for f in (acts, sets, sessions)
        )
    share = (acts.height + sets.height) / total_rows
    frames = [f.to_pandas() for f in (acts, sets, sessions)]
    del acts, sets, sessions
    input_gb = peak_rss_gb()
    times, result = timed(lambda: weekly_load_pandas(*frames, THROUGH), min(args.repeat, 2))
    columns = pl.read_parquet_schema(data / "result-polars.parquet")
    out = pl.from_pandas(result[list(columns)]).with_columns(
        pl.col(c).cast(t) for c, t in columns.items()
    )
    out.write_parquet(data / "result-pandas.parquet")
    return summary(times, input_gb, rows=out.height, athletes=athletes, share=share) | {
        "scale": 1 / share
    }


def run_incremental(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    acts, sets, sessions = load(data)
    full = pl.read_parquet(data / "result-polars.parquet")
    changed = acts["athlete_id"].unique().sample(args.changed, seed=11).sort().to_list()

    def recompute() -> pl.DataFrame:
        mine = [f.filter(pl.col("athlete_id").is_in(changed)) for f in (acts, sets, sessions)]
        return weekly_load(*mine, through=THROUGH)

    times, result = timed(recompute, max(args.repeat, 5))
    mine = [f.filter(pl.col("athlete_id").is_in(changed)) for f in (acts, sets, sessions)]
    compute, _ = timed(lambda: weekly_load(*mine, through=THROUGH), max(args.repeat, 5))
    expected = full.filter(pl.col("athlete_id").is_in(changed))
    return summary(
        times,
        0.0,
        compute_s=min(compute),
        athletes=len(changed),
        activities=mine[0].height,
        lift_sets=mine[1].height,
        equal=describe_difference(expected, result),
    )


def run_postgres(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from load_postgres import measure

    acts, sets, sessions = load(data)
    return measure(args.postgres, acts, sets, sessions, args.pg_rows, args.changed, args.repeat)


WORKERS = {
    "postgres": run_postgres,
    "polars": run_polars,
    "duckdb": run_duckdb,
    "pandas": run_pandas,
    "incremental": run_incremental,
}

if __name__ == "__main__":
    main()
