"""The plan as one all-day calendar event on the suggested day.

The UID depends only on the athlete and the week, so importing next night's re-plan updates
the event instead of adding a second one; SEQUENCE (the plan's revision) and DTSTAMP tell the
calendar which copy is newer. A skipped week is an event too, so a session imported earlier
is replaced by "no squats" rather than left standing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from engine.prescription.model import Prescription
from engine.render.changes import Change, changes_text
from engine.render.phrases import headline, warmup_text

PRODID = "-//ironmiles//squat plan//EN"


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
) -> bytes:
    """`stamp` is when the plan was made (timezone-aware); `sequence` its revision number."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    # Imported here: only an ICS plan needs icalendar, and `ironmiles plan` answers in Markdown
    # by default (benchmarks/cli_latency.py).
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", plan_uid(athlete, week))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", plan.date)
    event.add("dtend", plan.date + timedelta(days=1))
    event.add("summary", f"Squats: {headline(plan)}" if not plan.skip else "No squats this week")
    event.add("description", description(plan, changes))
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def description(plan: Prescription, changes: Sequence[Change] = ()) -> str:
    lines = [headline(plan)]
    if not plan.skip and plan.warmup is not None:
        lines.append(warmup_text(plan.warmup, plan.per_leg))
    if plan.supervised:
        lines.append("Supervised: a coach or partner watches your form.")
    lines += list(plan.advice)
    lines += ["", "Why:", *[f"{fired.rule}: {fired.reason}" for fired in plan.rules]]
    if changes:
        lines += ["", "Changed since last week:", *changes_text(list(changes))]
    return "\n".join(lines)
