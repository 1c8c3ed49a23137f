"""The CLI fuzz campaigns' world: a warehouse with one athlete, a lift, a race and an imported
activity, restored from a template before every case (so a case that succeeds and changes it
does not change the next one's start); the CLI run in-process with typer's CliRunner, and a
raw dump of every table to tell "nothing was written" exactly."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from warehouse.db import make_engine
from warehouse.models import Base

CLOSED_PORT = "http://127.0.0.1:9"
"""Where the Garmin and Strava clients are pointed: nothing listens, no call leaves the box."""


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    crash: BaseException | None
    """An exception that escaped the CLI (typer's runner keeps it): a crash."""
    wrote: bool


def dump(engine: Engine) -> str:
    """Every row of every table, in a stable order (ids and timestamps included: a failed
    command must leave the warehouse byte for byte as it was)."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        digest.update(
            repr(connection.execute(text("SELECT count(*) FROM alembic_version")).all()).encode()
        )
    return digest.hexdigest()


class CliWorld:
    def __init__(self, root: Path, fit_file: Path) -> None:
        self.home = root / "home"
        self.template = root / "template.db"
        self.db = self.home / "ironmiles.db"
        self.env = {
            "IRONMILES_HOME": str(self.home),
            "IRONMILES_SECRET_KEY": Fernet.generate_key().decode(),
            "IRONMILES_GARMIN_API_BASE": CLOSED_PORT,
            "IRONMILES_STRAVA_API_BASE": CLOSED_PORT,
            "IRONMILES_STRAVA_CLIENT_ID": "4242",
            "IRONMILES_STRAVA_CLIENT_SECRET": "not-a-real-secret",
            "COLUMNS": "200",
        }
        # Whatever IRONMILES_ settings the test process has are unset for the cases.
        stray: dict[str, str | None] = {
            name: None for name in os.environ
            if name.startswith("IRONMILES_") and name != "IRONMILES_SHARED_DIR"
        }  # fmt: skip
        self.runner = CliRunner(env={**stray, **self.env})
        for args in (
            ["init"],
            ["athlete", "add", "ana", "--body-weight", "70", "--timezone", "Europe/Ljubljana"],
            ["lift", "add", "ana", "--date", "2026-01-07", "--exercise", "back_squat",
             "--sets", "2", "--reps", "8", "--weight", "60"],
            ["race", "add", "ana", "--date", "2026-05-10", "--name", "Spring 10k",
             "--distance-km", "10", "--priority", "A"],
            ["import", "ana", str(fit_file)],
        ):  # fmt: skip
            result = self.invoke(args)
            assert result.exit_code == 0 and result.crash is None, (args, result)
        shutil.copyfile(self.db, self.template)
        self.engine = make_engine(f"sqlite:///{self.db}")
        self.clean = dump(self.engine)

    def invoke(self, args: list[str], *, input: str | None = None) -> Outcome:
        from flows.cli import app

        result = self.runner.invoke(app, args, input=input)
        crash = result.exception
        if isinstance(crash, SystemExit):
            crash = None
        return Outcome(result.exit_code, result.stdout, result.stderr, crash, wrote=False)

    def case(self, args: list[str], *, input: str | None = None) -> Outcome:
        """Run one case from the template warehouse; `wrote` says whether anything changed."""
        self.engine.dispose()
        shutil.copyfile(self.template, self.db)
        outcome = self.invoke(args, input=input)
        self.engine.dispose()
        changed = dump(self.engine) != self.clean
        return Outcome(outcome.exit_code, outcome.stdout, outcome.stderr, outcome.crash, changed)
