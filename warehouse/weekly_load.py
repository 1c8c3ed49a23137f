"""Weekly load's SQL: the columnar reads of the load inputs and the writes of the materialised
`weekly_load` table; the athletes due a refresh are warehouse/refresh_due.py's (re-exported
here). The computation itself is the engine's; the composition (flows/weekly_load.py) reads
here, computes there and writes here. The warehouse never imports the engine: callers pass the
frame schemas they want, and frames come back.

Reads are columnar, never row objects: on PostgreSQL through ADBC, Arrow batches straight
from the server into polars on a connection of their own, so they see committed data only
(refresh after the writers commit, as the sync flow does: a mark and its data commit
together). A COPY ... TO STDOUT on the session's connection was measured too: psycopg hands
COPY data over one row at a time, which held it near 1 M rows/s where ADBC does better. On
SQLite the raw connection of the session feeds polars. The writes go through the session's
transaction, so readers see the old table or the new one, never half of each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import polars as pl
from sqlalchemy import Connection, delete, insert, make_url, select, tuple_
from sqlalchemy.orm import Session

from warehouse.models import Base, WeeklyLoad
from warehouse.refresh_due import athlete_dates as athlete_dates
from warehouse.refresh_due import athletes_due as athletes_due
from warehouse.refresh_due import local_today as local_today

FrameSchema = Mapping[str, pl.DataType]
"""Column name -> polars type of a frame read from (or written to) one table."""

_KEY = ["athlete_id", "week_start"]
_DELETE_BATCH = 5_000  # keys per DELETE: two parameters each, under SQLite's 32,766


# -- reads -------------------------------------------------------------------------------------


def read_athlete_frames(
    session: Session,
    tables: Mapping[str, FrameSchema],
    athlete_ids: Collection[int] | None = None,
) -> dict[str, pl.DataFrame]:
    """table name -> the rows of `athlete_ids` (all when None), the schema's columns cast to
    its types. Unordered: sorting is cheaper in polars, on all cores, than in the database.
    On PostgreSQL the rows committed so far (see the module doc)."""
    queries = {name: _query(name, schema, athlete_ids) for name, schema in tables.items()}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        url = connection.engine.url.render_as_string(hide_password=False)
        frames = _read_adbc(url, queries)
    else:
        frames = _read_sqlite(connection, queries)
    return {name: _typed(frames[name], schema) for name, schema in tables.items()}


def read_weeks(
    session: Session, athlete_id: int, schema: FrameSchema, *, weeks: int | None = None
) -> pl.DataFrame:
    """The stored weeks of one athlete, oldest first (the last `weeks` of them when given),
    with the columns and types of `schema`."""
    query = select(WeeklyLoad).where(WeeklyLoad.athlete_id == athlete_id)
    query = query.order_by(WeeklyLoad.week_start.desc())
    if weeks is not None:
        query = query.limit(weeks)
    rows = session.scalars(query).all()
    return pl.DataFrame(
        [{column: getattr(row, column) for column in schema} for row in reversed(rows)],
        schema=dict(schema),
        orient="row",
    )


# -- writes ------------------------------------------------------------------------------------


def replace_weeks(session: Session, athlete_ids: Collection[int], weeks: pl.DataFrame) -> int:
    """Make the stored weeks of `athlete_ids` equal to `weeks`, writing only what differs, in
    the session's transaction. Returns the rows written.

    A new run changes its week and the weeks after it; the years before stay as they were,
    and rewriting them would be most of the cost (on PostgreSQL a stored row costs far more
    to write than to compare).
    """
    if not athlete_ids:
        return 0
    stored = _stored_weeks(session, list(athlete_ids), weeks.schema)
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


def replace_all_weeks(session: Session, weeks: pl.DataFrame) -> int:
    """Replace the whole table by `weeks`, in the session's transaction; returns rows written."""
    session.execute(delete(WeeklyLoad))
    _insert(session, weeks)
    return weeks.height


# -- helpers -----------------------------------------------------------------------------------


# Which rows of an input table count, and how a column is read when it is not the stored value
# as it is: a deleted activity or set never counts; a set that arrived from the FIT file, the
# Garmin API and a CSV counts once, through its canonical copy, with the RIR of a linked typed
# copy when the watch recorded none.
_COUNTED_ROWS = {
    "activities": "deleted_at IS NULL",
    "lift_sets": "deleted_at IS NULL AND canonical_id = id",
}
_READ_AS = {
    "lift_sets": {
        "rir": "COALESCE(rir, (SELECT MIN(c.rir) FROM lift_sets c WHERE c.canonical_id = "
        "lift_sets.id AND c.deleted_at IS NULL))",
    },
}


def _query(table: str, schema: FrameSchema, athlete_ids: Collection[int] | None) -> str:
    known = Base.metadata.tables.get(table)
    missing = [] if known is None else [c for c in schema if c not in known.c]
    if known is None or missing or "athlete_id" not in known.c:
        raise ValueError(f"cannot read {table}({', '.join(schema)}): not a warehouse table/column")
    read_as = _READ_AS.get(table, {})
    # Names checked against the models above; expressions are this module's own constants.
    columns = ", ".join(f"{read_as[c]} AS {c}" if c in read_as else c for c in schema)
    conditions = [_COUNTED_ROWS[table]] if table in _COUNTED_ROWS else []
    if athlete_ids is not None:
        conditions.append(f"athlete_id IN ({_id_list(athlete_ids)})")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT {columns} FROM {table}{where}"


def _stored_weeks(session: Session, athlete_ids: list[int], schema: FrameSchema) -> pl.DataFrame:
    table = WeeklyLoad.__table__
    rows = session.execute(
        select(*(table.c[column] for column in schema)).where(table.c.athlete_id.in_(athlete_ids))
    ).all()
    return pl.DataFrame(rows, schema=dict(schema), orient="row")


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


def _typed(frame: pl.DataFrame, schema: FrameSchema) -> pl.DataFrame:
    """Cast what the database gave into the asked types: SQLite gives dates as ISO text and
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


__all__ = [
    "FrameSchema",
    "athlete_dates",
    "athletes_due",
    "local_today",
    "read_athlete_frames",
    "read_weeks",
    "replace_all_weeks",
    "replace_weeks",
]
