"""GET /feeds/{token}.ics: an athlete's squat plans as a calendar feed (flows/calendar_feed.py).

The app that includes this router (flows/web/app.py `create_app`) puts the warehouse engine on
`app.state.engine`; the clock is a dependency too, so a test can pin it. Unknown and rotated
tokens answer 404 without saying which. ETag and Last-Modified let calendar apps poll cheaply.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy import Engine

from flows.calendar_feed import FeedDocument, feed_document
from warehouse.db import session_scope

router = APIRouter()

ICS_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=900"  # the address is a secret: no shared caches


def warehouse_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def utc_now() -> datetime:
    return datetime.now(UTC)


def _not_modified(request: Request, document: FeedDocument) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or document.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return document.last_modified <= since
    return False


@router.get("/feeds/{token}.ics", response_class=Response, name="calendar_feed")
def calendar_feed(
    token: str,
    request: Request,
    engine: Annotated[Engine, Depends(warehouse_engine)],
    now: Annotated[datetime, Depends(utc_now)],
) -> Response:
    with session_scope(engine) as session:
        document = feed_document(session, token, now=now)
    if document is None:
        raise HTTPException(status_code=404, detail="no such feed")
    headers = {
        "ETag": document.etag,
        "Last-Modified": format_datetime(document.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }
    if _not_modified(request, document):
        return Response(status_code=304, headers=headers)
    return Response(content=document.body, media_type=ICS_TYPE, headers=headers)
