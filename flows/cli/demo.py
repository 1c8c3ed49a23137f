"""`ironmiles demo`: the real connectors through the real nightly flow, with no account anywhere.

Starts the replay servers shipped with the package (connectors/replay: Garmin Connect and
Strava in their real API shapes, fed with the hand-written templates), puts two athletes'
16-week seasons on them (connectors/replay/demo_athletes.py), records the athletes, their races
and a CSV of manual lifts, connects both athletes to both services through the real connect
paths (Garmin's SSO login, Strava's OAuth code exchange), runs the Prefect flow
flows/nightly_flow.py:nightly_sync on Prefect's ephemeral API into the SQLite file in
IRONMILES_HOME, then prints per athlete the sources, what was linked as one run, the weekly
table and the adjusted squat plan with its reasons, and writes plan.md and plan.ics.

Idempotent: a second run stores nothing new. The servers stop before it returns, and the
ephemeral Prefect server with the process.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from rich.table import Table

from connectors.garmin.client import GarminEndpoints
from connectors.garmin.login import login_with_password
from connectors.manual import parse_lift_csv, parse_race
from connectors.replay.demo_athletes import DEMO_ATHLETES, DemoAthlete, add_season, manual_lifts_csv
from connectors.replay.garmin_server import GarminReplay
from connectors.replay.strava_server import StravaReplay
from connectors.replay.templates import garmin_templates, strava_templates
from connectors.strava.client import StravaApp, StravaEndpoints
from connectors.strava.oauth import exchange_code
from engine.prescription.weeks import week_of
from engine.render import plan_ics, plan_markdown
from flows.cli.common import TableCsvOrJson, console, err_console
from flows.cli.weekly import show
from flows.planning import refresh_and_plan_week
from flows.settings import load_settings
from flows.weekly_load import local_today, read_weekly_load
from warehouse.athletes import AthleteProfile, add_athlete, get_athlete, upsert_race
from warehouse.credentials import CredentialStore
from warehouse.db import make_engine, session_scope
from warehouse.errors import UnknownAthlete
from warehouse.lifts import store_lift_sets
from warehouse.link_report import link_report
from warehouse.migrate import upgrade
from warehouse.strava_push import set_account_id
from warehouse.sync_state import finish_run

KEY_FILE = "demo-secret.key"


def demo() -> None:
    """Sync two athletes from local Garmin and Strava replay servers through the real nightly
    flow (Prefect), then print what was linked, the weekly load and the adjusted squat plans."""
    settings = load_settings()
    home = settings.home
    home.mkdir(parents=True, exist_ok=True)
    key = settings.secret_key.get_secret_value() if settings.secret_key else _demo_key(home)
    now = datetime.now(UTC)
    console.rule("[bold]ironmiles demo")
    with _replay_servers(now) as (garmin, strava):
        console.print(
            f"replay servers (shipped with ironmiles, real API shapes): Garmin Connect at "
            f"{garmin.base_url}, Strava at {strava.base_url}"
        )
        env = {
            "IRONMILES_HOME": str(home),
            "IRONMILES_SECRET_KEY": key,
            "IRONMILES_GARMIN_API_BASE": garmin.base_url,
            "IRONMILES_STRAVA_API_BASE": strava.base_url,
            "IRONMILES_STRAVA_CLIENT_ID": str(strava.client_id),
            "IRONMILES_STRAVA_CLIENT_SECRET": strava.client_secret,
        }
        engine = make_engine(f"sqlite:///{home / 'ironmiles.db'}")
        try:
            upgrade(engine)
            cipher = Fernet(key.encode())
            app = StravaApp(strava.client_id, strava.client_secret)
            for athlete in DEMO_ATHLETES:
                today = local_today(now, athlete.timezone)
                season = add_season(athlete, today, garmin, strava)
                _record(engine, athlete, today)
                _connect(engine, cipher, athlete, garmin, strava, app)
                console.print(
                    f"{athlete.name} ({athlete.timezone}): 16 weeks, {season.both} runs on both "
                    f"services, {season.garmin_only} on Garmin only, {season.strava_only} on "
                    f"Strava only, {season.strength} Garmin strength sessions with sets, a CSV "
                    f"of manual lifts; {athlete.race[0]} ({athlete.race[3]}) in "
                    f"{athlete.race[1]} days; connected to both"
                )
            console.print("running the nightly flow (Prefect, ephemeral API) ...")
            outcomes = _run_flow(env, home)
            for athlete in DEMO_ATHLETES:
                _report(engine, athlete, outcomes, now, home)
        finally:
            engine.dispose()
    console.print(f"warehouse: {home / 'ironmiles.db'}")


def _demo_key(home: Path) -> str:
    """The demo's own token key, kept in IRONMILES_HOME (it guards replay tokens only); a set
    IRONMILES_SECRET_KEY is used instead."""
    path = home / KEY_FILE
    if not path.exists():
        path.write_text(Fernet.generate_key().decode(), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


@contextmanager
def _replay_servers(now: datetime) -> Iterator[tuple[GarminReplay, StravaReplay]]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per replayed request
    garmin = GarminReplay(garmin_templates())
    strava = StravaReplay(lambda: datetime.now(UTC), templates=strava_templates())
    garmin.start()
    try:
        strava.start()
        try:
            yield garmin, strava
        finally:
            strava.stop()
    finally:
        garmin.stop()


def _record(engine: Any, athlete: DemoAthlete, today: Any) -> None:
    lifts = parse_lift_csv(manual_lifts_csv(athlete, today), unit="kg", today=today)
    race_name, days, km, priority = athlete.race
    with session_scope(engine) as session:
        try:
            row = get_athlete(session, athlete.name)
        except UnknownAthlete:
            row = add_athlete(
                session,
                AthleteProfile(
                    name=athlete.name,
                    timezone=athlete.timezone,
                    body_weight_kg=athlete.body_weight_kg,
                    technique_controlled=True,
                ),
            )
        store_lift_sets(session, row.id, lifts)
        race_day = today.fromordinal(today.toordinal() + days)
        upsert_race(session, row.id, parse_race(race_day.isoformat(), race_name, km, priority))


def _connect(
    engine: Any,
    cipher: Fernet,
    athlete: DemoAthlete,
    garmin: GarminReplay,
    strava: StravaReplay,
    app: StravaApp,
) -> None:
    """Both services through the real connect paths: Garmin's SSO, Strava's code exchange."""
    with session_scope(engine) as session:
        athlete_id = get_athlete(session, athlete.name).id
    garmin.passwords[athlete.email] = (athlete.password, None)
    garmin_store = CredentialStore(engine, cipher, athlete_id, "garmin")
    login_with_password(
        athlete.email,
        athlete.password,
        lambda: "",
        garmin_store,
        endpoints=GarminEndpoints.from_base(garmin.base_url),
    )
    code = secrets.token_hex(8)
    strava.codes[code] = athlete.name
    strava_store = CredentialStore(engine, cipher, athlete_id, "strava")
    account = exchange_code(
        app, code, strava_store, endpoints=StravaEndpoints.from_base(strava.base_url)
    )
    with session_scope(engine) as session:
        for source in ("garmin", "strava"):
            finish_run(session, athlete_id, source, "connected")
        if account is not None:
            set_account_id(session, athlete_id, "strava", account)


def _run_flow(env: dict[str, str], home: Path) -> list[dict[str, Any]]:
    """The real flow on Prefect's ephemeral API (started in this process, stopped with it)."""
    saved = dict(os.environ)
    os.environ.update(env)
    os.environ.pop("IRONMILES_DATABASE_URL", None)  # the demo's warehouse is the SQLite default
    os.environ.pop("PREFECT_API_URL", None)
    os.environ.setdefault("PREFECT_HOME", str(home / "prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "240")
    try:
        from flows.nightly_flow import nightly_sync

        return nightly_sync()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _report(
    engine: Any, athlete: DemoAthlete, outcomes: list[dict[str, Any]], now: datetime, home: Path
) -> None:
    console.rule(f"[bold]{athlete.name}")
    table = Table("source", "status", "new", "seen", "lift sets", "API calls")
    for o in outcomes:
        if o["athlete"] == athlete.name:
            counts = (o["activities_added"], o["activities_seen"], o["lift_sets_added"], o["calls"])
            table.add_row(o["source"], o["status"], *(str(n) for n in counts))
    console.print(table)
    with session_scope(engine) as session:
        row = get_athlete(session, athlete.name)
        report = link_report(session, row.id)
        # This week's session: the week after the season's big last week, planned from it (the
        # nightly flow has planned next week too, from the week still running).
        week = week_of(local_today(now, athlete.timezone))
        plan = refresh_and_plan_week(session, athlete.name, week, now=now)
        weeks = read_weekly_load(session, row.id, weeks=8)
    stored = ", ".join(f"{n} from {s}" for s, n in sorted(report.by_source.items()))
    only = ", ".join(f"{n} on {s} only" for s, n in sorted(report.single_source.items()))
    console.print(
        f"stored: {stored}; {len(report.linked)} runs linked as one (Garmin and Strava copies "
        f"of the same run, counted once){'; ' + only if only else ''}"
    )
    for run in report.linked[-3:]:
        console.print(
            f"  {run.local_date} {run.distance_km:.1f} km: counted {run.counted}, "
            f"linked {', '.join(run.copies)}"
        )
    show(weeks, athlete.name, TableCsvOrJson.table)
    console.rule(f"squat plan for {plan.week}, after the big week")
    markdown = plan_markdown(plan.athlete, plan.week, plan.prescription, plan.changes, plan.notice)
    sys.stdout.write(markdown)
    sys.stdout.flush()
    folder = home / "plans" / athlete.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.md").write_text(markdown, encoding="utf-8")
    ics = plan_ics(plan.athlete, plan.week, plan.prescription, stamp=plan.stored.created_at,
                   sequence=plan.stored.version - 1, changes=plan.changes)  # fmt: skip
    (folder / "plan.ics").write_bytes(ics)
    console.print(f"wrote {folder / 'plan.md'} and {folder / 'plan.ics'}")
    if not report.linked:
        err_console.print(f"note: nothing was linked for {athlete.name}")
