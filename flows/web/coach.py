"""The coach dashboard: /coach/login, /coach and /coach/athletes/{name}.

A coach logs in with the token `ironmiles coach add` printed; the warehouse keeps only its
SHA-256. The token then travels as an HttpOnly, SameSite=Strict cookie. A missing or wrong
token gets 401 and the login page. Everything shown comes from warehouse.dashboard, which
only ever returns the logged-in coach's athletes; another coach's athlete is a 404, the same
as a name nobody has, so names of other coaches' athletes cannot be probed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine

from flows.web.charts import load_chart_svg
from flows.web.pages import athlete_page, dashboard_page, login_page
from warehouse.coaches import coach_for_token
from warehouse.dashboard import (
    athlete_weeks,
    coach_athlete,
    coach_athletes,
    local_monday,
    plan_versions,
)
from warehouse.db import session_scope
from warehouse.models import Coach

router = APIRouter()
COOKIE = "ironmiles_coach"
CHART_WEEKS = 16
MAX_FORM_BYTES = 4096


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _login(status: int, message: str | None) -> HTMLResponse:
    return HTMLResponse(login_page(message), status_code=status)


def _coach(request: Request, token: str | None) -> Coach | None:
    if not token:
        return None
    with session_scope(_engine(request)) as session:
        return coach_for_token(session, token)


@router.get("/coach/login", response_class=HTMLResponse)
def login_form() -> HTMLResponse:
    return _login(200, None)


@router.post("/coach/login")
async def login(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _login(413, "That is not a dashboard token.")
    token = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
    if _coach(request, token) is None:
        return _login(401, "Wrong token: use the one `ironmiles coach add` printed.")
    response = RedirectResponse("/coach", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/coach",
        max_age=30 * 24 * 3600,
    )
    return response


@router.get("/coach", response_class=HTMLResponse)
def dashboard(
    request: Request, ironmiles_coach: Annotated[str | None, Cookie()] = None
) -> HTMLResponse:
    coach = _coach(request, ironmiles_coach)
    if coach is None:
        return _login(401, "Log in with your dashboard token." if ironmiles_coach is None else
                      "Wrong token: use the one `ironmiles coach add` printed.")  # fmt: skip
    now = datetime.now(UTC)  # the composition root reads the clock
    with session_scope(_engine(request)) as session:
        summaries = coach_athletes(session, coach.id, now=now)
        shown = [
            (
                s,
                load_chart_svg(
                    athlete_weeks(
                        session,
                        coach.id,
                        s.athlete_id,
                        first=s.week_start - timedelta(weeks=CHART_WEEKS - 1),
                        last=s.week_start,
                    ),
                    f"{s.name}: km and strength volume load",
                ),
            )
            for s in summaries
        ]
    return HTMLResponse(dashboard_page(coach.name, shown))


@router.get("/coach/athletes/{name}", response_class=HTMLResponse)
def athlete(
    request: Request,
    name: str,
    weeks: Annotated[int, Query(ge=1, le=104)] = CHART_WEEKS,
    ironmiles_coach: Annotated[str | None, Cookie()] = None,
) -> HTMLResponse:
    coach = _coach(request, ironmiles_coach)
    if coach is None:
        return _login(401, "Log in with your dashboard token.")
    with session_scope(_engine(request)) as session:
        found = coach_athlete(session, coach.id, name)
        if found is None:
            return HTMLResponse(
                "<!doctype html><title>not found</title><p>No such athlete of yours.</p>",
                status_code=404,
            )
        athlete_id, zone = found
        monday = local_monday(datetime.now(UTC), zone)  # the athlete's week, not UTC's
        points = athlete_weeks(
            session, coach.id, athlete_id, first=monday - timedelta(weeks=weeks - 1), last=monday
        )
        plans = plan_versions(session, coach.id, athlete_id)
    svg = load_chart_svg(points, f"{name}: km and strength volume load")
    return HTMLResponse(athlete_page(coach.name, name, svg, plans))
