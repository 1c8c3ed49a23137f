"""Garmin page iterators: the activity list from a start date, oldest first, one page at a time,
with multisport legs and strength sets resolved inside the page that lists them."""

from __future__ import annotations

import logging
from collections.abc import Container, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from connectors.errors import TooManyPages, UpstreamChanged
from connectors.garmin.client import GarminApi
from connectors.garmin.mapping import (
    activity_id_of,
    child_ids,
    is_multisport_parent,
    is_strength,
    map_detail,
    map_exercise_sets,
    map_list_item,
    map_weigh_ins,
    parse_naive,
)
from connectors.records import Activity, LiftSet
from connectors.source import MalformedItem, Skipped, SyncPage

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 100
DEFAULT_MAX_PAGES = 500  # 50,000 activities: more than any athlete; past it something loops


def _skip(bad: MalformedItem) -> Skipped:
    log.warning("Garmin item %s skipped: %s", bad.source_id, bad.reason)
    return Skipped(bad.source_id, bad.reason)


def _start_of(item: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_naive(item.get("startTimeGMT")).replace(tzinfo=UTC)
    except ValueError:
        return None


def iter_activity_pages(
    api: GarminApi,
    *,
    since: date,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_pages: int = DEFAULT_MAX_PAGES,
    details_known: Container[str] = frozenset(),
) -> Iterator[SyncPage]:
    """Pages of activities whose local start date is `since` or later, oldest first.

    `details_known` holds the ids whose strength sets or multisport legs are already stored, so
    a re-fetch of the overlap window does not spend a call per strength session again.
    """
    offset = 0
    watermark: datetime | None = None
    for _ in range(max_pages):
        calls_before = api.calls
        items = api.activities_page(since.isoformat(), None, offset, page_size)
        if not isinstance(items, list):
            raise UpstreamChanged(f"Garmin activity list is not a list: {type(items).__name__}")
        listed = {str(i.get("activityId")) for i in items if isinstance(i, Mapping)}
        activities: list[Activity] = []
        lifts: list[LiftSet] = []
        skipped: list[Skipped] = []
        for item in items:
            if not isinstance(item, Mapping):
                skipped.append(_skip(MalformedItem("?", "list item is not an object")))
                continue
            try:
                if is_multisport_parent(item):
                    activities.extend(_legs(api, item, listed, details_known))
                else:
                    activity = map_list_item(item)
                    activities.append(activity)
                    if is_strength(item) and activity.source_id not in details_known:
                        sets = api.exercise_sets(activity.source_id)
                        lifts.extend(map_exercise_sets(activity, sets))
            except MalformedItem as bad:
                skipped.append(_skip(bad))
                continue
            start = _start_of(item)
            if start is not None:
                if watermark is not None and start < watermark:
                    # Our per-page watermark is only safe when the list is oldest first.
                    raise UpstreamChanged("Garmin activity list is not in ascending order")
                watermark = start
        yield SyncPage(
            activities=tuple(activities),
            lift_sets=tuple(lifts),
            skipped=tuple(skipped),
            watermark=watermark,
            calls=api.calls - calls_before,
        )
        if len(items) < page_size:
            return
        offset += page_size
    raise TooManyPages(f"Garmin activity list did not end within {max_pages} pages")


def _legs(
    api: GarminApi, parent: Mapping[str, Any], listed: set[str], details_known: Container[str]
) -> list[Activity]:
    """A multisport parent's legs (each stored with parent_source_id); the parent is dropped so
    its distance is not counted twice. Legs already in the same list page come from there."""
    parent_id = activity_id_of(parent)
    if parent_id in details_known:
        return []
    ids = child_ids(parent)
    if not ids:
        ids = child_ids(api.activity(parent_id))
    legs = []
    for child in ids:
        if child in listed:
            continue
        leg = map_detail(api.activity(child))
        legs.append(leg if leg.parent_source_id else _with_parent(leg, parent_id))
    return legs


def _with_parent(leg: Activity, parent_id: str) -> Activity:
    return replace(leg, parent_source_id=parent_id)


def fetch_weigh_ins(api: GarminApi, *, since: date, until: date) -> SyncPage:
    """Weigh-ins between two dates (one call; Garmin does not page them)."""
    calls_before = api.calls
    payload = api.weigh_ins(since.isoformat(), until.isoformat())
    if not isinstance(payload, Mapping):
        raise UpstreamChanged("Garmin weigh-ins response is not an object")
    weights, bad = map_weigh_ins(payload)
    return SyncPage(
        body_weights=tuple(weights),
        skipped=tuple(_skip(b) for b in bad),
        calls=api.calls - calls_before,
    )
