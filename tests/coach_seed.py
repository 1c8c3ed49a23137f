"""Two coaches' athletes with runs from Garmin and Strava, lifts, races and plans, written
through the real CLI and warehouse paths; shared by the coach view, isolation and dashboard
tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select

from connectors.records import Activity
from tests.conftest import Cli
from warehouse.activities import store_activities
from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.models import Athlete, BodyWeight, Credential, Event, SyncState

BIG_WEEK_KM = 40.0


def this_monday() -> date:
    today = datetime.now(UTC).date()  # the CLI reads the same clock (UTC athletes)
    return today - timedelta(days=today.weekday())


@dataclass(frozen=True)
class Season:
    strava_week: date
    """The Monday of ana's week whose only run came from Strava (hidden from her coach)."""
    garmin_week: date
    """The Monday of a week of ana's with Garmin runs only (always shown)."""


def ok(result: object) -> None:
    assert getattr(result, "exit_code", None) == 0, result


def run(source: str, source_id: str, day: date, km: float) -> Activity:
    return Activity(
        source=source,  # type: ignore[arg-type]
        source_id=source_id,
        start_utc=datetime.combine(day, time(7), UTC),
        local_start=None,
        sport="run",
        distance_m=km * 1000,
        moving_s=km * 330.0,
    )


def seed(cli: Cli, engine: Engine) -> Season:
    """marta coaches ana (does not share Strava) and al; jon coaches bo (shares Strava);
    cy has no coach."""
    monday = this_monday()
    for name, coach in (("ana", "marta"), ("al", "marta"), ("bo", "jon"), ("cy", None)):
        args = ["athlete", "add", name, "--body-weight", "65", "--timezone", "UTC"]
        ok(cli(*args, *(["--coach", coach] if coach else [])))
    ok(cli("athlete", "set", "bo", "--share-strava-with-coach"))
    weeks = [monday - timedelta(weeks=n) for n in range(6, 0, -1)]  # six complete weeks
    strava_week = weeks[-2]
    with session_scope(engine) as session:
        for name, base in (("ana", 20.0), ("al", 15.0), ("bo", 30.0), ("cy", 25.0)):
            athlete = get_athlete(session, name)
            km = [base + i for i in range(len(weeks))]
            if name == "ana":
                km[-1] = BIG_WEEK_KM  # ana's last complete week is a big one
            runs = [
                run("garmin", f"{name}-g{i}", week + timedelta(days=1), km[i])
                for i, week in enumerate(weeks)
                if not (name == "ana" and week == strava_week)
            ]
            # A Strava-only run, and a Strava copy of a Garmin run (linked, Garmin canonical).
            runs.append(run("strava", f"{name}-s1", strava_week + timedelta(days=3), 12.0))
            runs.append(run("strava", f"{name}-s2", weeks[-1] + timedelta(days=1), km[-1]))
            store_activities(session, athlete.id, athlete.timezone, runs)
        # What coaches must never read: tokens, the outbox, sync cursors.
        for athlete_id in session.scalars(select(Athlete.id)).all():
            session.add(Credential(athlete_id=athlete_id, source="strava", ciphertext=b"secret"))
            session.add(
                SyncState(athlete_id=athlete_id, source="strava", status="ok",
                          cursor={"page": 2}, last_run_at=datetime.now(UTC))
            )  # fmt: skip
            session.add(
                BodyWeight(athlete_id=athlete_id, source="garmin", source_id=f"w{athlete_id}",
                           measured_on=monday, weight_kg=65.0, raw={})
            )  # fmt: skip
            session.add(
                Event(kind="activity.created", athlete_id=athlete_id,
                      dedupe_key=f"seed-{athlete_id}", payload={})
            )  # fmt: skip
    for name in ("ana", "al", "bo", "cy"):
        ok(cli("lift", "add", name, "--date", str(weeks[-1] + timedelta(days=2)),
               "--exercise", "back squat", "--sets", "3", "--reps", "8", "--weight", "60",
               "--rir", "2"))  # fmt: skip
        ok(cli("race", "add", name, "--date", str(monday + timedelta(weeks=8)),
               "--name", f"{name} half", "--distance-km", "21.1", "--priority", "A"))  # fmt: skip
        ok(cli("weekly", name))
        ok(cli("plan", name, "--format", "json"))
    return Season(strava_week=strava_week, garmin_week=weeks[-1])
