"""Weekly load: the warehouse's rows read columnar into the engine's frames, the engine's pure
pipeline, and the materialised `weekly_load` table, recomputed only for the athletes that need
it. It lives in flows/ because it composes the two: the warehouse never imports the engine.

Reads are columnar, never row objects: on PostgreSQL through ADBC, Arrow batches straight
from the server into polars on a connection of their own, so they see committed data only
(refresh after the writers commit, as the sync flow does: a mark and its data commit
together). A COPY ... TO STDOUT on the session's connection was measured too: psycopg hands
COPY data over one row at a time, which held it near 1 M rows/s where ADBC does better. On
SQLite the raw connection of the session feeds polars. The writes of one refresh (delete the
athletes' rows, insert the new ones, clear the dirty marks that were read) are one
transaction, so readers see the old table or the new one, never half of each.

An athlete needs a refresh when a writer marked it dirty (warehouse/dirty.py), or when its
stored weeks end before the athlete's current week (a new week has begun: its zero row and
the ratios that depend on it are due). "Current" is the athlete's own local date, from its
time zone: a run at 23:30 in New York belongs to the New York day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import Connection, delete, func, insert, make_url, select, tuple_
from sqlalchemy.orm import Session

from engine.load import ACTIVITIES, LIFT_SESSIONS, LIFT_SETS, WEEKLY_LOAD, LoadParams, weekly_load
from warehouse.dirty import clear_dirty, dirty_athletes
from warehouse.models import Athlete, WeeklyLoad

# The warehouse columns the engine reads, in the engine's schema order and names.
_ACTIVITY_SQL = (
    "SELECT id, canonical_id, athlete_id, local_date, sport, distance_m, corrected_distance_m, "
    "moving_s, rpe FROM activities WHERE deleted_at IS NULL"
)
# Canonical sets only: a set that arrived from the FIT file, the Garmin API and a CSV counts
# once; its RIR, which the watch does not record, from a linked typed copy where it has none.
_LIFT_SET_SQL = (
    "SELECT athlete_id, performed_on, exercise, reps, weight_kg, COALESCE(rir, (SELECT "
    "MIN(c.rir) FROM lift_sets c WHERE c.canonical_id = lift_sets.id AND c.deleted_at IS NULL)) "
    "AS rir, warmup FROM lift_sets WHERE deleted_at IS NULL AND canonical_id = id"
)
_LIFT_SESSION_SQL = (
    "SELECT athlete_id, performed_on, duration_s, rpe FROM lift_sessions WHERE 1 = 1"
)
_KEY = ["athlete_id", "week_start"]
_DELETE_BATCH = 5_000  # keys per DELETE: two parameters each, under SQLite's 32,766


@dataclass(frozen=True, slots=True)
class LoadInputs:
    """The engine's three input frames (engine.load.schemas)."""

    activities: pl.DataFrame
    lift_sets: pl.DataFrame
    lift_sessions: pl.DataFrame


@dataclass(frozen=True, slots=True)
class Refreshed:
    athlete_ids: tuple[int, ...]
    """The athletes whose rows were recomputed."""
    weeks: int
    """Rows written (a refresh writes only the weeks whose figures changed)."""


def read_load_inputs(session: Session, athlete_ids: Collection[int] | None = None) -> LoadInputs:
    """The activities, lift sets and lift sessions of `athlete_ids` (all when None), as frames
    in the engine's schemas. Unordered: sorting is cheaper in polars, on all cores, than in the
    database. On PostgreSQL the rows committed so far (see the module doc)."""
    connection = session.connection()
    queries = _queries(athlete_ids)
    if connection.dialect.name == "postgresql":
        return _inputs(_read_adbc(connection.engine.url.render_as_string(hide_password=False),
                                  queries))  # fmt: skip
    return _inputs(_read_sqlite(connection, queries))


def _queries(athlete_ids: Collection[int] | None) -> dict[str, str]:
    where = "" if athlete_ids is None else f" AND athlete_id IN ({_id_list(athlete_ids)})"
    return {
        "activities": _ACTIVITY_SQL + where,
        "lift_sets": _LIFT_SET_SQL + where,
        "lift_sessions": _LIFT_SESSION_SQL + where,
    }


def _inputs(frames: dict[str, pl.DataFrame]) -> LoadInputs:
    return LoadInputs(
        activities=_typed(frames["activities"], ACTIVITIES),
        lift_sets=_typed(frames["lift_sets"], LIFT_SETS),
        lift_sessions=_typed(frames["lift_sessions"], LIFT_SESSIONS),
    )


