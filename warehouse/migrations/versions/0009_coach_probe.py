"""Coach probe: `ironmiles_strava_week` answers only for the calling coach's own athletes

Revision ID: 0009_coach_probe
Revises: 0004_coach_views

Before, any coach role could call the SECURITY DEFINER function with any athlete id and learn,
week by week, whether another coach's athlete ran with Strava. Now it returns NULL for athletes
that are not the caller's. PostgreSQL only (SQLite has no roles).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from warehouse.coach_security import create_strava_week_function

revision = "0009_coach_probe"
down_revision = "0004_coach_views"
branch_labels = None
depends_on = None

# The function as 0004_coach_views created it, for the downgrade.
UNGUARDED = """
CREATE OR REPLACE FUNCTION ironmiles_strava_week(p_athlete integer, p_week_start date)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema} AS $$
  SELECT EXISTS (
    SELECT 1 FROM activities s
    WHERE s.athlete_id = p_athlete AND s.source = 'strava' AND s.sport = 'run'
      AND s.canonical_id = s.id AND s.local_date BETWEEN p_week_start AND p_week_start + 6)
$$"""


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        create_strava_week_function(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        schema = connection.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
        connection.execute(text(UNGUARDED.format(schema=schema)))
