"""Which sport family an activity file's own type words belong to."""

from __future__ import annotations

import re

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


# Keyword order matters: "weight training" is strength before anything else matches.
_KEYWORDS: tuple[tuple[tuple[str, ...], SportFamily], ...] = (
    (("strength", "weight"), "strength"),
    (("run", "jog"), "run"),
    (("bik", "cycl", "ride", "velo"), "ride"),
    (("walk", "hik"), "walk"),
    (("swim",), "swim"),
)


def named_sport_family(name: str | None) -> SportFamily:
    """A free-text type (GPX `<type>`, TCX `Sport`, a Strava activity type) to our family."""
    if not name:
        return "other"
    words = (snake_case(name) or "").split("_")
    for keywords, family in _KEYWORDS:
        if any(word.startswith(keyword) for word in words for keyword in keywords):
            return family
    return "other"
