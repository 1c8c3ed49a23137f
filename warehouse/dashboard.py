"""What the coach dashboard reads: the coach views, always scoped to one coach's athletes.

The dashboard runs as the application (which row-level security does not limit), so every
query here names the coach and applies the Strava rule itself, exactly as the policies of
warehouse/coach_security.py do for a coach's own role: a week that counts a Strava-only run is
shown only for an athlete who shares Strava data with the coach. Every value arrives as a bound
parameter; no text from a request is ever put into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Date, Float, Integer, String, bindparam, text
from sqlalchemy.orm import Session

VISIBLE_WEEK = "(a.share_strava_with_coach OR w.strava_runs = 0)"


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekPoint:
    week: str
    week_start: date
    distance_km: float
    acwr: float | None
    big_week: bool
    volume_load_kg: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AthleteSummary:
    week_start: date
    """The Monday of this week on the athlete's own wall clock (never UTC's)."""
    athlete_id: int
    name: str
    this_week: WeekPoint | None
    last_week: WeekPoint | None
    next_race: str | None
    next_race_date: date | None
    next_race_priority: str | None
    plan_week: str | None
    plan_line: str | None
    shares_strava: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanVersion:
    week: str
    version: int
    session_date: date | None
    plan_line: str | None
    rules: str | None
    reasons: list[str]
    changes: list[str]


def local_monday(now: datetime, zone: str) -> date:
    """The Monday of the ISO week that holds `now` on the wall clock of `zone`."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=today.weekday())


def coach_athletes(session: Session, coach_id: int, *, now: datetime) -> list[AthleteSummary]:
    """The coach's athletes, by name, with this week's and last week's load: the weeks of each
    athlete's own calendar at `now` (a Sunday evening in New York is Monday in UTC)."""
    rows = session.execute(
        text(
            "SELECT o.athlete_id, o.athlete, o.timezone, o.next_race, o.next_race_date,"
            " o.next_race_priority, o.plan_week, o.plan_line, o.share_strava_with_coach"
            " FROM athlete_overview_v o JOIN athletes a ON a.id = o.athlete_id"
            " WHERE a.coach_id = :coach_id ORDER BY o.athlete"
        ).columns(next_race_date=Date, share_strava_with_coach=Boolean),
        {"coach_id": coach_id},
    ).all()
    summaries = []
    for row in rows:
        monday = local_monday(now, row.timezone)
        weeks = {
            w.week_start: w
            for w in athlete_weeks(
                session, coach_id, row.athlete_id, first=monday - timedelta(weeks=1), last=monday
            )
        }
        summaries.append(
            AthleteSummary(
                athlete_id=row.athlete_id,
                week_start=monday,
                name=row.athlete,
                this_week=weeks.get(monday),
                last_week=weeks.get(monday - timedelta(weeks=1)),
                next_race=row.next_race,
                next_race_date=row.next_race_date,
                next_race_priority=row.next_race_priority,
                plan_week=row.plan_week,
                plan_line=row.plan_line,
                shares_strava=bool(row.share_strava_with_coach),
            )
        )
    return summaries


def athlete_weeks(
    session: Session, coach_id: int, athlete_id: int, *, first: date, last: date
) -> list[WeekPoint]:
    """The athlete's weeks starting from `first` to `last`, oldest first; none when the athlete
    is not this coach's."""
    rows = session.execute(
        text(
            "SELECT w.week, w.week_start, w.distance_km, w.acwr, w.big_week, w.volume_load_kg"
            " FROM weekly_load_v w JOIN athletes a ON a.id = w.athlete_id"
            " WHERE a.coach_id = :coach_id AND w.athlete_id = :athlete_id"
            f" AND w.week_start BETWEEN :first AND :last AND {VISIBLE_WEEK}"
            " ORDER BY w.week_start"
        )
        # Typed, so the dates are bound by SQLAlchemy's Date type on every database (sqlite3's
        # own date adapter is deprecated from Python 3.12).
        .bindparams(bindparam("first", type_=Date), bindparam("last", type_=Date))
        .columns(
            week=String,
            week_start=Date,
            distance_km=Float,
            acwr=Float,
            big_week=Boolean,
            volume_load_kg=Float,
        ),
        {"coach_id": coach_id, "athlete_id": athlete_id, "first": first, "last": last},
    ).all()
    return [
        WeekPoint(
            week=r.week,
            week_start=r.week_start,
            distance_km=r.distance_km or 0.0,
            acwr=r.acwr,
            big_week=bool(r.big_week),
            volume_load_kg=r.volume_load_kg or 0.0,
        )
        for r in rows
    ]


def coach_athlete(session: Session, coach_id: int, name: str) -> tuple[int, str] | None:
    """(id, time zone) of the coach's athlete of that name; None for anyone else's (or
    nobody's)."""
    row = session.execute(
        text(
            "SELECT a.id, a.timezone FROM athletes a"
            " WHERE a.coach_id = :coach_id AND a.name = :name"
        ),
        {"coach_id": coach_id, "name": name},
    ).one_or_none()
    return None if row is None else (row.id, row.timezone)


def plan_versions(session: Session, coach_id: int, athlete_id: int) -> list[PlanVersion]:
    """Every stored plan of the coach's athlete, newest week and version first."""
    rows = session.execute(
        text(
            "SELECT p.week, p.version, p.session_date, p.plan_line, p.rules, p.reasons, p.changes"
            " FROM plan_history_v p JOIN athletes a ON a.id = p.athlete_id"
            " WHERE a.coach_id = :coach_id AND p.athlete_id = :athlete_id"
            " ORDER BY p.week DESC, p.version DESC"
        ).columns(session_date=Date, version=Integer),
        {"coach_id": coach_id, "athlete_id": athlete_id},
    ).all()
    return [
        PlanVersion(
            week=r.week,
            version=r.version,
            session_date=r.session_date,
            plan_line=r.plan_line,
            rules=r.rules,
            reasons=r.reasons.split(" | ") if r.reasons else [],
            changes=r.changes.split(" | ") if r.changes else [],
        )
        for r in rows
    ]
