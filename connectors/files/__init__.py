"""Activity files in: FIT, GPX and TCX files, folders, zips, gz files and bulk exports.

    with iter_inputs(paths) as inputs:  # raises InputError for a path that does not exist
        for item in inputs:
            try:
                parsed = parse_input(item, fallback_tz=athlete_zone)
            except FileFormatError as error:
                ...  # log item.name and the reason, go on with the next file
            else:
                ...  # store parsed.activities and parsed.lift_sets in one transaction

Nothing here touches the database; records carry stable source ids so re-imports converge.
"""

from __future__ import annotations

import hashlib
from datetime import tzinfo

from connectors.errors import FileFormatError
from connectors.files.fit import parse_fit
from connectors.files.gpx import parse_gpx
from connectors.files.inputs import FileKind, InputFile, InputKind, Inputs, file_kind, iter_inputs
from connectors.files.parsed import ParsedFile, UndatedFile
from connectors.files.strava_export import strava_activity
from connectors.files.tcx import parse_tcx

__all__ = [
    "FileFormatError",
    "FileKind",
    "InputFile",
    "InputKind",
    "Inputs",
    "ParsedFile",
    "UndatedFile",
    "file_kind",
    "iter_inputs",
    "parse_bytes",
    "parse_input",
]


def parse_input(item: InputFile, *, fallback_tz: tzinfo) -> ParsedFile:
    """The records of one input. Raises FileFormatError when it cannot be read at all.

    `fallback_tz` (the athlete's zone) places an activity whose file names no local time.
    """
    data = item.read_bytes()
    if item.kind == "strava_activity":
        return _strava(item, data, fallback_tz)
    if item.kind == "unreadable":  # pragma: no cover - read_bytes raised already
        raise (UndatedFile if item.undated else FileFormatError)(item.error or "unreadable input")
    return parse_bytes(data, item.kind, name=item.name, fallback_tz=fallback_tz)


def parse_bytes(data: bytes, kind: FileKind, *, name: str, fallback_tz: tzinfo) -> ParsedFile:
    """Parse one activity file's bytes as `kind`."""
    sha256 = hashlib.sha256(data).hexdigest()
    if kind == "fit":
        return parse_fit(data, name=name, sha256=sha256, fallback_tz=fallback_tz)
    if kind == "gpx":
        return parse_gpx(data, name=name, sha256=sha256, fallback_tz=fallback_tz)
    return parse_tcx(data, name=name, sha256=sha256, fallback_tz=fallback_tz)


def _strava(item: InputFile, data: bytes, fallback_tz: tzinfo) -> ParsedFile:
    row = item.strava_row
    if row is None:  # pragma: no cover - iter_inputs always sets it for this kind
        raise FileFormatError("Strava row missing")
    sha256 = hashlib.sha256(row.fingerprint() + b"\0" + data).hexdigest()
    file = None
    problem = None
    if item.file_kind is not None:
        try:
            file = parse_bytes(data, item.file_kind, name=item.name, fallback_tz=fallback_tz)
        except FileFormatError as error:
            # The row is still a whole activity; only the enrichment is lost.
            problem = f"its file is unreadable: {error}"
    elif row.filename:
        # The row names a file the export does not hold (or not as FIT/GPX/TCX): say so.
        problem = f"its file {row.filename} is not a FIT/GPX/TCX file in the export"
    return strava_activity(
        row, file, name=item.name, sha256=sha256, fallback_tz=fallback_tz, file_problem=problem
    )
