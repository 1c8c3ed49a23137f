"""The warehouse side of the weekly-load benchmark: a throw-away PostgreSQL warehouse filled
with the synthetic athletes' rows (bulk COPY), then the read path and refreshes timed.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import polars as pl
import psycopg
from sqlalchemy import Engine, insert, text

from flows.weekly_load import (
    read_load_inputs,
    rebuild_weekly_load,
    refresh_weekly_load,
)
from warehouse.db import make_engine, session_scope
from warehouse.dirty import mark_dirty
from warehouse.migrate import upgrade
from warehouse.models import Athlete

NOW = datetime(2025, 12, 28, 12, tzinfo=UTC)  # the synthetic data's `through`, noon UTC


@contextmanager
def throwaway_database(admin_dsn: str) -> Iterator[str]:
    """A fresh database on the server of `admin_dsn` (libpq key=value), dropped afterwards."""
    name = f"ironmiles_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    params = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    with psycopg.connect(admin_dsn, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = params.get("user", "postgres")
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(admin_dsn, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def first_athletes_with(activities: pl.DataFrame, rows: int) -> int:
    """How many athletes (ids 1..K) it takes to hold at least `rows` activities."""
    per_athlete = activities.group_by("athlete_id").len().sort("athlete_id")
    cumulative = per_athlete["len"].cum_sum()
    return int(per_athlete["athlete_id"][int((cumulative < rows).sum())])


def fill(engine: Engine, acts: pl.DataFrame, sets: pl.DataFrame, sessions: pl.DataFrame) -> None:
    """Athletes through the ORM's table, everything else by COPY (as a bulk import would)."""
    athletes = acts["athlete_id"].unique().sort().to_list()
    with engine.begin() as connection:
        connection.execute(
            insert(Athlete),
            [{"id": a, "name": f"athlete {a}", "timezone": "UTC", "experience": "intermediate",
              "sessions_per_week": 5, "technique_controlled": True, "prefers_single_leg": False,
              "gym_weekday": 3, "rule_overrides": {}} for a in athletes],
        )  # fmt: skip
    start = pl.col("local_date").cast(pl.Datetime("us")) + pl.duration(hours=7)
    activity_rows = acts.select(
        "id",
        "athlete_id",
        source=pl.when(pl.col("canonical_id") == pl.col("id"))
        .then(pl.lit("garmin"))
        .otherwise(pl.lit("strava")),
        source_id=pl.col("id").cast(pl.String),
        start_utc=start.dt.strftime("%Y-%m-%d %H:%M:%S+00"),
        local_start=start,
        local_date="local_date",
        sport="sport",
        distance_m="distance_m",
        moving_s="moving_s",
        rpe="rpe",
        partial=pl.lit(False),
        raw=pl.lit("{}"),
        canonical_id="canonical_id",
        link_locked=pl.lit(False),
        corrected_distance_m="corrected_distance_m",
    )
    session_rows = sessions.with_row_index("id", offset=1).select(
        pl.col("id").cast(pl.Int64),
        "athlete_id",
        source=pl.lit("manual"),
        source_id=pl.col("id").cast(pl.String),
        performed_on="performed_on",
        duration_s="duration_s",
        rpe="rpe",
    )
    # Each set goes to a session of its athlete on its day (the generator made them so).
    first_session = session_rows.group_by("athlete_id", "performed_on").agg(
        session_id=pl.col("id").min()
    )
    set_rows = (
        sets.with_row_index("id", offset=1)
        .join(first_session, on=["athlete_id", "performed_on"], how="left")
        .select(
            pl.col("id").cast(pl.Int64),
            "athlete_id",
            "session_id",
            source=pl.lit("manual"),
            source_id=pl.col("id").cast(pl.String),
            performed_on="performed_on",
            exercise="exercise",
            set_index=pl.int_range(pl.len()).over("session_id") + 1,
            reps="reps",
            weight_kg="weight_kg",
            rir="rir",
            warmup="warmup",
            raw=pl.lit("{}"),
        )
    )
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        for table, frame in (
            ("activities", activity_rows),
            ("lift_sessions", session_rows),
            ("lift_sets", set_rows),
        ):
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
                ) as copy,
            ):
                copy.write(frame.write_csv(include_header=False))
            last_id = f"(SELECT max(id) FROM {table})"
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last_id})")
        connection.execute(text("ANALYZE"))


def measure(admin_dsn: str, acts: pl.DataFrame, sets: pl.DataFrame, sessions: pl.DataFrame,
            rows: int, changed: int, repeat: int) -> dict[str, Any]:  # fmt: skip
    k = first_athletes_with(acts, rows)
    acts, sets, sessions = (f.filter(pl.col("athlete_id") <= k) for f in (acts, sets, sessions))
    result: dict[str, Any] = {
        "athletes": k,
        "activities": acts.height,
        "lift_sets": sets.height,
        "lift_sessions": sessions.height,
    }
    with throwaway_database(admin_dsn) as url:
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        fill(engine, acts, sets, sessions)
        result["fill_s"] = time.perf_counter() - started

        def read() -> Any:
            with session_scope(engine) as session:
                return read_load_inputs(session)

        result["read_s"], inputs = best(read, repeat)
        assert inputs.activities.height == acts.height

        def rebuild() -> Any:
            with session_scope(engine) as session:
                return rebuild_weekly_load(session, now=NOW)

        result["rebuild_s"], rebuilt = best(rebuild, 1)
        result["weeks"] = rebuilt.weeks
        picked = pl.Series(acts["athlete_id"].unique()).sample(changed, seed=5).to_list()

        ids = ", ".join(str(a) for a in picked)
        latest_runs = (
            "SELECT DISTINCT ON (athlete_id) id FROM activities WHERE athlete_id IN "
            f"({ids}) AND sport = 'run' AND canonical_id = id ORDER BY athlete_id, local_date DESC"
        )
        times = []
        for _ in range(max(repeat, 3)):
            # What a nightly sync does to them: each athlete's latest run changes (here its
            # distance is corrected), marked dirty in the same transaction. Not timed.
            with session_scope(engine) as session:
                session.execute(
                    text(
                        "UPDATE activities SET corrected_distance_m = "
                        f"coalesce(distance_m, 0) * 1.05 WHERE id IN ({latest_runs})"
                    )
                )
                for athlete_id in picked:
                    mark_dirty(session, athlete_id)
            started = time.perf_counter()
            with session_scope(engine) as session:
                refreshed = refresh_weekly_load(session, now=NOW)
            times.append(time.perf_counter() - started)
            assert len(refreshed.athlete_ids) == changed
        result["incremental_s"] = min(times)
        result["incremental_weeks"] = refreshed.weeks
        engine.dispose()
    return result


def best(run: Any, repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - started)
    return min(times), value
