"""The replay servers of connectors/replay/ fed with real recorded responses from ../shared/data
(read in place, deep-copied and varied per item; nothing is copied into the repository), under
the names the tests use. The loaders of the recordings are connectors/replay/recordings.py's,
which the benchmarks use directly (they never import the tests).

The real `garminconnect` and `stravalib` clients are pointed at them, so the libraries' own
request building, token handling and error paths run in the tests.
"""

from __future__ import annotations

from connectors.replay.garmin_server import (
    GarminAccount,
    GarminReplay,
    GarminTemplates,
    exercise_sets_payload,
    garmin_item,
    make_jwt,
)
from connectors.replay.http import Fault, ReplayServer
from connectors.replay.recordings import load_garmin_templates, load_strava_templates
from connectors.replay.strava_server import StravaReplay, StravaTemplates, strava_item

FakeGarmin = GarminReplay
FakeStrava = StravaReplay


__all__ = [
    "FakeGarmin",
    "FakeStrava",
    "Fault",
    "GarminAccount",
    "GarminTemplates",
    "ReplayServer",
    "StravaTemplates",
    "exercise_sets_payload",
    "garmin_item",
    "load_garmin_templates",
    "load_strava_templates",
    "make_jwt",
    "strava_item",
]
