"""The nightly sync: for every athlete and connected source, fetch what is new and store it once.

Composition root: builds the connectors and the token stores from settings, then for each
athlete and source runs connector -> warehouse page by page. Expected outcomes (a rejected token,
a spent rate budget) become the source's status; anything else is caught at the boundary
(`run_sync`, or the Prefect flow `nightly_sync`), recorded in sync_state, and the others go on.

The CLI calls `run_sync` directly: Prefect's ephemeral API takes about 25 s to start, which a
person running `ironmiles sync` should not wait for; the flow wraps the same function per task.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from cryptography.fernet import Fernet
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError

from connectors.errors import AuthExpired, ConnectorError, RateLimited
from connectors.garmin.client import GarminApi, GarminEndpoints
from connectors.garmin.sync import fetch_weigh_ins
from connectors.garmin.sync import iter_activity_pages as garmin_pages
from connectors.strava.budget import StravaRateBudget
from connectors.strava.client import StravaApi, StravaApp, StravaEndpoints
from connectors.strava.sync import iter_activity_pages as strava_pages
from connectors.sync import Clock, Sleep, SyncPage
from flows.settings import Settings
from warehouse.athletes import get_athlete
from warehouse.credentials import CredentialStore, CredentialUnreadable, cipher_from_key
from warehouse.db import make_engine, session_scope
from warehouse.errors import BadInput
from warehouse.migrate import upgrade
from warehouse.models import Athlete, Credential
from warehouse.sync import finish_run, garmin_details_known, start_run, store_page, sync_state

Source = Literal["garmin", "strava"]
SOURCES: tuple[Source, ...] = ("garmin", "strava")
HISTORY_START = date(2000, 1, 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

log = logging.getLogger("ironmiles.sync")


@dataclass(frozen=True, slots=True)
class SyncConfig:
    garmin: GarminEndpoints = field(default_factory=GarminEndpoints)
    strava: StravaEndpoints = field(default_factory=StravaEndpoints)
    strava_app: StravaApp | None = None
    overlap: timedelta = timedelta(days=3)
    history_start: date = HISTORY_START
    garmin_page_size: int = 100
    timeout_s: float = 20.0
    weigh_ins: bool = True


@dataclass(slots=True)
class SyncDeps:
    """Everything with a side effect, built once per run and passed down."""

    engine: Engine
    cipher: Fernet
    config: SyncConfig = field(default_factory=SyncConfig)
    clock: Clock = field(default=lambda: datetime.now(UTC))
    sleep: Sleep = field(default=time.sleep)
    strava_budget: StravaRateBudget = field(default_factory=StravaRateBudget)
    """Shared by every athlete: Strava counts requests per application."""

    def store(self, athlete_id: int, source: str) -> CredentialStore:
        return CredentialStore(self.engine, self.cipher, athlete_id, source)


@dataclass(slots=True)
class SourceOutcome:
    athlete: str
    source: str
    status: str = "ok"
    activities_seen: int = 0
    activities_added: int = 0
    lift_sets_added: int = 0
    body_weights: int = 0
    skipped: int = 0
    links_changed: int = 0
    calls: int = 0
    error: str | None = None
    retry_after_s: float | None = None

    def add(self, page: SyncPage, stored: Any) -> None:
        self.activities_seen += stored.activities_seen
        self.activities_added += stored.activities_added
        self.lift_sets_added += stored.lift_sets_added
        self.body_weights += stored.body_weights
        self.links_changed += stored.links_changed
        self.skipped += len(page.skipped)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def strava_app_from(settings: Settings) -> StravaApp | None:
    if not settings.strava_client_id or settings.strava_client_secret is None:
        return None
    try:
        client_id = int(settings.strava_client_id)
    except ValueError:
        raise BadInput(
            f"IRONMILES_STRAVA_CLIENT_ID={settings.strava_client_id!r} is not a number: use the "
            "numeric Client ID shown at https://www.strava.com/settings/api"
        ) from None
    return StravaApp(client_id, settings.strava_client_secret.get_secret_value())


def config_from(settings: Settings) -> SyncConfig:
    return SyncConfig(
        garmin=GarminEndpoints.from_base(settings.garmin_api_base),
        strava=StravaEndpoints.from_base(settings.strava_api_base),
        strava_app=strava_app_from(settings),
    )


def deps_from_settings(settings: Settings) -> SyncDeps:
    """Open (and migrate) the warehouse and build the sync's dependencies from settings."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    cipher = cipher_from_key(secret)
    if settings.database_url is None:
        settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    return SyncDeps(engine=engine, cipher=cipher, config=config_from(settings))


