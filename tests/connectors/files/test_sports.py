from __future__ import annotations

import pytest

from connectors.files.sports import fit_sport_family, named_sport_family, snake_case


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Run", "run"), ("Trail Run", "run"), ("VirtualRun", "run"), ("running", "run"),
        ("Ride", "ride"), ("E-Bike Ride", "ride"), ("Biking", "ride"), ("cycling", "ride"),
        ("Walk", "walk"), ("Hike", "walk"), ("hiking", "walk"), ("Swim", "swim"),
        ("Weight Training", "strength"), ("Workout", "other"), ("Rowing", "other"),
        ("Yoga", "other"), ("", "other"), (None, "other"),
    ],
)  # fmt: skip
def test_named_types(name: str | None, family: str) -> None:
    assert named_sport_family(name) == family


def test_fit_sport_ints_unknown_to_the_profile_are_other() -> None:
    assert fit_sport_family(254, None) == "other"
    assert fit_sport_family("training", 200) == "other"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Trail Run", "trail_run"), ("VirtualRide", "virtual_ride"), ("treadmill", "treadmill"),
     ("  ", None), (None, None), ("E-Bike Ride", "e_bike_ride")],
)  # fmt: skip
def test_snake_case(text: str | None, slug: str | None) -> None:
    assert snake_case(text) == slug
