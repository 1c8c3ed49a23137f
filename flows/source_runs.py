"""One athlete-source unit of the nightly job: fetch what is new from one connected source and
store it once, page by page.

Builds each source's `SourceSync` (connectors/<source>/source.py) from the run's dependencies
through the registry `SOURCE_SYNCS`, then runs connector -> warehouse. Expected outcomes (a
rejected token, a spent rate budget) become the source's status; anything else is caught at the
boundary (the task runner of flows/nightly.py, or `run_sync`), recorded in sync_state by
`record_failure`, and the others go on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Engine
from sqlalchemy.exc import StatementError

from connectors.errors import AuthExpired, ConnectorError, RateLimited
from connectors.garmin.client import GarminEndpoints
from connectors.garmin.source import GarminSource
from connectors.source import (
    SOURCE_NAMES,
    Clock,
    RetryPolicy,
    Sleep,
    SourceName,
    SourceSync,
    SyncPage,
    SyncStart,
)
from connectors.strava.budget import RateBudget, StravaRateBudget
from connectors.strava.client import StravaApp, StravaEndpoints
from connectors.strava.source import StravaSource
from flows.rate_budgets import shared_budget
from flows.settings import Settings
from warehouse.athletes import get_athlete
from warehouse.credentials import (
    CredentialStore,
    CredentialUnreadable,
    athlete_sources,
    cipher_from_key,
)
from warehouse.db import make_engine, session_scope
from warehouse.errors import BadInput
from warehouse.models import Athlete
from warehouse.revision import check_revision
from warehouse.sync_lock import SyncLease, SyncLockHeld, sync_lock
from warehouse.sync_state import details_known, finish_run, start_run, store_page, sync_state

HISTORY_START = date(2000, 1, 1)

log = logging.getLogger("ironmiles.sync")


@dataclass(frozen=True, slots=True)
class SyncConfig:
    garmin: GarminEndpoints = field(default_factory=GarminEndpoints)
    strava: StravaEndpoints = field(default_factory=StravaEndpoints)
    strava_app: StravaApp | None = None
    overlap: timedelta = timedelta(days=3)
    history_start: date = HISTORY_START
    garmin_page_size: int = 100
    strava_page_size: int = 200
    timeout_s: float = 20.0
    weigh_ins: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    """The one retry policy of every call, whichever runner runs the units."""
    garmin_min_interval_s: float = 0.2
    """Pacing of one Garmin account's calls."""


@dataclass(slots=True)
class SyncDeps:
    """Everything with a side effect, built once per run and passed down."""

    engine: Engine
    cipher: Fernet
    config: SyncConfig = field(default_factory=SyncConfig)
    clock: Clock = field(default=lambda: datetime.now(UTC))
    sleep: Sleep = field(default=time.sleep)
    strava_budget: RateBudget = field(default_factory=StravaRateBudget)
    """Shared by every athlete: Strava counts requests per application. In memory by default;
    flows/rate_budgets.py shares it between processes (warehouse or Prefect)."""

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
    events: int = 0
    """activity.created events recorded with the pages (the outbox)."""
    calls: int = 0
    error: str | None = None
    retry_after_s: float | None = None

    def add(self, page: SyncPage, stored: Any) -> None:
        self.activities_seen += stored.activities_seen
        self.activities_added += stored.activities_added
        self.lift_sets_added += stored.lift_sets_added
        self.body_weights += stored.body_weights
        self.links_changed += stored.links_changed
        self.events += stored.events
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
        garmin_page_size=settings.garmin_page_size,
        strava_page_size=settings.strava_page_size,
        garmin_min_interval_s=settings.garmin_min_interval_s,
    )


