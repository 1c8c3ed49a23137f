"""How long `ironmiles` takes to answer, in the venv the README's commands build (.venv).

Builds a small warehouse in a temporary IRONMILES_HOME (`ironmiles init`, then `ironmiles demo`:
one athlete, a season of watch files, lifts and a race), then times, as a user runs them:

  ironmiles --help | athlete list | weekly demo-kai | plan demo-kai

next to the interpreter's own start-up (`python -c pass`) and `python -c "import typer, rich"`,
all in the same run and round-robin (one of each, ten times over), so a machine that is busy
slows every line alike. Prints each median (wall clock, and the CPU time the process used,
which a machine shared with other work inflates far less) and its ratios to the two baselines.
Goals: `--help` within 3x `import typer, rich`; `weekly` and `plan` under 1 s.

Usage (from the repository root, after `make setup`):  .venv/bin/python benchmarks/cli_latency.py

Figures (this 2-core machine, 2026-12-01, shared with other work: CPU medians are the fair
comparison; "before" is main at f1316dd, run the same way just before, and interleaved with
"after", by `python -m flows.cli`, at load 6-7):

  CPU median        before    after   (wall on a quiet machine before: --help 278 ms,
  --help            230 ms   233 ms    athlete list 1073, weekly 1222, plan 1531; CPU there
  athlete list      988 ms   618 ms    is the wall time, so after is about 0.6-0.8 s)
  weekly demo-kai  1141 ms   735 ms
  plan demo-kai    1384 ms   651 ms

What went: PostgreSQL's dialect (every driver's module) on a SQLite warehouse, garminconnect,
requests and cryptography in `plan` when nobody opted in to the workout push, polars in `plan`
when the load is current, pydantic-settings and pydantic's plugin search, the collector walking
the start-up's objects (paused while a command loads, then frozen), a second engine and revision
check in `plan`, and parsing whole migration files for the revision check. What remains is
mostly SQLAlchemy's and the ORM models' import (~0.3 s), typer's pydantic-based parameters
(~0.08 s), and polars for `weekly` (~0.1 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
ATHLETE = "demo-kai"  # the demo's athlete

BASELINES = {
    "python -c pass": [str(VENV_BIN / "python"), "-c", "pass"],
    'python -c "import typer, rich"': [str(VENV_BIN / "python"), "-c", "import typer, rich"],
}
COMMANDS = {
    "ironmiles --help": ["--help"],
    "ironmiles athlete list": ["athlete", "list"],
    f"ironmiles weekly {ATHLETE}": ["weekly", ATHLETE],
    f"ironmiles plan {ATHLETE}": ["plan", ATHLETE],
}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from start to exit of one run, and the CPU seconds (user + system) it used; a
    failing run stops the benchmark."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each line (default 10)")
    args = parser.parse_args()
    ironmiles = VENV_BIN / "ironmiles"
    if not ironmiles.exists():
        sys.exit(f"{ironmiles} not found: run `make setup` first")

    with tempfile.TemporaryDirectory(prefix="ironmiles-latency-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IRONMILES_")}
        env |= {"IRONMILES_HOME": home, "COLUMNS": "120"}
        build = time.perf_counter()
        run([str(ironmiles), "init"], env)
        run([str(ironmiles), "demo"], env)
        print(f"small warehouse (init + demo) built in {time.perf_counter() - build:.1f} s")
        lines = dict(BASELINES)
        lines |= {label: [str(ironmiles), *argv] for label, argv in COMMANDS.items()}
        for argv in lines.values():  # one warm-up each: the OS file cache, a first refresh
            run(argv, env)
        times: dict[str, list[float]] = {label: [] for label in lines}
        cpu: dict[str, list[float]] = {label: [] for label in lines}
        for _ in range(args.runs):
            for label, argv in lines.items():
                wall, used = run(argv, env)
                times[label].append(wall)
                cpu[label].append(used)

    medians = {label: statistics.median(values) for label, values in times.items()}
    cpu_medians = {label: statistics.median(values) for label, values in cpu.items()}
    bare, typer_rich = (medians[label] for label in BASELINES)
    bytecode = "compiled" if _has_bytecode() else "NOT compiled (run `make setup`)"
    print(f"median of {args.runs} runs, {sys.platform}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, bytecode {bytecode}")  # fmt: skip
    print(f"{'':34} {'median':>9} {'x pass':>8} {'x typer,rich':>13} {'cpu':>9}")
    for label, median in medians.items():
        print(f"{label:34} {median * 1000:7.0f}ms {median / bare:8.1f} {median / typer_rich:13.2f} "
              f"{cpu_medians[label] * 1000:7.0f}ms")  # fmt: skip
    help_ratio = medians["ironmiles --help"] / typer_rich
    print(f"goal --help <= 3x import typer, rich: {help_ratio:.2f}x "
          f"({'met' if help_ratio <= 3 else 'NOT met'})")  # fmt: skip
    for label in (f"ironmiles weekly {ATHLETE}", f"ironmiles plan {ATHLETE}"):
        verdict = "met" if medians[label] < 1.0 else "NOT met"
        print(f"goal {label} < 1 s: {medians[label]:.2f} s ({verdict}; "
              f"CPU {cpu_medians[label]:.2f} s)")  # fmt: skip


def _has_bytecode() -> bool:
    """Whether the venv's typer has compiled bytecode (what `make setup` leaves)."""
    found = list((REPO / ".venv" / "lib").glob("python3*/site-packages/typer/__pycache__/*.pyc"))
    return bool(found)


if __name__ == "__main__":
    main()
