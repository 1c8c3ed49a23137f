"""The Prefect flow `replan`: one athlete's next week re-planned when an event says their load
changed (`ironmiles.week.big`, `ironmiles.lift.logged`; the triggers of the `replan` deployment
in infra/prefect.yaml pass the athlete and the event's week in). Thin: refresh that athlete's
weekly load, plan next week on their wall clock, store it (a new version when it changed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger

from engine.prescription.weeks import next_week
from flows.planning import refresh_and_plan_week
from flows.settings import load_settings
from flows.weekly_load import local_today
from warehouse.athletes import get_athlete
from warehouse.db import make_engine, session_scope
from warehouse.migrate import upgrade


@flow(name="replan", log_prints=False)
def replan(athlete: str, event_week: str | None = None) -> dict[str, Any]:
    """Re-plan `athlete`'s next week now; `event_week` is the week the event was about."""
    logger = get_run_logger()
    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        now = datetime.now(UTC)
        with session_scope(engine) as session:
            zone = get_athlete(session, athlete).timezone
            week = next_week(local_today(now, zone))
            plan = refresh_and_plan_week(session, athlete, week, now=now)
        logger.info(
            "%s: %s planned (version %d) after an event about %s",
            athlete,
            plan.week,
            plan.stored.version,
            event_week or "their load",
        )
        return {"athlete": athlete, "week": plan.week, "version": plan.stored.version}
    finally:
        engine.dispose()
