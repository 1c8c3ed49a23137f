"""Exercise names, normalised to slugs so that `Back Squat`, `squat` and `back squat` are one
exercise in every total."""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches

# Synonyms people and devices use, by slug of what they typed.
SYNONYMS: dict[str, str] = {
    "squat": "back_squat",
    "back_squat": "back_squat",
    "barbell_squat": "back_squat",
    "barbell_back_squat": "back_squat",
    "high_bar_squat": "back_squat",
    "low_bar_squat": "back_squat",
    "bs": "back_squat",
    "front_squat": "front_squat",
    "barbell_front_squat": "front_squat",
    "fs": "front_squat",
    "goblet_squat": "goblet_squat",
    "dumbbell_goblet_squat": "goblet_squat",
    "kettlebell_goblet_squat": "goblet_squat",
    "bss": "bulgarian_split_squat",
    "bulgarian_split_squat": "bulgarian_split_squat",
    "bulgarian_squat": "bulgarian_split_squat",
    "rear_foot_elevated_split_squat": "bulgarian_split_squat",
    "rfess": "bulgarian_split_squat",
    "split_squat": "split_squat",
    "guided_squat": "guided_squat",
    "smith_squat": "guided_squat",
    "smith_machine_squat": "guided_squat",
    "pistol_squat": "pistol_squat",
    "single_leg_squat": "single_leg_squat",
    "deadlift": "deadlift",
    "dl": "deadlift",
    "barbell_deadlift": "deadlift",
    "conventional_deadlift": "deadlift",
    "romanian_deadlift": "romanian_deadlift",
    "rdl": "romanian_deadlift",
    "lunge": "lunge",
    "lunges": "lunge",
    "walking_lunge": "lunge",
    "walking_lunges": "lunge",
    "dumbbell_lunge": "lunge",
    "step_up": "step_up",
    "step_ups": "step_up",
    "hip_thrust": "hip_thrust",
    "barbell_hip_thrust": "hip_thrust",
    "calf_raise": "calf_raise",
    "calf_raises": "calf_raise",
    "bench": "bench_press",
    "bench_press": "bench_press",
    "barbell_bench_press": "bench_press",
}


def slugify(name: str) -> str:
    """`Back Squat ` -> `back_squat`; accents dropped, any run of other characters -> `_`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def normalise_exercise(name: str) -> str:
    """The canonical slug of an exercise; an unknown name is kept as its own slug."""
    slug = slugify(name)
    return SYNONYMS.get(slug, slug)


def is_squat(exercise: str) -> bool:
    """Any squat variant (back, front, goblet, guided, split, single-leg...)."""
    return "squat" in exercise


KNOWN_EXERCISES: frozenset[str] = frozenset(SYNONYMS) | frozenset(SYNONYMS.values())
TYPO_CUTOFF = 0.92
"""How alike (difflib's ratio) an unknown name must be to a known one to be taken for a typo:
`bak_squat` (0.95) is one, `hack_squat` (0.90, a real machine squat) is not."""


def nearest_known_exercise(slug: str) -> str | None:
    """The known exercise an unknown slug most likely misspells (`bak_squat` -> `back_squat`),
    None when it is known or like none of them (a real exercise we have no synonym for)."""
    if slug in KNOWN_EXERCISES:
        return None
    if slug.endswith("s") and slug[:-1] in KNOWN_EXERCISES:  # a plural: `squats`
        return SYNONYMS.get(slug[:-1], slug[:-1])
    close = get_close_matches(slug, sorted(KNOWN_EXERCISES), n=1, cutoff=TYPO_CUTOFF)
    return SYNONYMS.get(close[0], close[0]) if close else None
