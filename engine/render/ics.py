"""The plan as one all-day calendar event on the suggested day.

The UID depends only on the athlete and the week, so importing next night's re-plan updates
the event instead of adding a second one; SEQUENCE (the plan's revision) and DTSTAMP tell the
calendar which copy is newer. A skipped week is an event too, so a session imported earlier
is replaced by "no squats" rather than left standing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.prescription.model import Prescription
from engine.render.changes import Change, changes_text
from engine.render.phrases import headline, warmup_text

if TYPE_CHECKING:
    from icalendar import Calendar, Event

PRODID = "-//ironmiles//squat plan//EN"
SESSION_LENGTH = timedelta(minutes=45)  # warm-up, two or three sets with rests, a margin


def plan_uid(athlete: str, week: str) -> str:
    """Stable per athlete and week: a readable slug plus a digest of the exact name (two names
    with the same slug must not share events)."""
    slug = re.sub(r"[^a-z0-9]+", "-", athlete.lower()).strip("-") or "athlete"
    digest = hashlib.sha256(athlete.encode()).hexdigest()[:10]
    return f"squat-{week}-{slug}-{digest}@ironmiles"


def plan_ics(
    athlete: str,
    week: str,
    plan: Prescription,
    *,
    stamp: datetime,
    sequence: int = 0,
    changes: Sequence[Change] = (),
    notice: str | None = None,
) -> bytes:
    """`stamp` is when the plan was made (timezone-aware); `sequence` its revision number."""
    calendar = _calendar()
    calendar.add_component(
        _event(
            athlete,
            week,
            plan,
            stamp=stamp,
            sequence=sequence,
            text=description(plan, changes, notice),
        )
    )
    return bytes(calendar.to_ical())


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One stored plan in an athlete's feed: its latest version, when it was made, and the
    lines of what changed (stored with it)."""

    week: str
    plan: Prescription
    version: int
    stamp: datetime
    notice: str | None = None
    changes: tuple[str, ...] = ()


def plans_feed(
    athlete: str,
    entries: Sequence[FeedEntry],
    *,
    zone: str,
    gym_time: time,
    session_length: timedelta = SESSION_LENGTH,
) -> bytes:
    """Every entry as an event at the athlete's gym time on their wall clock (`zone`, an IANA
    name; the VTIMEZONE is included). The UID is `plan_ics`'s, so a calendar that imported one
    plan updates it from the feed; SEQUENCE is the plan's version - 1, and only grows."""
    calendar = _calendar()
    calendar.add("x-wr-calname", f"Squats: {athlete}")
    calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    tz = ZoneInfo(zone)
    for entry in entries:
        lines = list(entry.changes)
        text = description(entry.plan, (), entry.notice)
        if lines and not entry.notice:
            text += "\n\nChanged since last week:\n" + "\n".join(lines)
        start = None if entry.plan.skip else datetime.combine(entry.plan.date, gym_time, tzinfo=tz)
        calendar.add_component(
            _event(
                athlete,
                entry.week,
                entry.plan,
                stamp=entry.stamp,
                sequence=entry.version - 1,
                text=text,
                start=start,
                length=session_length,
            )
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _calendar() -> Calendar:
    # Imported here: only an ICS plan needs icalendar, and `ironmiles plan` answers in Markdown
    # by default (benchmarks/cli_latency.py).
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    return calendar


def _event(
    athlete: str,
    week: str,
    plan: Prescription,
    *,
    stamp: datetime,
    sequence: int,
    text: str,
    start: datetime | None = None,
    length: timedelta = SESSION_LENGTH,
) -> Event:
    """All day on the planned date unless `start` (aware) is given; a skip is always all day."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    from icalendar import Event

    event = Event()
    event.add("uid", plan_uid(athlete, week))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    if start is None:
        event.add("dtstart", plan.date)
        event.add("dtend", plan.date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        event.add("dtstart", start)
        event.add("dtend", start + length)
        event.add("transp", "OPAQUE")
    event.add("summary", f"Squats: {headline(plan)}" if not plan.skip else "No squats this week")
    event.add("description", text)
    return event


def description(
    plan: Prescription, changes: Sequence[Change] = (), notice: str | None = None
) -> str:
    """The notice (what changed and why) first: a calendar preview shows the top line."""
    lines = [notice] if notice else []
    lines.append(headline(plan))
    if not plan.skip and plan.warmup is not None:
        lines.append(warmup_text(plan.warmup, plan.per_leg))
    if plan.supervised:
        lines.append("Supervised: a coach or partner watches your form.")
    lines += list(plan.advice)
    lines += ["", "Why:", *[f"{fired.rule}: {fired.reason}" for fired in plan.rules]]
    if changes:
        lines += ["", "Changed since last week:", *changes_text(list(changes))]
    return "\n".join(lines)
