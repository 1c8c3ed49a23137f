"""The coach views (docs/warehouse.md documents every column), one SQL text per database.

The views are what coaches, their tools (psql, Grafana, Metabase, a notebook) and the dashboard
read. On PostgreSQL they are `security_invoker` views: a coach's role reads them through the
row-level security of the tables below (warehouse/coach_security.py), so a view can never show
more than the tables allow. `security_barrier` keeps a coach's own WHERE functions from being
pushed below that security. The one exception is `sync_health_v`, which reads tables a coach may
not read at all (credentials, sync_state) and so runs as its owner, scoped to the calling coach's
athletes by its own WHERE clause, and shows no secret.

Both dialects get the same columns; only date arithmetic, JSON access and string aggregation
differ, so each view is one template filled with the dialect's fragments.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Dialect:
    week_end: str  # the Sunday of the week that starts on w.week_start
    today: str
    days_since: str  # days from {0} (a date) to today
    days_until: str  # days from today to {0}
    json_text: str  # the text of key {1} of JSON column {0}
    json_bool: str
    agg: str  # string aggregation of {0} with separator {1}, ordered by {2}
    rules: str  # a plan row p's rule ids, comma separated, in order
    reasons: str  # a plan row p's reasons, " | " separated, in order
    changes: str  # a plan row p's changes, " | " separated, in order
    coach_scope: str  # true for the rows of athlete a that the caller may see
    view_options: str


SQLITE = Dialect(
    week_end="date(w.week_start, '+6 days')",
    today="date('now')",
    days_since="CAST(julianday(date('now')) - julianday({0}) AS INTEGER)",
    days_until="CAST(julianday({0}) - julianday(date('now')) AS INTEGER)",
    json_text="json_extract({0}, '$.{1}')",
    json_bool="(json_extract({0}, '$.{1}') = 1)",
    agg="group_concat({0}, {1})",
    rules="(SELECT group_concat(json_extract(r.value, '$.id'), ',')"
    " FROM json_each(p.payload, '$.rules') AS r)",
    reasons="(SELECT group_concat(json_extract(r.value, '$.id') || ': '"
    " || json_extract(r.value, '$.reason'), ' | ') FROM json_each(p.payload, '$.rules') AS r)",
    changes="(SELECT group_concat(c.value, ' | ') FROM json_each(p.changes) AS c)",
    # SQLite has no roles: whoever can open the file reads everything (docs/warehouse.md).
    coach_scope="1 = 1",
    view_options="",
)

POSTGRESQL = Dialect(
    week_end="(w.week_start + 6)",
    today="current_date",
    days_since="(current_date - {0})",
    days_until="({0} - current_date)",
    json_text="({0} ->> '{1}')",
    json_bool="(({0} ->> '{1}')::boolean)",
    agg="string_agg({0}, {1} ORDER BY {2})",
    rules="(SELECT string_agg(r.value ->> 'id', ',' ORDER BY r.n)"
    " FROM jsonb_array_elements(p.payload -> 'rules') WITH ORDINALITY AS r(value, n))",
    reasons="(SELECT string_agg((r.value ->> 'id') || ': ' || (r.value ->> 'reason'), ' | '"
    " ORDER BY r.n)"
    " FROM jsonb_array_elements(p.payload -> 'rules') WITH ORDINALITY AS r(value, n))",
    changes="(SELECT string_agg(c.value, ' | ' ORDER BY c.n)"
    " FROM jsonb_array_elements_text(p.changes) WITH ORDINALITY AS c(value, n))",
    # The owner (the application) sees every athlete; a registered coach role only its own.
    coach_scope="(NOT EXISTS (SELECT 1 FROM coaches k WHERE k.role_name = current_user)"
    " OR a.coach_id IN (SELECT k.id FROM coaches k WHERE k.role_name = current_user))",
    view_options=" WITH (security_invoker = true, security_barrier = true)",
)


def _plan_line(d: Dialect) -> str:
    """The plan of plan row p in one line: `back_squat 2x8 @ 65.0 kg (2026-12-09)` or `skip`."""
    t = d.json_text
    return (
        f"CASE WHEN {d.json_bool.format('p.payload', 'skip')} THEN 'skip'"
        f" ELSE {t.format('p.payload', 'variant')} || ' ' || {t.format('p.payload', 'sets')}"
        f" || 'x' || {t.format('p.payload', 'reps')} || ' @ '"
        f" || {t.format('p.payload', 'weight_kg')} || ' kg' END"
    )


def view_sql(d: Dialect) -> dict[str, str]:
    """Each view's SELECT, in creation order (a view may read the ones before it)."""
    t = d.json_text
    strava_runs = (
        "(SELECT count(*) FROM activities s WHERE s.athlete_id = w.athlete_id"
        " AND s.source = 'strava' AND s.sport = 'run' AND s.canonical_id = s.id"
        " AND s.deleted_at IS NULL"
        f" AND s.local_date BETWEEN w.week_start AND {d.week_end})"
    )
    return {
        "weekly_load_v": f"""
SELECT a.name AS athlete, w.athlete_id, c.name AS coach, w.week, w.week_start,
       w.distance_km, w.runs, w.moving_s, w.long_run_km, w.avg4_km, w.acwr, w.big_week,
       w.volume_load_kg, w.squat_top_kg, w.e1rm_kg,
       {strava_runs} AS strava_runs
FROM weekly_load w
JOIN athletes a ON a.id = w.athlete_id
LEFT JOIN coaches c ON c.id = a.coach_id""",
        "activities_v": f"""
SELECT x.id, a.name AS athlete, x.athlete_id, x.start_utc, x.local_date, x.sport, x.sub_sport,
       x.name, COALESCE(x.corrected_distance_m, x.distance_m) / 1000.0 AS distance_km,
       x.moving_s, x.elapsed_s, x.avg_hr, x.partial, x.source, x.source_id,
       (SELECT {d.agg.format("y.source", "','", "y.source")} FROM activities y
        WHERE y.canonical_id = x.id) AS sources,
       (SELECT count(*) FROM activities y WHERE y.canonical_id = x.id) AS copies
FROM activities x
JOIN athletes a ON a.id = x.athlete_id
WHERE x.canonical_id = x.id AND x.deleted_at IS NULL""",
        "lift_history_v": """
SELECT s.id, a.name AS athlete, s.athlete_id, s.performed_on, s.exercise, s.set_index, s.reps,
       s.weight_kg, s.rir, s.rpe, s.warmup, s.reps * s.weight_kg AS volume_kg, s.source,
       s.notes, s.canonical_id, s.confirmed, s.exercise_guessed
FROM lift_sets s
JOIN athletes a ON a.id = s.athlete_id
WHERE s.deleted_at IS NULL""",
        "plan_history_v": f"""
SELECT p.id, a.name AS athlete, p.athlete_id, p.week, p.version, p.session_date, p.created_at,
       {d.json_bool.format("p.payload", "skip")} AS skip,
       {t.format("p.payload", "variant")} AS variant,
       {t.format("p.payload", "sets")} AS sets, {t.format("p.payload", "reps")} AS reps,
       {t.format("p.payload", "weight_kg")} AS weight_kg,
       {_plan_line(d)} AS plan_line,
       {d.rules} AS rules, {d.reasons} AS reasons, {d.changes} AS changes
FROM plans p
JOIN athletes a ON a.id = p.athlete_id""",
        "sync_health_v": f"""
SELECT a.id AS athlete_id, a.name AS athlete, st.source, st.status, st.last_run_at,
       CASE WHEN st.status = 'ok' THEN st.last_run_at END AS last_ok_at,
       CASE WHEN st.status IN ('needs_reauth', 'revoked') THEN st.status
            WHEN EXISTS (SELECT 1 FROM credentials cr
                         WHERE cr.athlete_id = st.athlete_id AND cr.source = st.source)
            THEN 'connected' ELSE 'none' END AS token_state
FROM sync_state st
JOIN athletes a ON a.id = st.athlete_id
WHERE {d.coach_scope}""",
        "athlete_overview_v": f"""
SELECT a.id AS athlete_id, a.name AS athlete, c.name AS coach, a.timezone,
       a.share_strava_with_coach,
       lw.week AS latest_week, lw.distance_km AS latest_week_km, lw.acwr AS latest_week_acwr,
       lw.big_week AS latest_week_big,
       nr.name AS next_race, nr.race_date AS next_race_date, nr.priority AS next_race_priority,
       {d.days_until.format("nr.race_date")} AS days_to_next_race,
       cp.week AS plan_week, cp.session_date AS plan_date, cp.plan_line,
       gh.status AS garmin_status, gh.last_ok_at AS garmin_last_ok_at,
       gh.token_state AS garmin_token,
       sh.status AS strava_status, sh.last_ok_at AS strava_last_ok_at,
       sh.token_state AS strava_token,
       CAST(NULL AS INTEGER) AS strava_budget_used_today,
       {d.days_since.format("la.last_date")} AS days_since_last_activity
FROM athletes a
LEFT JOIN coaches c ON c.id = a.coach_id
LEFT JOIN weekly_load_v lw ON lw.athlete_id = a.id AND lw.week_start = (
    SELECT max(w2.week_start) FROM weekly_load w2
    WHERE w2.athlete_id = a.id AND w2.week_start <= {_complete_week_bound(d)})
LEFT JOIN races nr ON nr.id = (
    SELECT r.id FROM races r WHERE r.athlete_id = a.id AND r.race_date >= {d.today}
    ORDER BY r.race_date, r.id LIMIT 1)
LEFT JOIN plan_history_v cp ON cp.id = (
    SELECT p.id FROM plans p WHERE p.athlete_id = a.id
    ORDER BY p.week DESC, p.version DESC LIMIT 1)
LEFT JOIN sync_health_v gh ON gh.athlete_id = a.id AND gh.source = 'garmin'
LEFT JOIN sync_health_v sh ON sh.athlete_id = a.id AND sh.source = 'strava'
LEFT JOIN (SELECT x.athlete_id, max(x.local_date) AS last_date FROM activities x
           WHERE x.canonical_id = x.id AND x.deleted_at IS NULL
           GROUP BY x.athlete_id) la ON la.athlete_id = a.id""",
    }


def _complete_week_bound(d: Dialect) -> str:
    """The latest week_start whose week is over: its Sunday is before today."""
    if d is SQLITE:
        return "date('now', '-7 days')"
    return "(current_date - 7)"


def dialect_for(connection: Connection) -> Dialect:
    return POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE


VIEW_NAMES = (
    "weekly_load_v",
    "activities_v",
    "lift_history_v",
    "plan_history_v",
    "sync_health_v",
    "athlete_overview_v",
)
# sync_health_v reads credentials and sync_state, which coaches may not read: it runs as its
# owner (no security_invoker) and scopes rows itself (coach_scope).
OWNER_VIEWS = frozenset({"sync_health_v"})


def create_views(connection: Connection) -> None:
    d = dialect_for(connection)
    for name, select_sql in view_sql(d).items():
        options = d.view_options
        if name in OWNER_VIEWS and options:
            options = " WITH (security_barrier = true)"
        connection.execute(text(f"CREATE VIEW {name}{options} AS {select_sql}"))


def drop_views(connection: Connection) -> None:
    for name in reversed(VIEW_NAMES):
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
