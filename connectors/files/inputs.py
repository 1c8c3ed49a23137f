"""What the user pointed at, expanded into the activity files it holds.

Paths may be files, folders (read recursively), `.zip` archives (Garmin account exports nest
zips inside the zip), `.gz` files, and Strava bulk exports (a folder or zip with activities.csv
at its top, whose rows name files under activities/). Listing reads only archive directories;
each file's bytes are read when it is parsed, so a progress bar can count the files first.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from connectors.errors import FileFormatError, InputError
from connectors.files.parsed import UndatedFile
from connectors.files.strava_export import StravaRow, StravaRowError, read_activities_csv

InputKind = Literal["fit", "gpx", "tcx", "strava_activity", "unreadable"]
FileKind = Literal["fit", "gpx", "tcx"]

MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""Larger decompressed members are refused: no activity file is that big, a zip bomb is."""
MAX_NESTING = 4
"""Zips inside zips deeper than this are refused (Garmin exports nest two levels)."""
MAX_NESTED_ZIP_BYTES = 16 * 1024 * 1024 * 1024
"""A zip inside a zip is spooled to a temporary file (Garmin's parts run to gigabytes)."""
_SPOOL_IN_MEMORY = 64 * 1024 * 1024

_FILE_KINDS: dict[str, FileKind] = {".fit": "fit", ".gpx": "gpx", ".tcx": "tcx"}
STRAVA_CSV = "activities.csv"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One activity (or one Strava row) to import, and how to read its bytes."""

    name: str
    """Where it was found: `export.zip!activities/123.fit.gz`, shown in the log and summary."""
    kind: InputKind
    opener: Callable[[], bytes] = field(repr=False, compare=False)
    strava_row: StravaRow | None = None
    file_kind: FileKind | None = None
    """For a Strava row: the kind of the file it references, when the export holds that file."""
    error: str | None = None
    """For an unreadable input: why (a broken zip, an unreadable CSV row)."""
    undated: bool = False
    """For an unreadable Strava row: its date could not be read."""

    def read_bytes(self) -> bytes:
        """The file's bytes, decompressed. Raises FileFormatError when they cannot be read."""
        if self.kind == "unreadable":
            error = UndatedFile if self.undated else FileFormatError
            raise error(self.error or "unreadable input")
        return self.opener()


def file_kind(name: str) -> FileKind | None:
    """The activity format a file name says (`.fit`, `.gpx`, `.tcx`, each maybe `.gz`)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return _FILE_KINDS.get(PurePosixPath(lower).suffix)


class Inputs:
    """The importable files under some paths: iterate them, and close it when done.

    Archives stay open while their files are read (their bytes are read lazily), so use it as
    a context manager: `with iter_inputs(paths) as inputs: for item in inputs: ...`.
    """

    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths
        self._resources = ExitStack()

    def __iter__(self) -> Iterator[InputFile]:
        return _expand_all(self._paths, self._resources)

    def close(self) -> None:
        self._resources.close()

    def __enter__(self) -> Inputs:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def iter_inputs(paths: Iterable[str | os.PathLike[str]]) -> Inputs:
    """Every importable file under `paths`, in a stable order.

    Raises InputError at once (before anything is read) when a path does not exist.
    """
    checked = [Path(path) for path in paths]
    for path in checked:
        if not path.exists():
            raise InputError("PATH", str(path), "give an existing file, folder or .zip")
    return Inputs(checked)


def _expand_all(paths: list[Path], resources: ExitStack) -> Iterator[InputFile]:
    for path in paths:
        if path.is_dir():
            entries = [
                _Entry(file.relative_to(path).as_posix(), _path_reader(file), file)
                for file in sorted(path.rglob("*"))
                if file.is_file() and not _is_hidden(file.relative_to(path).as_posix())
            ]
            yield from _expand_entries(entries, f"{path}/", 0, resources)
        else:
            entry = _Entry(path.name, _path_reader(path), on_disk=path)
            yield from _expand_entries([entry], f"{path.parent}/", 0, resources)


@dataclass(frozen=True, slots=True)
class _Entry:
    path: str
    """Path inside its container, with `/` separators."""
    read: Callable[[], bytes]
    on_disk: Path | None = None
    """The file itself, when it is one: a zip is then opened in place, not read into memory
    (a Garmin account export can be gigabytes)."""
    stream: Callable[[], IO[bytes]] | None = None
    """For a member of a zip: its content as a stream, so a nested zip is copied, not loaded."""


def _path_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise FileFormatError(f"cannot read {path}: {error.strerror}") from error

    return read


def _is_hidden(relative: str) -> bool:
    # macOS adds __MACOSX/ and ._name resource forks to zips; they are not activity files.
    parts = relative.split("/")
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _expand_entries(
    entries: list[_Entry], prefix: str, depth: int, resources: ExitStack
) -> Iterator[InputFile]:
    consumed: set[str] = set()
    # Each activities.csv is one Strava export: its rows come first and take the files they name.
    for csv_entry in _strava_csvs(entries):
        consumed.add(csv_entry.path)
        yield from _strava_rows(csv_entry, entries, prefix, consumed)
    for entry in entries:
        if entry.path in consumed:
            continue
        name = prefix + entry.path
        if entry.path.lower().endswith(".zip"):
            yield from _expand_zip(entry, name, depth, resources)
            continue
        kind = file_kind(entry.path)
        if kind is not None:
            yield InputFile(name=name, kind=kind, opener=_decompressing(entry))


def _strava_csvs(entries: list[_Entry]) -> list[_Entry]:
    """Every Strava export's activities.csv (an export keeps it at its top)."""
    return [entry for entry in entries if PurePosixPath(entry.path).name == STRAVA_CSV]


