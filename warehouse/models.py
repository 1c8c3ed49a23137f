"""The warehouse schema: SQLAlchemy 2.0 typed models, the same on SQLite and PostgreSQL.

Timestamps are timezone-aware UTC; every activity also keeps its local wall-clock start and local
date, because weekly totals are bucketed by the athlete's local date, never by UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

# The base and column types live in model_base.py; imported from here as they always were.
from warehouse.model_base import NAMING_CONVENTION as NAMING_CONVENTION
from warehouse.model_base import Base as Base
from warehouse.model_base import Payload as Payload
from warehouse.model_base import UtcDateTime as UtcDateTime


class Coach(Base):
    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role_name: Mapped[str | None] = mapped_column(String(63))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class CoachLogin(Base):
    """The dashboard login of one coach: only the SHA-256 of the token is kept."""

    __tablename__ = "coach_logins"

    coach_id: Mapped[int] = mapped_column(
        ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True
    )
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    body_weight_kg: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64))
    experience: Mapped[str] = mapped_column(String(16), default="intermediate")
    sessions_per_week: Mapped[int] = mapped_column(Integer, default=5)
    technique_controlled: Mapped[bool] = mapped_column(Boolean, default=False)
    prefers_single_leg: Mapped[bool] = mapped_column(Boolean, default=False)
    gym_weekday: Mapped[int] = mapped_column(Integer, default=3)
    """ISO weekday of the preferred gym day (1 = Monday ... 7 = Sunday); Wednesday by default."""
    rule_overrides: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)
    sync_hour: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    """The hour of the athlete's local day when the hourly nightly deployment syncs them."""
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("coaches.id", ondelete="SET NULL"))
    # The Strava API agreement: a Strava user's data is shown to that user only, unless they
    # agree to share it; the coach's views and dashboard hide Strava-sourced rows until then.
    share_strava_with_coach: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("athlete_id", "source", "source_id"),
        Index("ix_activities_athlete_local_date", "athlete_id", "local_date"),
        Index("ix_activities_athlete_start_utc", "athlete_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(200))
    start_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    local_date: Mapped[date] = mapped_column(Date)
    sport: Mapped[str] = mapped_column(String(16))
    sub_sport: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(Text)
    distance_m: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    avg_hr: Mapped[int | None] = mapped_column(Integer)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_source_id: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)
    # Cross-source duplicates point at one canonical copy; the canonical row points at itself.
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    # Set when a person decided about links (unlink): automatic linking leaves the row alone.
    link_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # A person's correction; source upserts never write it, so it survives every re-sync.
    corrected_distance_m: Mapped[float | None] = mapped_column(Float)
    # A person deleted it (`activity delete`): an overlay, not a DELETE, so a re-import or a
    # re-sync of the same activity cannot bring it back. Source upserts never write it.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A person's sport (`ironmiles activity set-sport`). `sport` is the one every total and link
    # uses: source upserts write it as COALESCE(corrected_sport, the source's), so the person's
    # choice survives every re-import and re-sync.
    corrected_sport: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class LiftSession(Base):
    __tablename__ = "lift_sessions"
    __table_args__ = (UniqueConstraint("athlete_id", "source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(200))
    performed_on: Mapped[date] = mapped_column(Date)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL")
    )
    duration_s: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)


class LiftSet(Base):
    __tablename__ = "lift_sets"
    __table_args__ = (
        UniqueConstraint("athlete_id", "source", "source_id"),
        Index("ix_lift_sets_athlete_performed_on", "athlete_id", "performed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("lift_sessions.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(200))
    performed_on: Mapped[date] = mapped_column(Date)
    start_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    exercise: Mapped[str] = mapped_column(String(80))
    set_index: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    weight_kg: Mapped[float] = mapped_column(Float)
    rir: Mapped[int | None] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    warmup: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A person's decision (`ironmiles lift confirm`, or manual entry that passed the checks):
    the set counts whatever it says. Source upserts never update it, so it survives re-syncs."""
    exercise_guessed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The exercise is the watch's own guess (a FIT `set` message), not a name a person chose."""
    # Copies of one set from several sources (FIT file, Garmin API, manual entry) point at one
    # canonical copy (warehouse/lift_links.py); the canonical row points at itself.
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("lift_sets.id", ondelete="SET NULL"), index=True
    )
    # The person's decisions, which source upserts never write: unlinked for good, deleted (a
    # synced set would come back with the next sync otherwise), edited (a re-sync leaves it).
    link_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BodyWeight(Base):
    __tablename__ = "body_weights"
    __table_args__ = (UniqueConstraint("athlete_id", "source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(200))
    measured_on: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float] = mapped_column(Float)
    raw: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)


