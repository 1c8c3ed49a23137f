"""The coach dashboard over HTTP (uvicorn in a thread, `requests`) on both databases: the
login, each coach's athletes only, the athlete page, and SQL injection in every parameter
answered safely."""

from __future__ import annotations

import re

import requests
from sqlalchemy import Engine, text

from tests.flows.web.conftest import Coached

INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "x'; DROP TABLE athletes; --",
    '" OR ""="',
    "ana' UNION SELECT id FROM athletes WHERE name = 'bo",
    "1; DELETE FROM coach_logins",
    "%27%20OR%201%3D1",
    "\\' OR 1=1 /*",
]


def snapshot(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("athletes", "coaches", "coach_logins", "plans", "weekly_load")
        )


class Client:
    """A browser-like session on the served app: cookies kept, paths relative to it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.cookies = self.session.cookies

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return self.session.post(self.base + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def logged_in(coached: Coached, coach: str) -> Client:
    client = Client(coached.base)
    response = client.post(
        "/coach/login", data={"token": coached.tokens[coach]}, allow_redirects=False
    )
    assert response.status_code == 303
    assert "httponly" in response.headers["set-cookie"].lower()
    return client


def test_missing_or_wrong_token_gets_401_and_the_login_page(coached: Coached) -> None:
    client = Client(coached.base)
    for response in (
        client.get("/coach"),
        client.get("/coach/athletes/ana"),
        client.post("/coach/login", data={"token": "not-a-token"}),
        client.post("/coach/login", data={}),
    ):
        assert response.status_code == 401
        assert "<form method='post' action='/coach/login'>" in response.text
    client.cookies.set("ironmiles_coach", coached.tokens["marta"][:-1] + "x")
    assert client.get("/coach").status_code == 401


def test_each_coach_sees_only_its_athletes(coached: Coached) -> None:
    marta = logged_in(coached, "marta")
    page = marta.get("/coach")
    assert page.status_code == 200
    shown = set(re.findall(r"<tr data-athlete='([^']+)'>", page.text))
    assert shown == {"ana", "al"}
    assert page.text.count("<svg") == 2
    assert "bo" not in shown and "cy half" not in page.text and "bo half" not in page.text
    jon = logged_in(coached, "jon")
    assert set(re.findall(r"<tr data-athlete='([^']+)'>", jon.get("/coach").text)) == {"bo"}
    # Another coach's athlete and nobody's athlete look the same: 404.
    assert marta.get("/coach/athletes/bo").status_code == 404
    assert marta.get("/coach/athletes/cy").status_code == 404
    assert marta.get("/coach/athletes/nobody").status_code == 404
    athlete = marta.get("/coach/athletes/ana")
    assert athlete.status_code == 200
    assert "id='current-plan'" in athlete.text and "<li>R" in athlete.text
    assert "id='plan-history'" in athlete.text


def test_injection_in_every_parameter_is_answered_safely(
    coached: Coached, warehouse_engine: Engine
) -> None:
    before = snapshot(warehouse_engine)
    marta = logged_in(coached, "marta")
    for attempt in INJECTIONS:
        anonymous = Client(coached.base)
        assert anonymous.post("/coach/login", data={"token": attempt}).status_code == 401
        anonymous.cookies.set("ironmiles_coach", attempt)
        assert anonymous.get("/coach").status_code == 401
        assert anonymous.get("/coach/athletes/ana").status_code == 401
        assert marta.get(f"/coach/athletes/{attempt}").status_code == 404, attempt
        assert marta.get("/coach/athletes/ana", params={"weeks": attempt}).status_code == 422
        page = marta.get("/coach")
        assert set(re.findall(r"<tr data-athlete='([^']+)'>", page.text)) == {"ana", "al"}
    assert snapshot(warehouse_engine) == before


def test_strava_weeks_are_hidden_until_the_athlete_shares(
    coached: Coached, warehouse_engine: Engine
) -> None:
    marta = logged_in(coached, "marta")
    hidden = marta.get("/coach/athletes/ana", params={"weeks": 16}).text
    week = coached.season.strava_week.isocalendar()
    label = f"{week[0]}-W{week[1]:02d}"
    assert label not in hidden
    with warehouse_engine.begin() as connection:
        connection.execute(
            text("UPDATE athletes SET share_strava_with_coach = true WHERE name = 'ana'")
        )
    assert label in marta.get("/coach/athletes/ana", params={"weeks": 16}).text