def athletes_needing_refresh(session: Session, *, now: datetime) -> dict[int, date]:
    """athlete id -> its local date now, for every athlete that is dirty or whose stored
    weeks end before its current week."""
    dirty = set(dirty_athletes(session))
    last_week = (
        select(WeeklyLoad.athlete_id, func.max(WeeklyLoad.week_start).label("last"))
        .group_by(WeeklyLoad.athlete_id)
        .subquery()
    )
    rows = session.execute(
        select(Athlete.id, Athlete.timezone, last_week.c.last).outerjoin(
            last_week, last_week.c.athlete_id == Athlete.id
        )
    )
    due: dict[int, date] = {}
    for athlete_id, zone, last in rows:
        today = local_today(now, zone)
        behind = last is not None and last < today - timedelta(days=today.weekday())
        if athlete_id in dirty or behind:
            due[athlete_id] = today
    return due


def refresh_weekly_load(
    session: Session,
    *,
    now: datetime,
    only: Collection[int] | None = None,
    params: LoadParams | None = None,
) -> Refreshed:
    """Recompute the athletes that need it (restricted to `only` when given) and replace their
    rows, in the session's transaction. Dirty marks are cleared only as they were read, so a
    change committed meanwhile stays marked for the next run."""
    seen = dirty_athletes(session)
    due = athletes_needing_refresh(session, now=now)
    if only is not None:
        due = {a: today for a, today in due.items() if a in only}
    written = _recompute(session, due, params)
    clear_dirty(session, {a: marked for a, marked in seen.items() if a in due})
    return Refreshed(athlete_ids=tuple(sorted(due)), weeks=written)


def rebuild_weekly_load(
    session: Session, *, now: datetime, params: LoadParams | None = None
) -> Refreshed:
    """Recompute every athlete from scratch and replace the whole table, in the session's
    transaction; clears the dirty marks that were read."""
    seen = dirty_athletes(session)
    zones = session.execute(select(Athlete.id, Athlete.timezone)).all()
    due = {athlete_id: local_today(now, zone) for athlete_id, zone in zones}
    session.execute(delete(WeeklyLoad))
    written = _recompute(session, due, params, replace=False)
    clear_dirty(session, seen)
    return Refreshed(athlete_ids=tuple(sorted(due)), weeks=written)


def read_weekly_load(
    session: Session, athlete_id: int, *, weeks: int | None = None
) -> pl.DataFrame:
    """The stored weeks of one athlete, oldest first (the last `weeks` of them when given), in
    engine.load.schemas.WEEKLY_LOAD."""
    query = select(WeeklyLoad).where(WeeklyLoad.athlete_id == athlete_id)
    query = query.order_by(WeeklyLoad.week_start.desc())
    if weeks is not None:
        query = query.limit(weeks)
    rows = session.scalars(query).all()
    frame = pl.DataFrame(
        [{column: getattr(row, column) for column in WEEKLY_LOAD} for row in reversed(rows)],
        schema=dict(WEEKLY_LOAD),
        orient="row",
    )
    return frame


def local_today(now: datetime, zone: str) -> date:
    """The date on the athlete's wall clock at `now` (an aware datetime)."""
    return now.astimezone(ZoneInfo(zone)).date()


def _recompute(
    session: Session,
    due: dict[int, date],
    params: LoadParams | None,
    *,
    replace: bool = True,
) -> int:
    """Compute the weeks of the `due` athletes, each through its own local date, and store
    them; returns the rows written.

    Athletes are grouped by that date (a handful of groups: the time zones' dates differ by
    a day at most), so the engine runs once per group, not once per athlete. With `replace`,
    only rows that differ from the stored ones are written (see `_replace`); without it the
    table is taken to be empty for these athletes and every row is inserted.
    """
    if not due:
        return 0
    inputs = read_load_inputs(session, list(due))
    computed = []
    for through, athlete_ids in _by_date(due).items():
        chosen = pl.Series(athlete_ids, dtype=pl.Int64).implode()
        mine = [
            frame.filter(pl.col("athlete_id").is_in(chosen))
            for frame in (inputs.activities, inputs.lift_sets, inputs.lift_sessions)
        ]
        computed.append(weekly_load(*mine, through=through, params=params))
    weeks = pl.concat(computed)
    if replace:
        return _replace(session, list(due), weeks)
    _insert(session, weeks)
    return weeks.height


def _by_date(due: dict[int, date]) -> dict[date, list[int]]:
    groups: dict[date, list[int]] = {}
    for athlete_id, today in sorted(due.items()):
        groups.setdefault(today, []).append(athlete_id)
    return groups


