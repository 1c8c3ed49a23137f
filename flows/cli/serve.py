"""`ironmiles serve [--host H] [--port P]`: the web app (flows/web/app.py) on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from flows.cli.common import configured_engine
from flows.settings import load_settings
from flows.web.app import create_app


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the coach dashboard (/coach) and the other web endpoints."""
    settings = load_settings()
    configured_engine(settings).dispose()  # a URL the user mistyped is exit 2, not a traceback
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
