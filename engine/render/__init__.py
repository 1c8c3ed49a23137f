"""Plan rendering: the JSON document of the architecture doc, Markdown an athlete reads in ten
seconds, and an ICS calendar event. Pure: the time stamp an ICS file needs is a parameter."""

from engine.render.changes import Change, notice_line, plan_changes
from engine.render.ics import plan_ics, plan_uid
from engine.render.json import plan_json
from engine.render.markdown import plan_markdown

__all__ = [
    "Change",
    "notice_line",
    "plan_changes",
    "plan_ics",
    "plan_json",
    "plan_markdown",
    "plan_uid",
]
