"""The coach dashboard end to end in a real headless Chromium (Debian's `chromium`, driven by
Playwright; Playwright's own browser downloads are never used): a wrong token refused, a
coach's login, that coach's athletes and no other, the chart drawn with the warehouse's numbers
for a known week, and a screenshot kept under test-artifacts/ (gitignored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import Engine, text

from tests.conftest import REPO
from tests.flows.web.conftest import Coached

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)


def known_week(engine: Engine, coached: Coached) -> tuple[str, float, float]:
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT week, distance_km, volume_load_kg FROM weekly_load_v"
                " WHERE athlete = 'ana' AND week_start = :start"
            ),
            {"start": coached.season.garmin_week},
        ).one()
    return row.week, row.distance_km, row.volume_load_kg


def test_dashboard_in_chromium(coached: Coached, warehouse_engine: Engine) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")
    week, km, volume = known_week(warehouse_engine, coached)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            response = page.goto(coached.base + "/coach")
            assert response is not None and response.status == 401
            page.fill("#token", "a-wrong-token")
            with page.expect_navigation() as wrong:
                page.click("#login")
            assert wrong.value is not None and wrong.value.status == 401
            assert "Wrong token" in page.inner_text("#login-error")

            page.fill("#token", coached.tokens["marta"])
            with page.expect_navigation(url=re.compile(r"/coach$")) as right:
                page.click("#login")
            assert right.value is not None and right.value.status == 200
            rows = page.locator("#athletes tbody tr")
            assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.athlete)")) == [
                "al",
                "ana",
            ]
            body = page.inner_text("body")
            assert "bo half" not in body and "cy half" not in body

            chart = page.locator("section.chart[data-athlete='ana'] svg")
            assert chart.count() == 1 and chart.bounding_box() is not None
            svg = chart.evaluate("s => s.outerHTML")
            assert f"week: {week}; distance (km): {km:g};" in svg
            assert f"volume_kg: {volume:g}" in svg
            assert f">{km:.1f}<" in svg  # the bar's label
            assert f"week: {week}; distance (km): {km:g}; big: big week;" in svg
            assert "▲ big week" in page.inner_text("#athletes tr[data-athlete='ana']")
            page.screenshot(path=str(ARTIFACTS / "coach-dashboard.png"), full_page=True)

            page.click("a[href='/coach/athletes/ana']")
            page.wait_for_selector("#current-plan")
            assert page.locator("#plan-history tbody tr").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "coach-athlete.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "coach-dashboard.png").stat().st_size > 10_000
