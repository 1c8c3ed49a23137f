"""Plan rendering: JSON of the architecture doc's shape, Markdown, ICS, and the weekly diff."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from engine.prescription import prescribe
from engine.render import plan_changes, plan_ics, plan_json, plan_markdown, plan_uid
from tests.engine.cases import state

STAMP = datetime(2025, 10, 5, 21, 0, tzinfo=UTC)
# The keys of the architecture doc's `plan --format json` example, in its order.
DOC_KEYS = [
    "athlete",
    "week",
    "date",
    "skip",
    "variant",
    "warmup",
    "sets",
    "reps",
    "weight_kg",
    "target_rir",
    "supervised",
    "rules",
    "advice",
    "provisional",  # issue 10: true while the week before the planned week still runs
]

case_3 = state(body_weight_kg=70, weight_kg=60, rir=4, weeks_since_increase=2)
case_9 = state(
    body_weight_kg=70,
    weight_kg=60,
    rir=3,
    weeks_since_increase=4,
    race_in_days=6,
    race_priority="B",
)
case_7 = state(experience="experienced", body_weight_kg=80, weight_kg=100, rir=3, race_in_days=10)


def test_json_has_exactly_the_documented_shape() -> None:
    document = plan_json("Ann", "2025-W41", prescribe(case_3))
    assert list(document) == DOC_KEYS
    assert document["date"] == "2025-10-08"
    assert document["warmup"] == {"sets": 1, "reps": 8, "weight_kg": 32.5}
    assert (document["sets"], document["reps"], document["weight_kg"]) == (2, 8, 65.0)
    assert document["target_rir"] == "2-3"
    assert document["supervised"] is False
    assert [rule["id"] for rule in document["rules"]] == ["R4", "R8", "R13", "R14"]
    assert all(set(rule) == {"id", "reason"} and rule["reason"] for rule in document["rules"])
    assert document["provisional"] is False
    assert json.loads(json.dumps(document)) == document


def test_a_provisional_plan_says_so_in_json_and_markdown() -> None:
    early = dataclasses.replace(case_3, provisional=True)
    assert plan_json("Ann", "2025-W41", prescribe(early))["provisional"] is True
    assert "_Provisional:" in plan_markdown("Ann", "2025-W41", prescribe(early))
    assert "Provisional" not in plan_markdown("Ann", "2025-W41", prescribe(case_3))


def test_json_of_a_skip_has_null_session_fields() -> None:
    document = plan_json("Ann", "2025-W41", prescribe(case_7))
    assert list(document) == DOC_KEYS
    assert document["skip"] is True
    assert [document[key] for key in ("variant", "warmup", "sets", "reps", "weight_kg")] == [
        None
    ] * 5
    assert [rule["id"] for rule in document["rules"]] == ["R1"]


def test_markdown_says_what_to_do_first_then_why() -> None:
    text = plan_markdown("Ann", "2025-W41", prescribe(case_9))
    lines = text.splitlines()
    assert lines[0] == "# Squats for Ann, 2025-W41: Wednesday 8 Oct 2025"
    assert lines[2] == "**Back squat: 1 x 6 @ 52.5 kg, RIR ≥ 3**"
    assert lines[3] == "- Warm-up: 1 x 8 @ 25 kg"
    assert text.index("## Why") > text.index("Warm-up")
    assert "- **R2** B race" in text


def test_markdown_of_a_skip_and_of_a_single_leg_session() -> None:
    assert "**No squats this week: just run.**" in plan_markdown(
        "Ann", "2025-W41", prescribe(case_7)
    )
    single = state(
        experience="experienced", body_weight_kg=80, weight_kg=100, single_leg=True, rir=2
    )
    text = plan_markdown("Bo", "2025-W41", prescribe(single))
    assert "**Bulgarian split squat: 3 x 8/leg @ 50 kg total, RIR 2-3**" in text
    assert "- Warm-up: 1 x 8/leg @ 25 kg" in text


def test_ics_is_one_all_day_event_on_the_suggested_day() -> None:
    plan = prescribe(case_3)
    calendar = Calendar.from_ical(plan_ics("Ann", "2025-W41", plan, stamp=STAMP, sequence=2))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == date(2025, 10, 8)
    assert event.decoded("dtend") == date(2025, 10, 9)
    assert str(event["uid"]) == plan_uid("Ann", "2025-W41")
    assert int(event["sequence"]) == 2
    assert event.decoded("dtstamp") == STAMP
    description = str(event["description"])
    assert description.startswith("Back squat: 2 x 8 @ 65 kg, RIR 2-3\nWarm-up: 1 x 8 @ 32.5 kg")
    assert "R8: RIR 4 and 2 weeks" in description
    assert str(event["summary"]) == "Squats: Back squat: 2 x 8 @ 65 kg, RIR 2-3"


def test_the_uid_is_stable_per_athlete_and_week_so_reimport_updates() -> None:
    first = Calendar.from_ical(plan_ics("Ann Lee", "2025-W41", prescribe(case_3), stamp=STAMP))
    replanned = Calendar.from_ical(
        plan_ics("Ann Lee", "2025-W41", prescribe(case_9), stamp=STAMP + timedelta(days=1))
    )
    uid = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert uid == [str(e["uid"]) for e in replanned.walk("VEVENT")]
    assert uid[0] != plan_uid("Ann Lee", "2025-W42")
    assert uid[0] != plan_uid("ann-lee", "2025-W41")  # same slug, another athlete


def test_ics_needs_an_aware_stamp() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_ics("Ann", "2025-W41", prescribe(case_3), stamp=datetime(2025, 10, 5))


def test_changes_from_last_week_say_what_and_why() -> None:
    last_week = plan_json("Ann", "2025-W40", prescribe(case_3))
    changes = {c.field: c for c in plan_changes(last_week, prescribe(case_9))}
    assert set(changes) == {"sets", "reps", "weight_kg", "target_rir", "warmup"}
    assert (changes["weight_kg"].before, changes["weight_kg"].after) == (65.0, 52.5)
    assert changes["weight_kg"].rules == ("R2",)
    assert changes["warmup"].rules == ("R13",)
    text = plan_markdown("Ann", "2025-W41", prescribe(case_9), list(changes.values()))
    assert "## Changed since last week" in text
    assert "- sets 2 → 1, reps 8 → 6, weight 65 kg → 52.5 kg, target RIR 2-3 → >=3 (R2:" in text


def test_changes_into_a_skip_are_one_line() -> None:
    last_week = plan_json("Ann", "2025-W40", prescribe(case_3))
    changes = plan_changes(last_week, prescribe(case_7))
    assert [(c.field, c.before, c.after, c.rules) for c in changes] == [
        ("skip", False, True, ("R1",))
    ]


def test_no_previous_plan_and_an_identical_plan_have_no_changes() -> None:
    plan = prescribe(case_3)
    assert plan_changes(None, plan) == ()
    assert plan_changes(plan_json("Ann", "2025-W40", plan), plan) == ()


single_leg = state(
    experience="experienced", single_leg=True, body_weight_kg=80, weight_kg=100, rir=3
)


@pytest.mark.parametrize("case", [case_3, case_7, case_9, single_leg])
def test_a_stored_plan_renders_as_the_prescription_did(case: object) -> None:
    """The feed renders stored JSON: it must read back to the same text and JSON."""
    from engine.render.ics import description
    from engine.render.json import plan_from_json

    plan = prescribe(case)  # type: ignore[arg-type]
    document = json.loads(json.dumps(plan_json("Ann", "2025-W41", plan)))
    again = plan_from_json(document)
    assert plan_json("Ann", "2025-W41", again) == document
    assert description(again) == description(plan)
    assert again.per_leg == plan.per_leg


def test_notice_says_what_changed_and_heads_every_rendering() -> None:
    from datetime import time

    from engine.render import notice_line
    from engine.render.ics import FeedEntry, plans_feed

    before, after = prescribe(case_3), prescribe(case_9)
    changes = plan_changes(plan_json("Ann", "2025-W41", before), after)
    notice = notice_line(changes, replan=True)
    assert notice is not None and notice.startswith("Re-planned: ")
    assert "\n" not in notice and "→" in notice and "R2" in notice
    assert notice_line((), replan=True) is None
    markdown = plan_markdown("Ann", "2025-W41", after, changes, notice)
    assert markdown.splitlines()[2] == f"> **{notice}**"
    ics = plan_ics("Ann", "2025-W41", after, stamp=STAMP, notice=notice)
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["description"]).splitlines()[0] == notice
    feed = plans_feed(
        "Ann",
        [FeedEntry(week="2025-W41", plan=after, version=3, stamp=STAMP, notice=notice)],
        zone="Europe/Madrid",
        gym_time=time(18, 0),
    )
    (entry,) = Calendar.from_ical(feed).walk("VEVENT")
    assert str(entry["description"]).splitlines()[0] == notice
    assert int(entry["sequence"]) == 2 and str(entry["uid"]) == plan_uid("Ann", "2025-W41")
    assert entry["dtstart"].dt == datetime(2025, 10, 8, 18, 0, tzinfo=entry["dtstart"].dt.tzinfo)
    assert b"BEGIN:VTIMEZONE" in feed and b"TZID:Europe/Madrid" in feed
