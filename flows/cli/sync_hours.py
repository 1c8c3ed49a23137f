"""`ironmiles athlete set NAME --sync-hour H`: the local hour of the athlete's night, when the
hourly `nightly` deployment syncs them (kept apart from the rule overrides of `athlete set`)."""

from __future__ import annotations

from flows.cli.common import console, transaction
from warehouse.athletes import get_athlete
from warehouse.scheduling import set_sync_hour


def set_athlete_sync_hour(name: str, hour: int) -> None:
    with transaction() as session:
        athlete = get_athlete(session, name)
        set_sync_hour(session, athlete, hour)
        zone = athlete.timezone
    console.print(f"{name} is synced at {hour:02d}:00 {zone} every night", markup=False)