def _replace(session: Session, athlete_ids: list[int], weeks: pl.DataFrame) -> int:
    """Make the stored weeks of `athlete_ids` equal to `weeks`, writing only what differs.

    A new run changes its week and the weeks after it; the years before stay as they were,
    and rewriting them would be most of the cost (on PostgreSQL a stored row costs far more
    to write than to compare). Returns the rows written.
    """
    stored = _stored_weeks(session, athlete_ids)
    changed = weeks.join(stored, on=weeks.columns, how="anti", nulls_equal=True)
    gone = stored.join(weeks, on=_KEY, how="anti").select(_KEY)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _delete_keys(session, gone)
        _upsert_copy(connection, changed)
    else:
        _delete_keys(session, pl.concat([gone, changed.select(_KEY)]))
        _insert(session, changed)
    return changed.height


def _stored_weeks(session: Session, athlete_ids: list[int]) -> pl.DataFrame:
    table = WeeklyLoad.__table__
    rows = session.execute(
        select(*(table.c[column] for column in WEEKLY_LOAD)).where(
            table.c.athlete_id.in_(athlete_ids)
        )
    ).all()
    return pl.DataFrame(rows, schema=dict(WEEKLY_LOAD), orient="row")


def _delete_keys(session: Session, keys: pl.DataFrame) -> None:
    key = tuple_(WeeklyLoad.athlete_id, WeeklyLoad.week_start)
    rows = keys.rows()
    for start in range(0, len(rows), _DELETE_BATCH):
        session.execute(delete(WeeklyLoad).where(key.in_(rows[start : start + _DELETE_BATCH])))


def _insert(session: Session, weeks: pl.DataFrame) -> None:
    if weeks.is_empty():
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_into(connection, weeks, "weekly_load")
    else:
        session.execute(insert(WeeklyLoad), weeks.to_dicts())


def _upsert_copy(connection: Connection, weeks: pl.DataFrame) -> None:
    """COPY into a scratch table, then one INSERT ... ON CONFLICT DO UPDATE: a changed row is
    updated in place (its keys unchanged, so no foreign-key check), a new week inserted."""
    if weeks.is_empty():
        return
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS weekly_load_incoming "
        "(LIKE weekly_load) ON COMMIT DELETE ROWS"
    )
    connection.exec_driver_sql("TRUNCATE weekly_load_incoming")
    _copy_into(connection, weeks, "weekly_load_incoming")
    columns = ", ".join(weeks.columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in weeks.columns if c not in _KEY)
    connection.exec_driver_sql(
        f"INSERT INTO weekly_load ({columns}) SELECT {columns} FROM weekly_load_incoming "
        f"ON CONFLICT (athlete_id, week_start) DO UPDATE SET {updates}"
    )


def _copy_into(connection: Connection, weeks: pl.DataFrame, table: str) -> None:
    """COPY the rows in as CSV on the session's own connection (same transaction): a few
    hundred thousand rows a second, where row-by-row INSERTs manage a few thousand."""
    columns = ", ".join(weeks.columns)
    psycopg_connection = connection.connection.driver_connection
    assert psycopg_connection is not None
    with (
        psycopg_connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        # polars writes null as an empty field, which CSV COPY reads as NULL, and floats in
        # their shortest exact form.
        copy.write(weeks.write_csv(include_header=False))


def _read_adbc(url: str, queries: dict[str, str]) -> dict[str, pl.DataFrame]:
    import adbc_driver_postgresql.dbapi as adbc  # type: ignore[import-untyped]

    # ADBC speaks libpq URIs: the SQLAlchemy URL without its driver suffix.
    uri = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    frames = {}
    with adbc.connect(uri) as reader, reader.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            frames[name] = _from_arrow(cursor.fetch_arrow_table())
    return frames


def _from_arrow(table: object) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _read_sqlite(connection: Connection, queries: dict[str, str]) -> dict[str, pl.DataFrame]:
    raw = connection.connection.driver_connection
    frames = {}
    for name, sql in queries.items():
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            cursor.close()
        frames[name] = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    return frames


def _typed(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Cast what the database gave into the engine's types: SQLite gives dates as ISO text and
    booleans as 0/1, PostgreSQL 32-bit integers, and an empty result has no types at all."""
    columns = []
    for name, dtype in schema.items():
        column = pl.col(name)
        given = frame.schema[name]
        if dtype == pl.Date() and given == pl.String():
            column = column.str.to_date("%Y-%m-%d")
        columns.append(column.cast(dtype).alias(name))
    return frame.select(columns)


def _id_list(athlete_ids: Iterable[int]) -> str:
    # Integers only (int() refuses anything else), so inlining them cannot inject SQL; ADBC's
    # PostgreSQL driver does not bind array parameters.
    ids = sorted({int(a) for a in athlete_ids})
    return ", ".join(str(a) for a in ids) if ids else "NULL"


__all__: Sequence[str] = (
    "LoadInputs",
    "Refreshed",
    "athletes_needing_refresh",
    "read_load_inputs",
    "read_weekly_load",
    "rebuild_weekly_load",
    "refresh_weekly_load",
)
