"""Row-level security for coach roles on PostgreSQL (created by migration 0004_coach_views).

A coach's login role (warehouse/coaches.py) is granted SELECT on the tables and views below and
nothing else. Every table that holds athlete data has row-level security; the policies are for
SELECT only, so even a granted write would find no row to touch, and the grants have none.
The owner of the tables (the application, which runs the migrations) is not subject to them.

- `coaches`: a role sees its own row (`role_name = current_user`).
- `athletes`: the athletes whose coach is the calling role; every other policy builds on this
  (`athlete_id IN (SELECT id FROM athletes)` is already filtered for the caller).
- Strava-sourced rows (activities, lift sets and sessions, body weights) only for athletes who
  share them (`share_strava_with_coach`), and a `weekly_load` week only when it counts no
  Strava-only run or the athlete shares: the Strava API agreement lets a Strava user's data be
  shown to that user only, and a weekly total built from a Strava run is that data too.
- credentials, the outbox (`events`), `sync_state` (cursors and errors), `dirty_athletes`,
  `import_log` and `coach_logins`: row-level security on with no policy and no grant, so a coach
  reads nothing there; sync health reaches coaches only through `sync_health_v`.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Tables a coach role may SELECT (through the policies below) and the views built on them.
COACH_TABLES = (
    "coaches",
    "athletes",
    "activities",
    "lift_sessions",
    "lift_sets",
    "body_weights",
    "races",
    "plans",
    "weekly_load",
)
CLOSED_TABLES = (
    "credentials",
    "events",
    "sync_state",
    "dirty_athletes",
    "import_log",
    "coach_logins",
)

MY_ATHLETES = "athlete_id IN (SELECT id FROM athletes)"
SHARING = "athlete_id IN (SELECT id FROM athletes WHERE share_strava_with_coach)"
POLICIES = {
    "coaches": "role_name = current_user",
    "athletes": "coach_id IN (SELECT id FROM coaches WHERE role_name = current_user)",
    "activities": f"{MY_ATHLETES} AND (source <> 'strava' OR {SHARING})",
    "lift_sessions": f"{MY_ATHLETES} AND (source <> 'strava' OR {SHARING})",
    "lift_sets": f"{MY_ATHLETES} AND (source <> 'strava' OR {SHARING})",
    "body_weights": f"{MY_ATHLETES} AND (source <> 'strava' OR {SHARING})",
    "races": MY_ATHLETES,
    "plans": MY_ATHLETES,
    "weekly_load": f"{MY_ATHLETES} AND ({SHARING}"
    " OR NOT ironmiles_strava_week(athlete_id, week_start))",
}

# Whether a week counts a Strava-only run. SECURITY DEFINER because the answer depends on rows
# the caller may not see (that is the point); it returns one boolean and nothing of the rows, and
# only for the calling coach's own athletes: for anyone else's it is NULL, so calling it directly
# cannot probe another coach's athlete week by week. Inside a SECURITY DEFINER function
# current_user is the owner, so the caller is the role set by SET ROLE, else the login role.
STRAVA_WEEK_FUNCTION = """
CREATE OR REPLACE FUNCTION ironmiles_strava_week(p_athlete integer, p_week_start date)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema} AS $$
  SELECT CASE WHEN EXISTS (
      SELECT 1 FROM athletes a JOIN coaches c ON c.id = a.coach_id
      WHERE a.id = p_athlete AND c.role_name = COALESCE(
        NULLIF(current_setting('role'), 'none'), session_user::text))
    THEN EXISTS (
      SELECT 1 FROM activities s
      WHERE s.athlete_id = p_athlete AND s.source = 'strava' AND s.sport = 'run'
        AND s.canonical_id = s.id AND s.local_date BETWEEN p_week_start AND p_week_start + 6)
  END
$$"""


def create_strava_week_function(connection: Connection) -> None:
    schema = connection.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    connection.execute(text(STRAVA_WEEK_FUNCTION.format(schema=schema)))


def enable_row_security(connection: Connection) -> None:
    create_strava_week_function(connection)
    for table, condition in POLICIES.items():
        connection.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        connection.execute(
            text(f"CREATE POLICY coach_read ON {table} FOR SELECT USING ({condition})")
        )
    for table in CLOSED_TABLES:
        connection.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))


def disable_row_security(connection: Connection) -> None:
    for table in POLICIES:
        connection.execute(text(f"DROP POLICY IF EXISTS coach_read ON {table}"))
        connection.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for table in CLOSED_TABLES:
        connection.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    connection.execute(text("DROP FUNCTION IF EXISTS ironmiles_strava_week(integer, date)"))
