"""The world of the sync campaigns: two athletes with histories on the local Garmin and Strava
servers (small pages, so a backfill is many pages), seeded into a template warehouse, and the
environment that points the installed CLI at it all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import Engine

from connectors.records import Race
from tests.flows.sync_world import History
from tests.servers import FakeGarmin, FakeStrava, GarminTemplates, ReplayServer, StravaTemplates
from warehouse.athletes import AthleteProfile, add_athlete, upsert_race
from warehouse.credentials import CredentialStore
from warehouse.db import session_scope

PAGE_SIZE = 5
"""Activities per list call on both services: ana's backfill is 4 pages from each."""
ATHLETES = {"ana": 20, "ben": 12}
"""Days of history per athlete (a Garmin run or strength session a day, most on Strava too)."""


@dataclass
class SyncWorld:
    garmin: FakeGarmin
    strava: FakeStrava
    key: str

    def env(self) -> dict[str, str]:
        return {
            "IRONMILES_SECRET_KEY": self.key,
            "IRONMILES_GARMIN_API_BASE": self.garmin.base_url,
            "IRONMILES_STRAVA_API_BASE": self.strava.base_url,
            "IRONMILES_STRAVA_CLIENT_ID": str(self.strava.client_id),
            "IRONMILES_STRAVA_CLIENT_SECRET": self.strava.client_secret,
            "IRONMILES_GARMIN_PAGE_SIZE": str(PAGE_SIZE),
            "IRONMILES_STRAVA_PAGE_SIZE": str(PAGE_SIZE),
            "IRONMILES_GARMIN_MIN_INTERVAL_S": "0",
        }

    def seed(self, engine: Engine) -> None:
        """The athletes, connected to both services (tokens stored as `connect` stores them),
        and a race in two weeks (its race.upcoming event comes with the weekly load)."""
        cipher = Fernet(self.key.encode())
        race_day = datetime.now(UTC).date() + timedelta(days=14)
        for name in ATHLETES:
            with session_scope(engine) as session:
                athlete = add_athlete(
                    session, AthleteProfile(name=name, timezone="America/Costa_Rica")
                )
                if name == "ana":
                    race = Race(race_date=race_day, name="Valencia", distance_km=21.1, priority="A")
                    upsert_race(session, athlete.id, race)
            CredentialStore(engine, cipher, athlete.id, "garmin").save(
                self.garmin.issue_tokens(name)
            )
            CredentialStore(engine, cipher, athlete.id, "strava").save(
                self.strava.issue_tokens(name)
            )


def sync_world(
    garmin_templates: GarminTemplates,
    strava_templates: StravaTemplates,
    garmin_server: ReplayServer,
    strava_server: ReplayServer,
) -> SyncWorld:
    garmin = FakeGarmin(garmin_templates, server=garmin_server)
    # Wall-clock time: the CLI's own clock. Limits far above the campaign's calls: the budget
    # is another campaign's subject, here it would only stop the backfill.
    strava = FakeStrava(
        lambda: datetime.now(UTC),
        server=strava_server,
        read_limits=(1_000_000, 10_000_000),
        overall_limits=(1_000_000, 10_000_000),
        templates=strava_templates,
    )
    for name, days in ATHLETES.items():
        History(garmin, strava, name).add_days(days)
    return SyncWorld(garmin, strava, Fernet.generate_key().decode())


def today() -> date:
    return datetime.now(UTC).date()
