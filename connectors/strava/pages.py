"""Strava page iterator: /athlete/activities?after=..., 200 per page, oldest first."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime

from connectors.errors import TooManyPages, UpstreamChanged
from connectors.records import Activity
from connectors.source import MalformedItem, Skipped, SyncPage
from connectors.strava.client import StravaApi
from connectors.strava.mapping import map_activity

log = logging.getLogger(__name__)

PER_PAGE = 200  # Strava's maximum: fewest calls against the per-application budget
DEFAULT_MAX_PAGES = 250  # 50,000 activities


def iter_activity_pages(
    api: StravaApi,
    *,
    after: datetime,
    max_pages: int = DEFAULT_MAX_PAGES,
    per_page: int = PER_PAGE,
) -> Iterator[SyncPage]:
    """Pages of activities that start after `after` (aware), each mapped, oldest first.

    With `after`, Strava lists oldest first, which is what makes the per-page watermark safe; a
    page that breaks that order stops the sync (UpstreamChanged) rather than skip items.
    """
    watermark: datetime | None = None
    for page_no in range(1, max_pages + 1):
        calls_before = api.calls
        items = api.activities_page(after, page_no, per_page)
        if not isinstance(items, list):
            raise UpstreamChanged(f"Strava activity list is not a list: {type(items).__name__}")
        activities: list[Activity] = []
        skipped: list[Skipped] = []
        for item in items:
            try:
                if not isinstance(item, Mapping):
                    raise MalformedItem("?", "list item is not an object")
                activity = map_activity(item)
            except MalformedItem as bad:
                log.warning("Strava item %s skipped: %s", bad.source_id, bad.reason)
                skipped.append(Skipped(bad.source_id, bad.reason))
                continue
            if watermark is not None and activity.start_utc < watermark:
                raise UpstreamChanged("Strava activity list is not in ascending order")
            watermark = activity.start_utc
            activities.append(activity)
        yield SyncPage(
            activities=tuple(activities),
            skipped=tuple(skipped),
            watermark=watermark,
            calls=api.calls - calls_before,
        )
        if len(items) < per_page:
            return
    raise TooManyPages(f"Strava activity list did not end within {max_pages} pages")