def deps_from_settings(settings: Settings) -> SyncDeps:
    """Open the warehouse (at this code's schema: `ironmiles init` and the deployment migrate,
    the sync only checks) and build the sync's dependencies from settings."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    cipher = cipher_from_key(secret)
    if settings.database_url is None:
        settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        check_revision(engine)
    except BaseException:
        engine.dispose()
        raise
    config = config_from(settings)
    client_id = config.strava_app.client_id if config.strava_app else None
    prefect = settings.strava_budget == "prefect" or (
        settings.strava_budget == "auto" and settings.prefect_api_url is not None
    )
    budget = shared_budget(engine, client_id, prefect=prefect)
    return SyncDeps(engine=engine, cipher=cipher, config=config, strava_budget=budget)


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


def _garmin(deps: SyncDeps) -> SourceSync:
    config = deps.config
    return GarminSource(
        endpoints=config.garmin,
        clock=deps.clock,
        sleep=deps.sleep,
        overlap=config.overlap,
        history_start=config.history_start,
        page_size=config.garmin_page_size,
        timeout_s=config.timeout_s,
        weigh_ins=config.weigh_ins,
        retry=config.retry,
        min_interval_s=config.garmin_min_interval_s,
    )


def _strava(deps: SyncDeps) -> SourceSync:
    config = deps.config
    if config.strava_app is None:
        raise BadInput(
            "Strava needs IRONMILES_STRAVA_CLIENT_ID and IRONMILES_STRAVA_CLIENT_SECRET "
            "(the application at https://www.strava.com/settings/api) to refresh tokens"
        )
    return StravaSource(
        app=config.strava_app,
        endpoints=config.strava,
        budget=deps.strava_budget,
        clock=deps.clock,
        sleep=deps.sleep,
        overlap=config.overlap,
        timeout_s=config.timeout_s,
        retry=config.retry,
        page_size=config.strava_page_size,
    )


SOURCE_SYNCS: Mapping[SourceName, Callable[[SyncDeps], SourceSync]] = {
    "garmin": _garmin,
    "strava": _strava,
}
"""The registry: a new source is its connector folder (a SourceSync) plus one line here."""


def _run_source(
    deps: SyncDeps,
    athlete: Athlete,
    source: SourceName,
    outcome: SourceOutcome,
    lease: SyncLease,
    only_ids: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Start the source's run from the stored state, store its pages one transaction each
    (each checking that the run still holds its lock), and return the cursor it asks to
    keep."""
    syncer = SOURCE_SYNCS[source](deps)
    with session_scope(deps.engine) as session:
        state = start_run(session, athlete.id, source, deps.clock())
        start = SyncStart(
            watermark=state.watermark,
            cursor=dict(state.cursor or {}),
            details_known=frozenset(details_known(session, athlete.id, source)),
            only_ids=only_ids,
        )
    run = syncer.start(deps.store(athlete.id, source), start)
    try:
        for page in run.pages():
            _store(deps, athlete, source, page, outcome, lease)
    finally:
        outcome.calls = run.calls  # every request, those of a failed page included
    return run.cursor()


def _store(
    deps: SyncDeps,
    athlete: Athlete,
    source: str,
    page: SyncPage,
    outcome: SourceOutcome,
    lease: SyncLease,
) -> None:
    """One page, its links, its events and its watermark in one transaction."""
    with session_scope(deps.engine) as session:
        lease.check(session)
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


def sync_source(
    deps: SyncDeps, athlete_name: str, source: SourceName, *, only_ids: tuple[str, ...] = ()
) -> SourceOutcome:
    """Sync one source of one athlete (only the activities `only_ids` when a push named them).
    A rejected token or a spent budget is an outcome (the status says so), and so is another
    run holding this athlete-source's lock (`locked`: that run goes on, this one leaves the
    source alone); any other failure propagates to the boundary."""
    with session_scope(deps.engine) as session:
        athlete = get_athlete(session, athlete_name)
    outcome = SourceOutcome(athlete=athlete_name, source=source)
    try:
        with sync_lock(deps.engine, athlete.id, source) as lease:
            return _locked_sync(deps, athlete, source, outcome, lease, only_ids)
    except SyncLockHeld as held:
        # The other run owns this source's sync_state: nothing is written for it here.
        outcome.status, outcome.error = "locked", f"{source} for {athlete_name}: {held}"
        log.warning("%s/%s: %s", athlete_name, source, outcome.error)
        return outcome


def _locked_sync(
    deps: SyncDeps,
    athlete: Athlete,
    source: SourceName,
    outcome: SourceOutcome,
    lease: SyncLease,
    only_ids: tuple[str, ...],
) -> SourceOutcome:
    store = deps.store(athlete.id, source)
    try:
        cursor = {
            **_run_source(deps, athlete, source, outcome, lease, only_ids),
            "retry_after_s": None,
        }
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
    log.log(level, "%s/%s: %s", athlete.name, source, _summary_line(outcome))
    return outcome


def record_failure(
    deps: SyncDeps, athlete_name: str, source: SourceName, err: BaseException
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
    deps: SyncDeps, athlete: str | None, sources: Iterable[SourceName]
) -> list[tuple[str, SourceName]]:
    """(athlete, source) pairs to run: every connected source of the chosen athletes."""
    wanted = set(sources)
    with session_scope(deps.engine) as session:
        # UnknownAthlete (bad input) before anything runs.
        rows = athlete_sources(session, athlete, wanted)
    return [(name, source) for name, source in rows if source in wanted]


def run_sync(
    deps: SyncDeps, athlete: str | None = None, sources: Sequence[SourceName] = SOURCE_NAMES
) -> list[SourceOutcome]:
    """Every planned (athlete, source), one after the other; one failure never stops the rest."""
    outcomes = []
    for name, source in plan_runs(deps, athlete, sources):
        try:
            outcomes.append(sync_source(deps, name, source))
        except Exception as err:  # the boundary: record the failure, go on
            outcomes.append(record_failure(deps, name, source, err))
    return outcomes
