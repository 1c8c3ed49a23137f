"""After a correction: what depends on it is recomputed at once, not at the next nightly run.

The athlete's weekly load and next week's plan come from the same composition `ironmiles plan`
uses (flows.planning.refresh_and_plan_week: the weekly load refreshed, then the plan; plan_week
alone reads the load as stored, and the correction left it stale). It runs after the
correction's transaction committed: on PostgreSQL the weekly-load read sees committed rows only.
"""

from __future__ import annotations

from engine.errors import EngineError
from engine.prescription.weeks import next_week
from flows.cli import common
from flows.cli.common import err_console, transaction
from flows.planning import refresh_and_plan_week
from warehouse.models import Athlete
from warehouse.refresh_due import local_today


def recompute(athlete_id: int) -> str:
    """Refresh the athlete's weekly load and re-plan next week; returns a line saying so."""
    now = common.utc_now()
    with transaction() as session:
        athlete = session.get(Athlete, athlete_id)
        if athlete is None:  # removed meanwhile: nothing depends on it any more
            return ""
        week = next_week(local_today(now, athlete.timezone))
        try:
            plan = refresh_and_plan_week(session, athlete.name, week, now=now)
        except EngineError as error:
            # The correction stands; the plan waits for the settings to be fixed.
            err_console.print(f"warning: the plan for {week} was not made: {error}", markup=False)
            return "weekly load recomputed; no plan made"
    line = f"weekly load recomputed; plan for {plan.week} is version {plan.stored.version}"
    err_console.print(line, markup=False)
    return line
