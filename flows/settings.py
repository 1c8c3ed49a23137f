"""The one typed settings object. Read from the environment (`IRONMILES_` prefix) on demand,
never at import time; secrets have no defaults and never print."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("ironmiles", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IRONMILES_", extra="ignore", frozen=True)

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

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded default: a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.home / 'ironmiles.db'}"


def load_settings() -> Settings:
    return Settings()
