"""`ironmiles demo`: the main job end to end on bundled sample data, in the configured warehouse."""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy.orm import Session

from connectors.manual import parse_lift_csv, parse_race
from flows.cli import athletes, lifts
from flows.cli.common import console, transaction, utc_today
from warehouse.athletes import AthleteProfile, add_athlete, upsert_race
from warehouse.errors import UnknownAthlete
from warehouse.lifts import store_lift_sets
from warehouse.models import Athlete

DEMO_ATHLETE = "demo-runner"


def demo() -> None:
    """Set up the warehouse, record a sample athlete, lifts and a race, and print them back."""
    sample = files("flows.sample_data").joinpath("demo_lifts.csv").read_text(encoding="utf-8")
    records = parse_lift_csv(sample, unit="kg", today=utc_today())
    with transaction() as session:
        athlete = _demo_athlete(session)
        stored = store_lift_sets(session, athlete.id, records)
        upsert_race(session, athlete.id, parse_race("2027-04-18", "Spring Marathon", 42.195, "A"))
    console.rule("[bold]ironmiles demo")
    console.print(f"athlete {DEMO_ATHLETE}: {stored.added} new lift sets, {stored.unchanged} known")
    athletes.athlete_list()
    lifts.lift_list(DEMO_ATHLETE, from_="2026-10-01")


def _demo_athlete(session: Session) -> Athlete:
    from warehouse.athletes import get_athlete

    try:
        return get_athlete(session, DEMO_ATHLETE)
    except UnknownAthlete:
        return add_athlete(
            session,
            AthleteProfile(
                name=DEMO_ATHLETE,
                timezone="America/New_York",
                body_weight_kg=68.0,
                experience="intermediate",
                sessions_per_week=5,
                technique_controlled=True,
            ),
        )
