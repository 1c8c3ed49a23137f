"""The demo's two athletes on the replay servers: 16-week seasons, in their own time zones,
ending with the week before `today` (their local date), that the real connectors then sync.

Deterministic for a given `today`: most runs are recorded on the watch (Garmin) and uploaded to
Strava 20 s later with slightly different totals (the same run on both services), a phone run
now and then is on Strava only, a treadmill run on Garmin only; every Wednesday is a Garmin
strength session with its sets; the last week is a big one. Manual lifts come as a CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from connectors.replay.garmin_server import GarminReplay, exercise_sets_payload, garmin_item
from connectors.replay.strava_server import StravaReplay, strava_item

WEEKS = 16
PACE_S_PER_KM = 335
# (weekday offset from Monday, local start, share of the week's km)
RUN_DAYS = (
    (1, time(7, 0), 0.2),
    (3, time(7, 0), 0.2),
    (5, time(8, 30), 0.4),
    (6, time(18, 0), 0.2),
)


@dataclass(frozen=True)
class DemoAthlete:
    name: str
    timezone: str
    email: str
    password: str
    body_weight_kg: float
    weekly_km: tuple[int, ...]
    race: tuple[str, int, float, str]
    """(name, days after today, distance km, priority)"""
    squat_kg: float
    number: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


DEMO_ATHLETES = (
    DemoAthlete(
        name="demo-ana",
        timezone="Europe/Madrid",
        email="ana@replay.ironmiles.local",
        password="replay-ana",
        body_weight_kg=61.0,
        weekly_km=(30, 32, 34, 31, 35, 37, 38, 33, 38, 40, 42, 36, 40, 42, 38, 66),
        race=("Valencia Half", 12, 21.1, "A"),
        squat_kg=55.0,
        number=1,
    ),
    DemoAthlete(
        name="demo-kai",
        timezone="America/Los_Angeles",
        email="kai@replay.ironmiles.local",
        password="replay-kai",
        body_weight_kg=74.0,
        weekly_km=(40, 42, 45, 41, 46, 48, 50, 44, 50, 52, 55, 48, 52, 55, 50, 88),
        race=("Big Sur Marathon", 45, 42.2, "A"),
        squat_kg=80.0,
        number=2,
    ),
)


def season_start(today: date) -> date:
    """The Monday 16 weeks before the Monday of `today`'s week."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS)


@dataclass(frozen=True)
class Season:
    both: int
    garmin_only: int
    strava_only: int
    strength: int


def add_season(
    athlete: DemoAthlete, today: date, garmin: GarminReplay, strava: StravaReplay
) -> Season:
    """Put the athlete's season on both replay servers (Garmin's account is the email)."""
    assert strava.templates is not None
    start = season_start(today)
    both = garmin_only = strava_only = strength = 0
    base = 20_000_000_000 + athlete.number * 1_000_000
    for week, km in enumerate(athlete.weekly_km):
        monday = start + timedelta(weeks=week)
        for offset, clock, share in RUN_DAYS:
            local = datetime.combine(monday + timedelta(days=offset), clock, athlete.zone)
            start_utc = local.astimezone(UTC)
            offset_s = int((local.utcoffset() or timedelta()).total_seconds())
            metres = round(km * share * 1000, 1)
            seconds = metres / 1000 * PACE_S_PER_KM
            n = base + week * 10 + offset
            phone_only = offset == 6 and week % 4 == 2  # the watch stayed at home
            treadmill = offset == 3 and week % 5 == 1  # not uploaded to Strava
            if not phone_only:
                garmin.add_runs(
                    athlete.email,
                    [
                        garmin_item(
                            garmin.templates,
                            n,
                            start_utc,
                            utc_offset_h=offset_s / 3600,
                            type_key="treadmill_running" if treadmill else "running",
                            distance_m=metres,
                            duration_s=seconds,
                        )
                    ],
                )
            if not treadmill:
                strava.add(
                    athlete.name,
                    [
                        strava_item(
                            strava.templates,
                            n + 500_000,
                            start_utc + timedelta(seconds=0 if phone_only else 20),
                            utc_offset_s=offset_s,
                            sport_type="Run",
                            distance_m=metres * (1.0 if phone_only else 1.004),
                            moving_s=seconds - 4,
                            elapsed_s=seconds + 25,
                        )
                    ],
                )
            both += not (phone_only or treadmill)
            garmin_only += treadmill
            strava_only += phone_only
        # Wednesday evening: squats in the gym, recorded on the watch with their sets.
        local = datetime.combine(monday + timedelta(days=2), time(18, 30), athlete.zone)
        start_utc = local.astimezone(UTC)
        gid = base + week * 10 + 9
        garmin.add_runs(
            athlete.email,
            [
                garmin_item(
                    garmin.templates,
                    gid,
                    start_utc,
                    utc_offset_h=(local.utcoffset() or timedelta()).total_seconds() / 3600,
                    type_key="strength_training",
                    parent_type_id=29,
                    duration_s=2400.0,
                )
            ],
        )
        load = athlete.squat_kg + 2.5 * (week // 3)
        garmin.account(athlete.email).exercise_sets[str(gid)] = exercise_sets_payload(
            gid, start_utc, [("barbell_back_squat", 5, load)] * 3 + [("romanian_deadlift", 8, load)]
        )
        strength += 1
    return Season(both=both, garmin_only=garmin_only, strava_only=strava_only, strength=strength)


def manual_lifts_csv(athlete: DemoAthlete, today: date) -> str:
    """Friday lunges logged by hand (the lift CSV `ironmiles lift import` reads)."""
    lines = ["date,exercise,set,reps,weight_kg,rir,notes"]
    start = season_start(today)
    for week in range(WEEKS):
        friday = start + timedelta(weeks=week, days=4)
        for set_no in (1, 2):
            weight = round(athlete.body_weight_kg * 0.2 + week // 4 * 2, 1)
            lines.append(f"{friday},walking lunges,{set_no},10,{weight},2,demo")
    return "\n".join(lines) + "\n"
