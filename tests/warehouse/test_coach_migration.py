"""Migration 0004_coach_views goes down and up again cleanly on both databases: views,
policies, the function, the sharing flag and the logins table all go, and all come back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from warehouse.migrate import alembic_config, current_revision, head_revision, upgrade
from warehouse.views import VIEW_NAMES


def test_down_to_foundation_and_up_again(warehouse_engine: Engine) -> None:
    config = alembic_config(warehouse_engine)
    command.downgrade(config, "0001_foundation")
    try:
        found = inspect(warehouse_engine)
        assert not set(VIEW_NAMES) & set(found.get_view_names())
        assert "coach_logins" not in found.get_table_names()
        assert "share_strava_with_coach" not in {c["name"] for c in found.get_columns("athletes")}
        if warehouse_engine.dialect.name == "postgresql":
            with warehouse_engine.connect() as connection:
                policies = connection.execute(text("SELECT count(*) FROM pg_policies")).scalar()
                assert policies == 0
    finally:
        upgrade(warehouse_engine)
    assert current_revision(warehouse_engine) == head_revision(warehouse_engine)
    assert set(VIEW_NAMES) <= set(inspect(warehouse_engine).get_view_names())
