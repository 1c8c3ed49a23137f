"""`ironmiles sync`: the nightly job (flows/nightly.py), run now, in this process.

The CLI runs the units in sequence, without Prefect: Prefect's ephemeral API takes about 25 s
to start, which a person running `ironmiles sync` should not wait for. It publishes no events
(there is no Prefect to publish to): they wait in the outbox for the flow.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from connectors.source import SOURCE_NAMES, SourceName
from flows.cli.common import TableOrJson, console, err_console, print_json
from flows.nightly import InSequence, run_nightly
from flows.planning import deliver_stored_plans
from flows.settings import load_settings
from flows.source_runs import SourceOutcome, deps_from_settings, quiet_library_loggers
from flows.strava_push import handle_pending
from flows.workout_push import push_line


class SourceChoice(StrEnum):
    garmin = "garmin"
    strava = "strava"
    all = "all"


def _sources(choice: SourceChoice) -> tuple[SourceName, ...]:
    return SOURCE_NAMES if choice is SourceChoice.all else (choice.value,)  # type: ignore[return-value]


def sync(
    athlete: Annotated[str | None, typer.Option(help="Only this athlete")] = None,
    source: Annotated[SourceChoice, typer.Option(help="garmin, strava or all")] = SourceChoice.all,
    format: Annotated[TableOrJson, typer.Option()] = TableOrJson.table,
) -> None:
    """Fetch what is new from every connected source and store it once; prints a summary.

    Exit 1 when a source failed unexpectedly; a token that needs a new `connect` or a spent
    Strava budget is reported in the summary (and in sync_state) without failing the run.
    """
    quiet_library_loggers()
    settings = load_settings()
    deps = deps_from_settings(settings)
    try:
        # Strava push events a crash or an outage left in the outbox are acted on first.
        acted = handle_pending(deps)
        if acted:
            err_console.print(f"{len(acted)} pending Strava push event(s) acted on")
        night = run_nightly(
            deps,
            athlete=athlete,
            sources=_sources(source),
            runner=InSequence(),
            deliver=lambda: deliver_stored_plans(deps.engine, settings, now=deps.clock()),
        )
    finally:
        deps.engine.dispose()
    outcomes = night.outcomes
    err_console.print(night.followed.summary())
    for push in night.pushed:
        err_console.print(f"Garmin workouts of {push.athlete}: {push_line(push)}", markup=False)
    if format is TableOrJson.json:
        print_json([o.as_dict() for o in outcomes])
    else:
        _print_summary(outcomes)
    if any(o.status == "error" for o in outcomes):
        raise typer.Exit(1)


def _print_summary(outcomes: list[SourceOutcome]) -> None:
    if not outcomes:
        err_console.print(
            "nothing to sync: connect a source with `ironmiles connect garmin|strava NAME`"
        )
        return
    table = Table("athlete", "source", "status", "new", "seen", "lift sets", "weigh-ins",
                  "skipped", "calls", "note")  # fmt: skip
    for o in outcomes:
        note = o.error or ""
        if o.status in ("needs_reauth", "revoked"):
            note = f"run `ironmiles connect {o.source} {o.athlete}` ({note})"
        table.add_row(o.athlete, o.source, o.status, str(o.activities_added),
                      str(o.activities_seen), str(o.lift_sets_added), str(o.body_weights),
                      str(o.skipped), str(o.calls), note)  # fmt: skip
    console.print(table)
