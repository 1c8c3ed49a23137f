"""The duplicate rule, as pure functions on anything shaped like an activity.

One run often arrives twice (Garmin uploads to Strava; the athlete also imports the FIT file).
Copies are linked to one canonical activity so that every total counts the run once; the source
rows all stay. Two copies are the same activity when they belong to the same athlete (the caller
only compares one athlete's activities), are of the same sport family, start within five minutes
of each other, and their durations differ by at most 10 % of the longer one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from connectors.records import SOURCE_PREFERENCE


class Linkable(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def sport(self) -> str: ...
    @property
    def start_utc(self) -> datetime: ...
    @property
    def elapsed_s(self) -> float | None: ...
    @property
    def moving_s(self) -> float | None: ...


L = TypeVar("L", bound=Linkable)


@dataclass(frozen=True, slots=True)
class LinkRule:
    start_within: timedelta = timedelta(minutes=5)
    duration_within: float = 0.10


DEFAULT_RULE = LinkRule()


def duration_of(activity: Linkable) -> float | None:
    """Elapsed time where known (the same for every copy of one recording), else moving time."""
    return activity.elapsed_s if activity.elapsed_s is not None else activity.moving_s


def same_activity(a: Linkable, b: Linkable, rule: LinkRule = DEFAULT_RULE) -> bool:
    if (a.source, a.source_id) == (b.source, b.source_id):
        return False
    if a.sport != b.sport:
        return False
    if abs(a.start_utc - b.start_utc) > rule.start_within:
        return False
    da, db = duration_of(a), duration_of(b)
    if a.elapsed_s is not None and b.elapsed_s is not None:
        da, db = a.elapsed_s, b.elapsed_s
    elif a.moving_s is not None and b.moving_s is not None:
        da, db = a.moving_s, b.moving_s
    if da is None or db is None:
        return False
    longest = max(da, db)
    return longest == 0 or abs(da - db) <= rule.duration_within * longest


def preference(activity: Linkable) -> tuple[int, datetime, str, str]:
    """Sort key: Garmin first, then files, then Strava (SOURCE_PREFERENCE); ties stay stable."""
    rank = SOURCE_PREFERENCE.get(activity.source, len(SOURCE_PREFERENCE))
    return rank, activity.start_utc, activity.source, activity.source_id


def canonical_of(group: Sequence[L]) -> L:
    if not group:
        raise ValueError("an empty group has no canonical activity")
    return min(group, key=preference)


def group_duplicates(activities: Sequence[L], rule: LinkRule = DEFAULT_RULE) -> list[list[L]]:
    """Partition one athlete's activities into groups of copies (singletons included), each
    group ordered canonical first. Linking is transitive within a group."""
    ordered = sorted(activities, key=lambda a: (a.start_utc, preference(a)))
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, current in enumerate(ordered):
        j = i + 1
        while j < len(ordered) and ordered[j].start_utc - current.start_utc <= rule.start_within:
            if same_activity(current, ordered[j], rule):
                parent[root(j)] = root(i)
            j += 1
    groups: dict[int, list[L]] = {}
    for i, activity in enumerate(ordered):
        groups.setdefault(root(i), []).append(activity)
    return [sorted(group, key=preference) for group in groups.values()]
