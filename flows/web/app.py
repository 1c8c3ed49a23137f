"""`create_app(settings)`: the FastAPI app of `ironmiles serve`.

Each feature is a router in its own module of flows/web/, included here; the app holds the
warehouse engine (`app.state.engine`) and the settings (`app.state.settings`) for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from flows.settings import Settings
from flows.web import coach, feed, strava_webhook
from warehouse.db import make_engine
from warehouse.migrate import upgrade


def create_app(settings: Settings) -> FastAPI:
    if settings.database_url is None:
        settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="ironmiles", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.engine = engine
    app.state.settings = settings
    app.include_router(coach.router)
    app.include_router(feed.router)
    app.include_router(strava_webhook.router)
    return app
