"""CSV and CLI fuzz campaign: `ironmiles lift import` fed mutated real-shaped CSVs (wrong
encodings, BOMs, missing and extra columns, huge numbers, NaN, negatives, dates out of range,
control characters), and every command of the CLI's table (flows/cli COMMANDS) called with
mutated argument values, in-process through typer's CliRunner, plus a handful through the real
console script. Each case ends in success or exit 2 with a message naming the field (exit 1 with
a one-line reason where the outside world is involved: a login prompt, the network), never a
traceback, and a refused command leaves the warehouse exactly as it was.

Rerun: `.venv/bin/pytest -q tests/chaos/test_fuzz_cli.py -s` (figures in test-artifacts/).
"""

from __future__ import annotations

import codecs
import os
import random
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.cli_world import CliWorld, Outcome
from tests.chaos.faults import REPO, record_figures

SEED = 1404
CSV_CASES = 120
CLI_CASES_PER_COMMAND = 6
NAMED_FIELD = re.compile(r"[\w\-]+=|--[\w-]+|'[\w\-]+'|IRONMILES_\w+|\bline \d+|error: [\w\-]+:")
"""How a message names what it refused: field=value, an option, an argument, a setting."""
NOT_RUN = {"serve", "demo"}
"""`serve` blocks serving HTTP; `demo` runs replay servers and the whole season (own test)."""
OUTSIDE_WORLD = {"connect", "strava", "sync", "coach"}
"""Commands whose failure can be the outside world's (a login prompt answered by nobody, an
API that does not answer, coach roles that need PostgreSQL): exit 1 with a reason is theirs."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[CliWorld]:
    fit = shared_data / "garmin-fit_garth" / "12129115726_ACTIVITY.fit"
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("IRONMILES_")
             and k != "IRONMILES_SHARED_DIR"}  # fmt: skip
    try:
        made = CliWorld(tmp_path_factory.mktemp("cli-fuzz"), fit)
    finally:
        os.environ.update(saved)
    yield made
    made.engine.dispose()


def judge(outcome: Outcome, *, outside_world: bool = False) -> str:
    """The verdict on one case; raises AssertionError with the case's output when it breaks
    the contract."""
    shown = (
        f"exit {outcome.exit_code}\nstdout: {outcome.stdout[-800:]}\n"
        f"stderr: {outcome.stderr[-800:]}"
    )
    assert outcome.crash is None, f"crash: {outcome.crash!r}\n{shown}"
    assert "Traceback" not in outcome.stdout + outcome.stderr, shown
    if outcome.exit_code == 0:
        return "ok"
    assert not outcome.wrote, f"a refused command wrote to the warehouse\n{shown}"
    if outcome.exit_code == 2:
        assert outcome.stderr.strip(), shown
        assert NAMED_FIELD.search(outcome.stderr), f"the message names no field\n{shown}"
        return "exit 2"
    assert outside_world and outcome.exit_code == 1, shown
    assert outcome.stderr.strip(), shown
    return "exit 1"


# -- the lift CSV ---------------------------------------------------------------------------------

HEADER = ["date", "exercise", "set", "reps", "weight_kg", "rir", "rpe", "notes"]
BAD_VALUES = ["1e400", "99999999999999999999", "-1", "0", "NaN", "nan", "inf", "-inf", "",
              " ", "3,5", "0x10", "1_000", "١٢", "½", "\x00", "\x1b[31m", "\u202e8",
              "ü" * 300]  # fmt: skip
BAD_DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "2099-01-01", "1900-01-01",
             "07/01/2026", "2026-1-7", "", "\x00", "2026-01-07T25:00"]  # fmt: skip


def _base_rows(rng: random.Random) -> list[list[str]]:
    rows = []
    for day in range(rng.randint(1, 6)):
        for set_no in range(1, rng.randint(2, 4)):
            rows.append([f"2026-01-{day + 1:02d}", rng.choice(["back_squat", "Back Squat",
                         "deadlift", "bulgarian split squat"]), str(set_no), "8", "60", "2", "",
                         "felt ok"])  # fmt: skip
    return rows


def _to_text(header: list[str], rows: list[list[str]], rng: random.Random) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or rng.random() < 0.1) else value

    newline = rng.choice(["\n", "\r\n", "\r"]) if rng.random() < 0.3 else "\n"
    return newline.join(",".join(cell(c) for c in row) for row in [header, *rows]) + newline


def mutate_csv(rng: random.Random) -> tuple[list[str], bytes]:
    header, rows = list(HEADER), _base_rows(rng)
    applied = []
    for _ in range(rng.randint(0, 2)):  # 0: only the encoding and line endings vary
        how = rng.choice(["value", "date", "drop-column", "extra-column", "extra-cell",
                          "missing-cell", "duplicate-header", "control", "quote", "long",
                          "empty", "header-case"])  # fmt: skip
        applied.append(how)
        row = rng.choice(rows) if rows else None
        if how == "value" and row is not None:
            row[rng.choice([2, 3, 4, 5, 6])] = rng.choice(BAD_VALUES)
        elif how == "date" and row is not None:
            row[0] = rng.choice(BAD_DATES)
        elif how == "drop-column":
            at = rng.randrange(len(header))
            del header[at]
            for r in rows:
                del r[at : at + 1]
        elif how == "extra-column":
            header.append(rng.choice(["extra", "weight_lb", "warmup", ""]))
            for r in rows:
                r.append(rng.choice(["1", "yes", ""]))
        elif how == "extra-cell" and row is not None:
            row.append("surplus")
        elif how == "missing-cell" and row is not None and row:
            row.pop()
        elif how == "duplicate-header":
            header.append(rng.choice(header))
        elif how == "control" and row is not None:
            row[rng.randrange(len(row))] += rng.choice(
                ["\x00", "\x07", "\x1b[2J", "\u2028", "\x7f"]
            )
        elif how == "quote" and row is not None:
            row[-1] = 'unbalanced "quote'
        elif how == "long" and row is not None:
            row[-1] = "x" * rng.choice([10_000, 200_000])
        elif how == "empty":
            rows = []
        elif how == "header-case":
            header = [h.upper() if rng.random() < 0.5 else f" {h} " for h in header]
    text = _to_text(header, rows, rng)
    encoding = rng.choice(["utf-8"] * 4 + ["utf-8-sig", "utf-16", "latin-1", "cp1252", "bom-only"])
    applied.append(encoding)
    if encoding == "bom-only":
        return applied, codecs.BOM_UTF8
    data = text.replace("felt ok", "felt ok é").encode(encoding, errors="replace")
    return applied, data


def test_lift_csv_fuzz(world: CliWorld, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    verdicts: Counter[str] = Counter()
    mutations: Counter[str] = Counter()
    for case in range(CSV_CASES):
        applied, data = mutate_csv(rng)
        mutations.update(applied)
        path = tmp_path / f"lifts-{case:03d}.csv"
        path.write_bytes(data)
        outcome = world.case(["lift", "import", "ana", str(path)])
        verdict = judge(outcome)
        verdicts[verdict] += 1
        if verdict == "ok":
            added = int(re.search(r"imported (\d+) new", outcome.stdout).group(1))  # type: ignore[union-attr]
            assert outcome.wrote == (added > 0)
    FIGURES["lift_csv"] = {"cases": CSV_CASES, "seed": SEED, "verdicts": dict(verdicts),
                           "mutations": dict(mutations), "tracebacks": 0,
                           "partial_writes": 0}  # fmt: skip
    record_figures("csv-cli-fuzz", FIGURES)
    assert verdicts["exit 2"] > 0 and verdicts["ok"] > 0


# -- every CLI argument ---------------------------------------------------------------------------

VALUES = ["ana", "ANA", "nobody", "1", "2", "0", "-1", "99999999999999999999", "1e309", "nan",
          "inf", "3.5", "", " ", "2026-01-07", "2026-02-30", "0001-01-01", "9999-12-31",
          "2026-W02", "2026-W99", "kg", "lb", "json", "table", "csv", "md", "ics", "run",
          "back_squat", "UTC", "Mars/Olympus", "A", "Z", "monday", "\x00", "\x1b[31mred",
          "é" * 50, "x" * 3000, "'; DROP TABLE athletes; --", "../../etc/passwd",
          "KEY=VALUE", "plausible_squat_max_kg=1e400", "SELECT 1", "DELETE FROM athletes",
          "http://127.0.0.1:9/cb"]  # fmt: skip


PLAUSIBLE = {"name": "ana", "athlete": "ana", "id": "1", "date": "2026-01-08",
             "from_": "2026-01-01", "to": "2026-03-01", "format": "json", "weeks": "4",
             "week": "2026-W02",
             "exercise": "back_squat", "sets": "1", "reps": "5", "weight": "62.5",
             "body_weight": "70", "timezone": "UTC", "distance_km": "10", "priority": "B",
             "unit": "kg", "sport": "run", "sql": "SELECT name FROM athletes"}  # fmt: skip
"""A plausible value per parameter name, given half the time, so cases also reach the
commands' own checks and their success paths, not only the parsers' refusals."""


def _value(param: Any, rng: random.Random) -> str:
    if param.name in PLAUSIBLE and rng.random() < 0.5:
        return PLAUSIBLE[param.name]
    return rng.choice(VALUES)


def _commands() -> Iterator[tuple[list[str], Any]]:
    from typer.core import TyperGroup

    from flows.cli import COMMANDS

    for name, lazy in COMMANDS.items():
        if name in NOT_RUN:
            continue
        command = lazy.load()
        if isinstance(command, TyperGroup):
            for sub_name, sub in sorted(command.commands.items()):
                yield [name, sub_name], sub
        else:
            yield [name], command


def _arguments(command: Any, rng: random.Random) -> list[str]:
    from typer.core import TyperArgument, TyperOption

    args: list[str] = []
    for param in command.params:
        if isinstance(param, TyperArgument):
            count = 1 if param.nargs == 1 else rng.randint(1, 2)
            args += [_value(param, rng) for _ in range(count)]
        elif isinstance(param, TyperOption) and param.name != "help" and rng.random() < 0.5:
            flag = max(param.opts, key=len)
            if param.is_flag:
                args.append(flag)
            else:
                args += [flag, _value(param, rng)]
    return args


def test_every_cli_argument_fuzzed(world: CliWorld) -> None:
    rng = random.Random(SEED + 1)
    verdicts: Counter[str] = Counter()
    per_command: dict[str, int] = {}
    for path, command in _commands():
        outside = path[0] in OUTSIDE_WORLD
        for _ in range(CLI_CASES_PER_COMMAND):
            args = [*path, *_arguments(command, rng)]
            try:
                verdicts[judge(world.case(args, input=""), outside_world=outside)] += 1
            except AssertionError as broken:
                raise AssertionError(f"ironmiles {args!r}: {broken}") from None
        per_command[" ".join(path)] = CLI_CASES_PER_COMMAND
    FIGURES["cli_arguments"] = {"commands": len(per_command), "cases": sum(per_command.values()),
                                "seed": SEED + 1, "verdicts": dict(verdicts), "tracebacks": 0,
                                "partial_writes": 0, "not_run": sorted(NOT_RUN)}  # fmt: skip
    record_figures("csv-cli-fuzz", FIGURES)
    assert len(per_command) >= 30


SUBPROCESS_CASES = [
    ["lift", "add", "ana", "--date", "2026-02-30", "--exercise", "back_squat", "--sets", "1",
     "--reps", "5", "--weight", "60"],
    ["lift", "import", "ana", "LIFTS_UTF16"],
    ["athlete", "add", "bob", "--body-weight", "nan", "--timezone", "UTC"],
    ["query", "DELETE FROM athletes"],
]  # fmt: skip


def test_a_handful_through_the_real_console_script(world: CliWorld, tmp_path: Path) -> None:
    utf16 = tmp_path / "lifts-utf16.csv"
    utf16.write_bytes(("\n".join([",".join(HEADER), "2026-01-07,back_squat,1,5,60,2,,"]) + "\n")
                      .encode("utf-16"))  # fmt: skip
    script = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "ironmiles"
    if not script.exists():
        script = REPO / ".venv" / "bin" / "ironmiles"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("IRONMILES_")}, **world.env}
    verdicts: Counter[str] = Counter()
    for args in SUBPROCESS_CASES:
        args = [str(utf16) if a == "LIFTS_UTF16" else a for a in args]
        world.engine.dispose()
        world.db.write_bytes(world.template.read_bytes())
        done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip
        from tests.chaos.cli_world import dump

        outcome = Outcome(done.returncode, done.stdout, done.stderr, None,
                          wrote=dump(world.engine) != world.clean)  # fmt: skip
        verdict = judge(outcome)
        assert verdict == "exit 2", (args, done.stderr)
        verdicts[verdict] += 1
    FIGURES["subprocess"] = {"cases": len(SUBPROCESS_CASES), "verdicts": dict(verdicts)}
    record_figures("csv-cli-fuzz", FIGURES)


FIGURES: dict[str, Any] = {}


# -- the crashes the campaign found, one regression test each -------------------------------------


def test_a_field_past_the_csv_size_limit_is_bad_input(world: CliWorld, tmp_path: Path) -> None:
    """Was csv.Error('field larger than field limit (131072)') out of `lift import`."""
    from connectors.errors import InputError
    from connectors.manual import parse_lift_csv

    text = ",".join(HEADER) + '\n2026-01-07,back_squat,1,5,60,2,,"' + "x" * 200_000 + "\n"
    with pytest.raises(InputError) as refused:
        parse_lift_csv(text, unit="kg", today=date(2026, 3, 1))
    assert refused.value.field == "file" and "unclosed quote" in str(refused.value)
    path = tmp_path / "swallowed.csv"
    path.write_text(text, encoding="utf-8")
    assert judge(world.case(["lift", "import", "ana", str(path)])) == "exit 2"


@pytest.mark.parametrize("command", [["activity", "delete"], ["activity", "set-sport"],
                                     ["lift", "delete"], ["race", "remove"]])  # fmt: skip
def test_an_id_past_64_bits_is_bad_input(world: CliWorld, command: list[str]) -> None:
    """Was OverflowError('Python int too large to convert to SQLite INTEGER')."""
    args = [*command, "99999999999999999999", *(["run"] if command[-1] == "set-sport" else [])]
    outcome = world.case(args)
    assert judge(outcome) == "exit 2"
    assert "ID" in outcome.stderr
