"""What changed from last week's plan, and why (the rules of this week's plan that decided
each changed field)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.prescription.model import Prescription
from engine.render.json import plan_json

# (JSON key, the prescription field whose rules explain it, how a person calls it)
_COMPARED = (
    ("skip", "skip", "session"),
    ("variant", "variant", "exercise"),
    ("sets", "sets", "sets"),
    ("reps", "reps", "reps"),
    ("weight_kg", "weight_kg", "weight"),
    ("target_rir", "target_rir", "target RIR"),
    ("supervised", "supervised", "supervision"),
    ("warmup", "warmup", "warm-up"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    field: str
    before: Any
    after: Any
    rules: tuple[str, ...]
    """Ids of this week's rules that decided the new value."""
    why: str


def plan_changes(previous: Mapping[str, Any] | None, current: Prescription) -> tuple[Change, ...]:
    """Each field of `current` that differs from `previous` (last week's stored plan JSON),
    with the reasons of the rules that set it. No previous plan: no changes."""
    if previous is None:
        return ()
    now = plan_json("", "", current)
    changes: list[Change] = []
    for key, field, _ in _COMPARED:
        before, after = previous.get(key), now[key]
        if before == after:
            continue
        if key != "skip" and (current.skip or previous.get("skip")):
            continue  # a skip on either side is reported once, as the session change
        explaining = (
            tuple(fired for fired in current.rules if "skip" in fired.fields)
            if field == "skip" and current.skip
            else current.explained("variant" if field == "skip" else field)
        )
        changes.append(
            Change(
                field=key,
                before=before,
                after=after,
                rules=tuple(fired.rule for fired in explaining),
                why="; ".join(f"{fired.rule}: {fired.reason}" for fired in explaining)
                or "no rule changed it this week",
            )
        )
    return tuple(changes)


def _name(key: str) -> str:
    return next(name for json_key, _, name in _COMPARED if json_key == key)


def _show(key: str, value: Any) -> str:
    if key == "skip":
        return "skipped" if value else "squat session"
    if key == "weight_kg" and isinstance(value, int | float):
        return f"{value:g} kg"
    if key == "warmup" and isinstance(value, Mapping):
        weight = value.get("weight_kg") or 0
        return (
            "body weight"
            if not weight
            else f"{value.get('sets')} x {value.get('reps')} @ {weight:g} kg"
        )
    if key == "variant" and isinstance(value, str):
        return value.replace("_", " ")
    return str(value)


def notice_line(changes: tuple[Change, ...] | list[Change], *, replan: bool) -> str | None:
    """The one line that heads the plan wherever it is shown: what changed and why. `replan`:
    compared with the earlier version of the same week (else with last week's plan)."""
    if not changes:
        return None
    head = "Re-planned" if replan else "Changed since last week"
    return f"{head}: " + "; ".join(changes_text(list(changes)))


def changes_text(changes: tuple[Change, ...] | list[Change]) -> list[str]:
    """One line per group of changes decided by the same rules, so a reason is said once:
    `sets 2 → 1, reps 8 → 6: R2: B race ...`."""
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        groups.setdefault(change.rules, []).append(change)
    return [
        ", ".join(
            f"{_name(c.field)} {_show(c.field, c.before)} → {_show(c.field, c.after)}"
            for c in group
        )
        + f" ({group[0].why})"
        for group in groups.values()
    ]
