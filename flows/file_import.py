"""Activity files into the warehouse: the files connector read, one transaction per file.

Thin by design: `connectors.files` reads, `warehouse.file_records` stores; this wires them, keeps
going past a file that fails, and counts what happened for the summary.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError

from connectors.errors import FileFormatError, InputError
from connectors.files import InputFile, iter_inputs, parse_input
from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.file_records import FileOutcome, log_failed_file, store_parsed_file

log = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def activities_added(self) -> int:
        return sum(outcome.activities_added for outcome in self.outcomes)

    @property
    def lift_sets_added(self) -> int:
        return sum(outcome.lift_sets_added for outcome in self.outcomes)


@contextmanager
def opened_inputs(paths: Sequence[str | os.PathLike[str]]) -> Iterator[list[InputFile]]:
    """Every importable file under `paths`, their archives open until the block ends.

    Raises InputError for a path that does not exist, or when the paths hold no activity file.
    """
    with iter_inputs(paths) as listed:
        inputs = list(listed)
        if not inputs:
            raise InputError(
                "PATH",
                " ".join(str(path) for path in paths),
                "nothing to import there: give FIT, GPX or TCX files (maybe .gz), folders or "
                "zips holding them, or a Strava export",
            )
        yield inputs


def import_inputs(
    engine: Engine,
    athlete_name: str,
    inputs: Sequence[InputFile],
    *,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> ImportSummary:
    """Import every input for the athlete; a file that fails is logged and the rest go on.

    Raises UnknownAthlete before anything is read.
    """
    with session_scope(engine) as session:
        athlete = get_athlete(session, athlete_name)
        athlete_id, timezone = athlete.id, athlete.timezone
    zone = ZoneInfo(timezone)
    summary = ImportSummary()
    for item in inputs:
        outcome = _import_one(engine, athlete_id, timezone, zone, item)
        summary.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return summary


def _import_one(
    engine: Engine, athlete_id: int, timezone: str, zone: ZoneInfo, item: InputFile
) -> FileOutcome:
    try:
        parsed = parse_input(item, fallback_tz=zone)
    except FileFormatError as error:
        return _fail(engine, athlete_id, item.name, str(error))
    except Exception as error:  # a reader bug on one odd file must not stop a 10,000-file import
        log.exception("reading %s failed", item.name)
        return _fail(engine, athlete_id, item.name, f"could not be read ({type(error).__name__})")
    try:
        with session_scope(engine) as session:
            return store_parsed_file(session, athlete_id, timezone, parsed)
    except (IntegrityError, DataError) as error:
        # The file's transaction rolled back whole; say why and go on with the next file.
        reason = f"could not be stored: {str(error.orig).splitlines()[0]}"
        return _fail(engine, athlete_id, item.name, reason, parsed.sha256)


def _fail(
    engine: Engine, athlete_id: int, name: str, reason: str, sha256: str | None = None
) -> FileOutcome:
    with session_scope(engine) as session:
        return log_failed_file(session, athlete_id, name, reason, sha256)