def _strava_rows(
    csv_entry: _Entry, entries: list[_Entry], prefix: str, consumed: set[str]
) -> list[InputFile]:
    csv_name = prefix + csv_entry.path
    root = PurePosixPath(csv_entry.path).parent
    by_path = {entry.path: entry for entry in entries}
    try:
        rows = list(read_activities_csv(csv_entry.read()))
    except FileFormatError as error:
        return [_unreadable(csv_name, str(error))]
    inputs = []
    for row in rows:
        if isinstance(row, StravaRowError):
            inputs.append(_unreadable(f"{csv_name}:{row.line}", row.reason, undated=row.undated))
            continue
        referenced = by_path.get((root / row.filename).as_posix()) if row.filename else None
        kind = file_kind(referenced.path) if referenced is not None else None
        if referenced is not None and kind is not None:
            consumed.add(referenced.path)
            opener = _decompressing(referenced)
            shown = f"{csv_name}:{row.line} ({referenced.path})"
        else:
            opener, kind, shown = _no_bytes, None, f"{csv_name}:{row.line}"
        inputs.append(
            InputFile(
                name=shown, kind="strava_activity", opener=opener, strava_row=row, file_kind=kind
            )
        )
    return inputs


def _no_bytes() -> bytes:
    return b""


def _unreadable(name: str, reason: str, *, undated: bool = False) -> InputFile:
    return InputFile(name=name, kind="unreadable", opener=_no_bytes, error=reason, undated=undated)


def _expand_zip(entry: _Entry, name: str, depth: int, resources: ExitStack) -> Iterator[InputFile]:
    if depth >= MAX_NESTING:
        yield _unreadable(name, f"zip nested more than {MAX_NESTING} deep")
        return
    try:
        archive = resources.enter_context(zipfile.ZipFile(_zip_source(entry, resources)))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not _is_hidden(info.filename)
        ]
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
        yield _unreadable(name, f"not a readable zip: {error}")
        return
    except FileFormatError as error:
        yield _unreadable(name, str(error))
        return
    entries = [
        _Entry(info.filename, _zip_reader(archive, info), stream=_zip_stream(archive, info))
        for info in sorted(members, key=lambda info: info.filename)
    ]
    yield from _expand_entries(entries, f"{name}!", depth + 1, resources)


def _zip_source(entry: _Entry, resources: ExitStack) -> Path | IO[bytes]:
    if entry.on_disk is not None:
        return entry.on_disk
    if entry.stream is None:
        return io.BytesIO(entry.read())
    # Closed by `resources` (the Inputs' ExitStack) once the import is done with the archive.
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
    resources.callback(spool.close)
    copied = 0
    with entry.stream() as member:
        while chunk := member.read(1024 * 1024):
            copied += len(chunk)
            if copied > MAX_NESTED_ZIP_BYTES:
                raise FileFormatError(f"unpacks to more than {MAX_NESTED_ZIP_BYTES} bytes")
            spool.write(chunk)
    spool.seek(0)
    return spool


def _zip_stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    def open_member() -> IO[bytes]:
        return archive.open(info)

    return open_member


def _zip_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if info.file_size > MAX_MEMBER_BYTES:
            raise FileFormatError(f"{info.filename} unpacks to {info.file_size} bytes: too large")
        try:
            with archive.open(info) as member:
                data = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
            raise FileFormatError(f"cannot unpack {info.filename}: {error}") from error
        if len(data) > MAX_MEMBER_BYTES:
            raise FileFormatError(f"{info.filename} unpacks to more than {MAX_MEMBER_BYTES} bytes")
        return data

    return read


def _decompressing(entry: _Entry) -> Callable[[], bytes]:
    if not entry.path.lower().endswith(".gz"):
        return entry.read

    def read() -> bytes:
        return gunzip(entry.read(), entry.path)

    return read


def gunzip(data: bytes, name: str) -> bytes:
    """A .gz file's content, refusing more than MAX_MEMBER_BYTES (a bomb) or a broken stream."""
    # wbits 16 + MAX_WBITS: a gzip header and trailer around the deflate stream.
    output = bytearray()
    remaining = data
    try:
        while remaining:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            output += inflater.decompress(remaining, MAX_MEMBER_BYTES + 1 - len(output))
            if len(output) > MAX_MEMBER_BYTES:
                raise FileFormatError(f"{name} unpacks to more than {MAX_MEMBER_BYTES} bytes")
            if not inflater.eof:
                raise FileFormatError(f"{name} is a truncated gzip file")
            # A .gz may hold several members one after another (gzip -c a b > c.gz).
            remaining = inflater.unused_data.lstrip(b"\x00")
    except zlib.error as error:
        raise FileFormatError(f"{name} is not a readable gzip file: {error}") from error
    return bytes(output)
