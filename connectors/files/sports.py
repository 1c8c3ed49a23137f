"""Which sport family an activity file's own type words belong to."""

from __future__ import annotations

import re

from connectors.files.sport_words import TYPE_FAMILIES, family_from_words, strava_type_key
from connectors.records import SportFamily

_FIT_FAMILIES: dict[str, SportFamily] = {
    "running": "run",
    "cycling": "ride",
    "e_biking": "ride",
    "walking": "walk",
    "hiking": "walk",
    "swimming": "swim",
}
_STRENGTH_SUB_SPORTS = frozenset({"strength_training"})


def fit_sport_family(sport: object, sub_sport: object) -> SportFamily:
    """FIT session sport and sub-sport (SDK enum names) to our family.

    Every running sub-sport (treadmill, trail, track, indoor, virtual) is a run: the legs carry the
    same load. A strength session is `training` with the `strength_training` sub-sport; other
    training (yoga, breathing, cardio) is not lifting.
    """
    family = _FIT_FAMILIES.get(str(sport))
    if family is not None:
        return family
    if str(sub_sport) in _STRENGTH_SUB_SPORTS:
        return "strength"
    return "other"


def snake_case(text: object) -> str | None:
    """`Trail Run` -> `trail_run`, `VirtualRide` -> `virtual_ride`; None or blank -> None."""
    if text is None:
        return None
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(text).strip())
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", words).strip("_").lower()
    return slug or None


def named_sport_family(name: str | None) -> SportFamily:
    """A type word (GPX `<type>`, TCX `Sport`, a Strava activity type in any of its languages)
    to our family; `other` when it names no sport we count apart."""
    if not name:
        return "other"
    key = strava_type_key(name)
    if key is not None:
        return TYPE_FAMILIES.get(key, "other")
    return family_from_words(name) or "other"


def sport_from_name(name: str | None) -> SportFamily:
    """For a file that names no sport: the family a word of its name says, else `unknown`
    (stored, counted nowhere, and listed in the import summary so a person can set it)."""
    return family_from_words(name) or "unknown"
