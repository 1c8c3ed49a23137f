from __future__ import annotations

import pytest

from connectors.exercises import is_squat, normalise_exercise, slugify


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Back Squat", "back_squat"),
        ("squat", "back_squat"),
        ("back squat", "back_squat"),
        ("  BACK   SQUAT ", "back_squat"),
        ("BSS", "bulgarian_split_squat"),
        ("Bulgarian split squat", "bulgarian_split_squat"),
        ("goblet squat", "goblet_squat"),
        ("Front Squat", "front_squat"),
        ("deadlift", "deadlift"),
        ("Lunges", "lunge"),
        ("RDL", "romanian_deadlift"),
        ("Nordic curl", "nordic_curl"),
        ("Sentadilla búlgara", "sentadilla_bulgara"),
    ],
)
def test_names_normalise_to_slugs(typed: str, slug: str) -> None:
    assert normalise_exercise(typed) == slug


def test_symbols_alone_give_an_empty_slug() -> None:
    assert slugify("!!! ---") == ""


def test_squat_variants_are_squats_and_others_are_not() -> None:
    assert all(map(is_squat, ["back_squat", "bulgarian_split_squat", "guided_squat"]))
    assert not any(map(is_squat, ["deadlift", "lunge", "hip_thrust"]))
