"""The plan as Markdown: what to do first (one bold line, the warm-up), then why."""

from __future__ import annotations

from collections.abc import Sequence

from engine.prescription.model import Prescription
from engine.render.changes import Change, changes_text
from engine.render.phrases import day_text, headline, warmup_text


def plan_markdown(
    athlete: str,
    week: str,
    plan: Prescription,
    changes: Sequence[Change] = (),
    notice: str | None = None,
) -> str:
    """`notice`: the one line saying what changed and why; it heads the plan."""
    lines = [f"# Squats for {athlete}, {week}: {day_text(plan)}", ""]
    if notice:
        lines += [f"> **{notice}**", ""]
    if plan.provisional:
        lines += [
            "_Provisional: the week before is still running, so this plan is made again "
            "once it ends._",
            "",
        ]
    lines.append(f"**{headline(plan)}**")
    if not plan.skip:
        if plan.warmup is not None:
            lines.append(f"- {warmup_text(plan.warmup, plan.per_leg)}")
        if plan.supervised:
            lines.append("- With a coach or training partner watching your form.")
    if plan.advice:
        lines += ["", *[f"> {advice}" for advice in plan.advice]]
    lines += ["", "## Why", *[f"- **{f.rule}** {f.reason}" for f in plan.rules]]
    if changes:
        lines += [
            "",
            "## Changed since last week",
            *[f"- {line}" for line in changes_text(list(changes))],
        ]
    return "\n".join(lines) + "\n"