# -- one athlete, one source ---------------------------------------------------------------------


def _scrub(message: str, store: CredentialStore) -> str:
    """Belt and braces: no stored token value ever reaches sync_state or a log line."""
    try:
        tokens = store.load() or {}
    except CredentialUnreadable:
        return message
    for value in tokens.values():
        if isinstance(value, str) and len(value) >= 8:
            message = message.replace(value, "***")
    return message


def _sync_garmin(deps: SyncDeps, athlete: Athlete, outcome: SourceOutcome) -> dict[str, Any]:
    config = deps.config
    with session_scope(deps.engine) as session:
        state = start_run(session, athlete.id, "garmin", deps.clock())
        watermark, cursor = state.watermark, dict(state.cursor or {})
        known = garmin_details_known(session, athlete.id)
    api = GarminApi(
        deps.store(athlete.id, "garmin"),
        endpoints=config.garmin,
        sleep=deps.sleep,
        timeout_s=config.timeout_s,
    )
    try:
        since = (watermark - config.overlap).date() if watermark else config.history_start
        pages = garmin_pages(
            api, since=since, page_size=config.garmin_page_size, details_known=known
        )
        for page in pages:
            _store(deps, athlete, "garmin", page, outcome)
        if not config.weigh_ins:
            return {}
        checked = cursor.get("weigh_ins_through")
        weigh_since = (
            date.fromisoformat(checked) - config.overlap if checked else config.history_start
        )
        today = deps.clock().date()
        page = fetch_weigh_ins(api, since=weigh_since, until=today + timedelta(days=1))
        _store(deps, athlete, "garmin", page, outcome)
        return {"weigh_ins_through": today.isoformat()}
    finally:
        outcome.calls = api.calls  # every request, those of a failed page included


def _sync_strava(deps: SyncDeps, athlete: Athlete, outcome: SourceOutcome) -> dict[str, Any]:
    config = deps.config
    if config.strava_app is None:
        raise BadInput(
            "Strava needs IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET "
            "(the application at https://www.strava.com/settings/api) to refresh tokens"
        )
    with session_scope(deps.engine) as session:
        watermark = start_run(session, athlete.id, "strava", deps.clock()).watermark
    api = StravaApi(
        deps.store(athlete.id, "strava"),
        config.strava_app,
        endpoints=config.strava,
        budget=deps.strava_budget,
        clock=deps.clock,
        sleep=deps.sleep,
        timeout_s=config.timeout_s,
    )
    after = watermark - config.overlap if watermark else EPOCH
    try:
        for page in strava_pages(api, after=after):
            _store(deps, athlete, "strava", page, outcome)
    finally:
        outcome.calls = api.calls
    return {}


def _store(
    deps: SyncDeps, athlete: Athlete, source: str, page: SyncPage, outcome: SourceOutcome
) -> None:
    """One page, its links and its watermark in one transaction."""
    with session_scope(deps.engine) as session:
        stored = store_page(
            session,
            athlete_id=athlete.id,
            timezone=athlete.timezone,
            source=source,
            activities=page.activities,
            lift_sets=page.lift_sets,
            body_weights=page.body_weights,
            watermark=page.watermark,
        )
    outcome.add(page, stored)


_RUNNERS: Mapping[Source, Callable[[SyncDeps, Athlete, SourceOutcome], dict[str, Any]]] = {
    "garmin": _sync_garmin,
    "strava": _sync_strava,
}


