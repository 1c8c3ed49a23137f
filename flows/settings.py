"""The one typed settings object. Read from the environment (`IRONMILES_` prefix) on demand,
never at import time; secrets have no defaults and never print.

A pydantic model that reads the environment itself, as pydantic-settings' BaseSettings did
(values given to the constructor win, then the environment, then the defaults; names in any
case): pydantic-settings cost every command a tenth of its start-up for these few lines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

ENV_PREFIX = "IRONMILES_"


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("ironmiles", appauthor=False))


@contextmanager
def _no_pydantic_plugins() -> Iterator[None]:
    """Builds a model without pydantic's validation plugins, as typer builds its own: finding
    them reads the metadata of every installed distribution (a tenth of a start-up), and a
    plugin that watches validation has no business seeing the secrets anyway."""
    before = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYDANTIC_DISABLE_PLUGINS"]
        else:
            os.environ["PYDANTIC_DISABLE_PLUGINS"] = before


class Settings(BaseModel):
    # Built below, without plugins (defer_build: not as the class is made).
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    home: Path = Field(default_factory=_default_home)
    database_url: str | None = None
    garmin_api_base: str | None = None
    strava_api_base: str | None = None
    strava_client_id: str | None = None
    strava_client_secret: SecretStr | None = None
    strava_verify_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    garmin_page_size: int = Field(default=100, ge=1, le=100)
    """IRONMILES_GARMIN_PAGE_SIZE: activities per Garmin list call (smaller pages: less work
    lost to a crash, more calls)."""
    strava_page_size: int = Field(default=200, ge=1, le=200)
    """IRONMILES_STRAVA_PAGE_SIZE: activities per Strava list call (200, Strava's maximum, uses
    the shared budget least)."""
    garmin_min_interval_s: float = Field(default=0.2, ge=0.0)
    """IRONMILES_GARMIN_MIN_INTERVAL_S: the pacing of one Garmin account's calls (Garmin limits
    accounts; a local test or staging server needs none)."""
    public_url: str | None = None
    """The address `ironmiles serve` is reached at from outside (the feed URLs start with it)."""
    task_runner: Literal["thread", "dask"] = "thread"
    """IRONMILES_TASK_RUNNER: how the Prefect flow runs its athlete-source tasks."""
    dask_address: str | None = None
    """IRONMILES_DASK_ADDRESS: an existing Dask scheduler; unset: a local cluster per run."""
    dask_workers: int = 2
    strava_budget: Literal["auto", "warehouse", "prefect"] = "auto"
    """IRONMILES_STRAVA_BUDGET: where the app-wide Strava budget is shared; auto: Prefect's
    global concurrency limits when PREFECT_API_URL is set, the warehouse otherwise."""
    prefect_api_url: str | None = Field(default=None, validation_alias="PREFECT_API_URL")
    """Set when a Prefect server is configured: the Strava budget is then its rate limits."""

    @model_validator(mode="before")
    @classmethod
    def _with_environment(cls, given: Any) -> Any:
        """The environment's values under the ones given (`Settings(home=...)` in a test
        keeps the environment's other settings, as BaseSettings did)."""
        if not isinstance(given, dict):
            return given
        return _environment() | given

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded default: a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.home / 'ironmiles.db'}"


with _no_pydantic_plugins():
    Settings.model_rebuild(force=True)


def _environment() -> dict[str, str]:
    """The settings set in the environment, by the name the model takes (`IRONMILES_<FIELD>`,
    or a field's own alias), matched in any case."""
    environ = {name.lower(): value for name, value in os.environ.items()}
    found: dict[str, str] = {}
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        key = alias if isinstance(alias, str) else field_name
        variable = alias if isinstance(alias, str) else ENV_PREFIX + field_name
        if variable.lower() in environ:
            found[key] = environ[variable.lower()]
    return found


def load_settings() -> Settings:
    return Settings()
