"""Activity files into the warehouse: the files connector read, one transaction per file.

Thin by design: `connectors.files` reads, `warehouse.file_records` stores; this wires them, keeps
going past a file that fails, and counts what happened for the summary.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError

from connectors.errors import FileFormatError, InputError
from connectors.files import InputFile, UndatedFile, iter_inputs, parse_input
from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.file_records import FileOutcome, activity_ids_of, log_failed_file, store_parsed_file
from warehouse.sport_overlay import check_sport, set_sport_of

log = logging.getLogger(__name__)
_STATUSES = ("imported", "updated", "partial", "duplicate", "skipped", "failed")


@dataclass(frozen=True, slots=True)
class Unusable:
    """Something an import stored or met that no total can use yet, and how to fix it."""

    what: str
    files: int
    activity_ids: tuple[int, ...]
    fix: str
    names: tuple[str, ...] = ()
    """The files, as the import log names them."""


@dataclass
class ImportSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    def unusable(self) -> list[Unusable]:
        """What the import could not use (sport unknown, no distance, no date), with the fix."""
        found = []
        unknown = [o for o in self.outcomes if o.sport_unknown]
        if unknown:
            ids = tuple(i for o in unknown for i in o.sport_unknown)
            fix = "set it with `ironmiles activity set-sport`"
            found.append(
                Unusable("sport unknown", len(unknown), ids, fix, tuple(o.name for o in unknown))
            )
        no_distance = [o for o in self.outcomes if o.no_distance]
        if no_distance:
            ids = tuple(i for o in no_distance for i in o.no_distance)
            found.append(Unusable("no distance", len(no_distance), ids,
                                  "they count 0 km; give the distance with "
                                  "`ironmiles activity correct ID --distance-km KM`",
                                  tuple(o.name for o in no_distance)))  # fmt: skip
        undated = [o for o in self.outcomes if o.no_date]
        if undated:
            found.append(Unusable("no date", len(undated), (),
                                  "nothing in them places them in a week, so they were not "
                                  "imported; export them again from the watch's app, which "
                                  "keeps the times", tuple(o.name for o in undated)))  # fmt: skip
        return found

    def as_json(self, athlete: str) -> dict[str, Any]:
        """The summary as one JSON document (`ironmiles import ... --format json`)."""
        return {
            "athlete": athlete,
            "files": len(self.outcomes),
            **{status: self.count(status) for status in _STATUSES},
            "activities_added": self.activities_added,
            "activities_updated": sum(o.activities_updated for o in self.outcomes),
            "lift_sets_added": self.lift_sets_added,
            "unusable": [
                {
                    "what": u.what,
                    "files": u.files,
                    "activity_ids": list(u.activity_ids),
                    "fix": u.fix,
                    "names": list(u.names),
                }
                for u in self.unusable()
            ],
            "outcomes": [
                {
                    "name": o.name,
                    "status": o.status,
                    "reason": o.reason,
                    "activity_ids": list(o.activity_ids),
                }
                for o in self.outcomes
            ],
        }

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
    sport: str | None = None,
) -> ImportSummary:
    """Import every input for the athlete; a file that fails is logged and the rest go on.

    `sport` (a person's choice for the whole batch, `import --sport`) is set as a sport overlay
    on every activity the files hold, in each file's own transaction.
    Raises UnknownAthlete or BadInput (an unknown sport) before anything is read.
    """
    if sport is not None:
        sport = check_sport(sport, "--sport")
    with session_scope(engine) as session:
        athlete = get_athlete(session, athlete_name)
        athlete_id, timezone = athlete.id, athlete.timezone
    zone = ZoneInfo(timezone)
    summary = ImportSummary()
    for item in inputs:
        outcome = _import_one(engine, athlete_id, timezone, zone, item, sport)
        summary.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return summary


def _import_one(
    engine: Engine,
    athlete_id: int,
    timezone: str,
    zone: ZoneInfo,
    item: InputFile,
    sport: str | None,
) -> FileOutcome:
    try:
        parsed = parse_input(item, fallback_tz=zone)
    except UndatedFile as error:
        return _fail(engine, athlete_id, item.name, str(error), no_date=True)
    except FileFormatError as error:
        return _fail(engine, athlete_id, item.name, str(error))
    except Exception as error:  # a reader bug on one odd file must not stop a 10,000-file import
        log.exception("reading %s failed", item.name)
        return _fail(engine, athlete_id, item.name, f"could not be read ({type(error).__name__})")
    try:
        with session_scope(engine) as session:
            outcome = store_parsed_file(session, athlete_id, timezone, parsed)
            if sport is not None and parsed.activities:
                ids = outcome.activity_ids or activity_ids_of(session, athlete_id, parsed)
                set_sport_of(session, athlete_id, ids, sport)
                outcome = replace(outcome, activity_ids=ids, sport_unknown=())
            return outcome
    except (IntegrityError, DataError) as error:
        # The file's transaction rolled back whole; say why and go on with the next file.
        reason = f"could not be stored: {str(error.orig).splitlines()[0]}"
        return _fail(engine, athlete_id, item.name, reason, parsed.sha256)


def _fail(
    engine: Engine,
    athlete_id: int,
    name: str,
    reason: str,
    sha256: str | None = None,
    *,
    no_date: bool = False,
) -> FileOutcome:
    with session_scope(engine) as session:
        return log_failed_file(session, athlete_id, name, reason, sha256, no_date=no_date)