def sync_source(deps: SyncDeps, athlete_name: str, source: Source) -> SourceOutcome:
    """Sync one source of one athlete. A rejected token or a spent budget is an outcome (the
    status says so); any other failure propagates to the boundary."""
    with session_scope(deps.engine) as session:
        athlete = get_athlete(session, athlete_name)
    outcome = SourceOutcome(athlete=athlete_name, source=source)
    store = deps.store(athlete.id, source)
    try:
        cursor = {**_RUNNERS[source](deps, athlete, outcome), "retry_after_s": None}
    except (AuthExpired, CredentialUnreadable) as err:
        outcome.status, outcome.error = "needs_reauth", _scrub(str(err), store)
        cursor = {}
    except RateLimited as err:
        outcome.status, outcome.error = "rate_limited", _scrub(str(err), store)
        outcome.retry_after_s = err.retry_after
        cursor = {"retry_after_s": err.retry_after}
    with session_scope(deps.engine) as session:
        finish_run(session, athlete.id, source, outcome.status, error=outcome.error, cursor=cursor)
    level = logging.INFO if outcome.status == "ok" else logging.WARNING
    log.log(level, "%s/%s: %s", athlete_name, source, _summary_line(outcome))
    return outcome


def record_failure(
    deps: SyncDeps, athlete_name: str, source: Source, err: BaseException
) -> SourceOutcome:
    """The boundary's bookkeeping for an unexpected failure: status `error`, and go on."""
    if isinstance(err, ConnectorError):
        message = str(err)
    elif isinstance(err, StatementError) and err.orig is not None:
        # Not the statement and its parameters (whole raw payloads): the driver's reason.
        message = f"{type(err.orig).__name__}: {err.orig}"
    else:
        message = f"{type(err).__name__}: {err}"
    outcome = SourceOutcome(athlete=athlete_name, source=source, status="error")
    try:
        with session_scope(deps.engine) as session:
            athlete = get_athlete(session, athlete_name)
        outcome.error = _scrub(message, deps.store(athlete.id, source))[:2000]
        with session_scope(deps.engine) as session:
            sync_state(session, athlete.id, source)
            finish_run(session, athlete.id, source, "error", error=outcome.error)
    except Exception as bookkeeping:  # the boundary must go on with the others
        outcome.error = f"{message} (and it could not be recorded: {type(bookkeeping).__name__})"
    log.error("%s/%s failed: %s", athlete_name, source, outcome.error)
    return outcome


def _summary_line(o: SourceOutcome) -> str:
    line = (
        f"{o.status}; {o.activities_added} new of {o.activities_seen} activities, "
        f"{o.lift_sets_added} lift sets, {o.body_weights} weigh-ins, {o.skipped} skipped, "
        f"{o.calls} API calls"
    )
    return f"{line}; {o.error}" if o.error else line


def quiet_library_loggers() -> None:
    """garminconnect logs every failed request at ERROR with a traceback (stravalib at WARNING);
    we turn those failures into a one-line outcome per source, so at the composition root the
    libraries are asked to speak only when something is really wrong."""
    logging.getLogger("garminconnect").setLevel(logging.CRITICAL)
    logging.getLogger("stravalib").setLevel(logging.ERROR)


# -- the boundary --------------------------------------------------------------------------------


def plan_runs(
    deps: SyncDeps, athlete: str | None, sources: Iterable[Source]
) -> list[tuple[str, Source]]:
    """(athlete, source) pairs to run: every connected source of the chosen athletes."""
    wanted = set(sources)
    with session_scope(deps.engine) as session:
        query = select(Athlete.name, Credential.source).join(
            Credential, Credential.athlete_id == Athlete.id
        )
        if athlete is not None:
            get_athlete(session, athlete)  # UnknownAthlete (bad input) before anything runs
            query = query.where(Athlete.name == athlete)
        rows = session.execute(query.order_by(Athlete.name, Credential.source)).all()
    return [(name, source) for name, source in rows if source in wanted]


def run_sync(
    deps: SyncDeps, athlete: str | None = None, sources: Sequence[Source] = SOURCES
) -> list[SourceOutcome]:
    """Every planned (athlete, source), one after the other; one failure never stops the rest."""
    outcomes = []
    for name, source in plan_runs(deps, athlete, sources):
        try:
            outcomes.append(sync_source(deps, name, source))
        except Exception as err:  # the boundary: record the failure, go on
            outcomes.append(record_failure(deps, name, source, err))
    return outcomes