class Race(Base):
    __tablename__ = "races"
    __table_args__ = (UniqueConstraint("athlete_id", "race_date", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    race_date: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    distance_km: Mapped[float] = mapped_column(Float)
    priority: Mapped[str] = mapped_column(String(1))


class SyncState(Base):
    __tablename__ = "sync_state"
    __table_args__ = (Index("ix_sync_state_source_account_id", "source", "account_id"),)

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="never")
    """never | connected | running | ok | needs_reauth | rate_limited | error | revoked"""
    last_error: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cursor: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)
    account_id: Mapped[str | None] = mapped_column(String(64))
    """The athlete's id at the source (Strava's `owner_id` in push events), when known."""


class Credential(Base):
    """OAuth tokens of one athlete for one source, encrypted at rest."""

    __tablename__ = "credentials"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Plan(Base):
    """One prescription for one athlete and ISO week; every re-plan is a new version."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("athlete_id", "week", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    session_date: Mapped[date | None] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(Payload)
    changes: Mapped[list[str]] = mapped_column(Payload, default=list)
    notice: Mapped[str | None] = mapped_column(Text)
    """One line: what this version changed and why (a re-plan: from the version before it;
    a first version: from last week's plan). Heads the workout, the feed event and the Markdown."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class AthleteDelivery(Base):
    """Where an athlete's plans go: the Garmin workout push (opt-in), the calendar feed's token
    and the gym time its events start at. One row per athlete, made on first use."""

    __tablename__ = "athlete_delivery"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    push_workouts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    gym_time: Mapped[str] = mapped_column(String(5), default="18:00", server_default="18:00")
    """HH:MM on the athlete's wall clock."""
    feed_nonce: Mapped[str | None] = mapped_column(String(64))
    """The feed token is derived from IRONMILES_SECRET_KEY and this nonce; rotating replaces it."""
    feed_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Only the token's hash is stored; a request's token is looked up by its hash."""
    feed_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When a choice that changes the feed (the gym time) was last made."""


class WorkoutPush(Base):
    """What of one week's plan is on the athlete's Garmin calendar, and whether the last push
    worked. The plan itself stays in `plans`: a failed push is retried from here next run."""

    __tablename__ = "workout_pushes"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    """The plan version on Garmin now (None: nothing of this week is)."""
    workout_id: Mapped[str | None] = mapped_column(String(40))
    schedule_id: Mapped[str | None] = mapped_column(String(40))
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending | scheduled | removed | failed"""
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WeeklyLoad(Base):
    __tablename__ = "weekly_load"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    distance_km: Mapped[float] = mapped_column(Float, default=0.0)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    moving_s: Mapped[float] = mapped_column(Float, default=0.0)
    long_run_km: Mapped[float] = mapped_column(Float, default=0.0)
    avg4_km: Mapped[float | None] = mapped_column(Float)
    acwr: Mapped[float | None] = mapped_column(Float)
    acwr_ewma: Mapped[float | None] = mapped_column(Float)
    big_week: Mapped[bool] = mapped_column(Boolean, default=False)
    spike_runs: Mapped[int] = mapped_column(Integer, default=0)
    monotony: Mapped[float | None] = mapped_column(Float)
    strain: Mapped[float | None] = mapped_column(Float)
    volume_load_kg: Mapped[float] = mapped_column(Float, default=0.0)
    squat_top_kg: Mapped[float | None] = mapped_column(Float)
    e1rm_kg: Mapped[float | None] = mapped_column(Float)
    srpe_load: Mapped[float | None] = mapped_column(Float)


class DirtyAthlete(Base):
    """Athletes whose activities or lifts changed since the weekly load was last computed."""

    __tablename__ = "dirty_athletes"

    athlete_id: Mapped[int] = mapped_column(
        ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Event(Base):
    """Transactional outbox: written with the change it announces, published afterwards."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(Payload, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """For an event received from outside (a Strava push): when it was acted on."""


class ImportLog(Base):
    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    """lift_csv | activity_file"""
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    """imported | duplicate | partial | failed"""
    reason: Mapped[str | None] = mapped_column(Text)
    records: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class RateBudgetWindow(Base):
    """Requests an API application spent in one window (Strava: per 15 minutes and per UTC
    day, reads and overall), shared by every process that syncs when no Prefect server is
    configured. Taken atomically: UPDATE ... SET used = used + 1 WHERE used < request_limit."""

    __tablename__ = "rate_budget"

    app: Mapped[str] = mapped_column(String(64), primary_key=True)
    """e.g. strava:<client id>:read:15min"""
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    request_limit: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
