"""`ironmiles demo`: the main job end to end on bundled sample data, in the configured warehouse.

Records a sample athlete with her lifts (a bundled CSV) and her goal race, imports a season of
watch files (FIT, plus GPX copies of the long runs, written on the fly by connectors.replay.season),
computes the weekly load and plans the squat session after the season's big last week. Running
it again adds nothing: every step is idempotent.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from sqlalchemy.orm import Session

from connectors.manual import parse_lift_csv, parse_race
from connectors.replay.season import SEASON_START, WEEKLY_KM, write_season
from engine.render import plan_markdown
from flows.cli.common import (
    TableCsvOrJson,
    console,
    migrated_warehouse,
    open_warehouse,
    transaction,
    utc_today,
)
from flows.cli.weekly import show
from flows.file_import import import_inputs, opened_inputs
from flows.planning import plan_week
from flows.weekly_load import read_weekly_load, refresh_weekly_load
from warehouse.athletes import AthleteProfile, add_athlete, get_athlete, upsert_race
from warehouse.errors import UnknownAthlete
from warehouse.lifts import store_lift_sets
from warehouse.models import Athlete

DEMO_ATHLETE = "demo-runner"
DEMO_PLAN_WEEK = "2026-W48"  # the week after the sample season's big last week


def demo() -> None:
    """Run the main job on bundled sample data: lifts, a race, a season of watch files, weekly
    load and the next squat plan."""
    migrated_warehouse().dispose()  # the demo sets its warehouse up itself, as `init` does
    sample = files("flows.sample_data").joinpath("demo_lifts.csv").read_text(encoding="utf-8")
    records = parse_lift_csv(sample, unit="kg", today=utc_today())
    with transaction() as session:
        athlete = _demo_athlete(session)
        lifts = store_lift_sets(session, athlete.id, records)
        upsert_race(session, athlete.id, parse_race("2027-04-18", "Spring Marathon", 42.195, "A"))
    console.rule("[bold]ironmiles demo")
    console.print(
        f"athlete {DEMO_ATHLETE} (America/New_York): {lifts.added} new lift sets "
        f"({lifts.unchanged} known), goal race Spring Marathon on 2027-04-18 (A)"
    )

    with tempfile.TemporaryDirectory(prefix="ironmiles-demo-") as folder:
        write_season(Path(folder))
        with opened_inputs([folder]) as inputs:
            engine = open_warehouse()
            try:
                summary = import_inputs(engine, DEMO_ATHLETE, inputs)
            finally:
                engine.dispose()
    console.print(
        f"season {SEASON_START} + {len(WEEKLY_KM)} weeks: {len(summary.outcomes)} files read, "
        f"{summary.activities_added} new activities, {summary.count('duplicate')} already known "
        "(GPX copies of the long runs are linked to the watch's FIT copy and count once)"
    )

    now = datetime.now(UTC)
    with transaction() as session:
        athlete = get_athlete(session, DEMO_ATHLETE)
        refresh_weekly_load(session, now=now, only={athlete.id})
        weeks = read_weekly_load(session, athlete.id)
        result = plan_week(session, DEMO_ATHLETE, DEMO_PLAN_WEEK, now=now)
    season = weeks.filter(weeks["week_start"] < SEASON_START.replace(month=11, day=23))
    show(season.tail(8), DEMO_ATHLETE, TableCsvOrJson.table)
    console.rule(f"[bold]squat plan for {DEMO_PLAN_WEEK}")
    sys.stdout.write(plan_markdown(result.athlete, result.week, result.prescription,
                                   result.changes))  # fmt: skip
    sys.stdout.flush()


def _demo_athlete(session: Session) -> Athlete:
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
