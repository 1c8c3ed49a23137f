"""The replay servers' templates from real recorded responses (../shared/data, read in place;
nothing is copied into the repository): what the tests and the benchmarks serve, where the demo
serves the hand-written ones of templates.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from connectors.replay.garmin_server import GarminTemplates
from connectors.replay.strava_server import StravaTemplates


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_garmin_templates(shared_data: Path) -> GarminTemplates:
    """Real Garmin responses: a 2026 list item and a 2021 one (elapsed in ms), a multisport
    parent and child, a 2026 activity detail."""
    garth = shared_data / "garmin-connect_garth"
    export = shared_data / "garmin-connect_garmin-connect-export"
    return GarminTemplates(
        list_2026=_load(garth / "extracted_activitylist_limit3_start0.json")[0],
        list_2021=_load(export / "activities-list.json")[2],
        multisport_parent=_load(export / "activity_multisport_detail.json"),
        multisport_child=_load(export / "activity_multisport_child.json"),
        detail_2026=_load(garth / "extracted_activity_21482825013.json"),
    )


def load_strava_templates(shared_data: Path) -> StravaTemplates:
    """A real SummaryActivity (strava-offline page; new keys) and a real DetailedActivity of the
    old schema (no sport_type)."""
    return StravaTemplates(
        summary=_load(
            shared_data / "strava-api_strava-offline" / "extracted_athlete_activities_page1.json"
        )[0],
        detail_old=_load(shared_data / "strava-api_stravalib" / "activity.3.json"),
    )
