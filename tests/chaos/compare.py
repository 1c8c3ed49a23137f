"""The crash campaigns' comparison: a warehouse, table by table and row by row, against the one
a clean run left; and the checks made right after each kill."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, select, text

from tests.chaos.harness import engine_for
from warehouse.models import Base

# Columns that record when or how often the bookkeeping ran, not what was stored: a run that
# was killed and resumed differs there from a clean one by design.
BOOKKEEPING = {"created_at", "updated_at", "last_run_at", "published_at", "marked_at"}
# Tables left out of the comparison, and why: `rate_budget` counts API calls (a killed run made
# some twice, which is what the budget is for); `credentials` holds tokens encrypted with a
# fresh nonce at every save; `dirty_athletes` is the work queue, empty after a finished run.
SKIPPED_TABLES = {"rate_budget", "credentials", "dirty_athletes"}


# -- the comparison -------------------------------------------------------------------------------


Snapshot = dict[str, Counter[str]]
"""table -> each row (natural keys and values, as canonical JSON) -> how many times it is there."""


def snapshot(url: str, *, events_by_activity: bool = False) -> Snapshot:
    """Every table, row by row, with surrogate ids replaced by what they point at (the natural
    values of the referenced row) and bookkeeping timestamps left out.

    `events_by_activity`: an `activity.created` is compared by the real activity it announced
    (the group its row belongs to now), not by the copy it was announced with: when a source
    fails, the run goes on with the others, and a Strava copy stored before Garmin's is the one
    announced (once; Garmin's copy, arriving later, joins the group silently)."""
    with engine_for(url) as engine, engine.connect() as connection:
        tables = [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]
        raw = {t.name: [dict(r._mapping) for r in connection.execute(select(t))] for t in tables}
    signatures = {t.name: _signatures(t, raw[t.name]) for t in tables}
    canonical = {row["id"]: row["canonical_id"] for row in raw["activities"]}
    result: Snapshot = {}
    for table in tables:
        rows = Counter[str]()
        for row in raw[table.name]:
            values = {}
            for column in table.c:
                if column.name in BOOKKEEPING or (column.primary_key and column.name == "id"):
                    continue
                value = row[column.name]
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    value = signatures.get(target, {}).get(value, value)
                if table.name == "events" and column.name == "payload":
                    value = {k: v for k, v in dict(value).items() if k != "activity_id"}
                values[column.name] = value
            if events_by_activity and table.name == "events" and row["kind"] == "activity.created":
                announced = canonical.get(row["payload"]["activity_id"])
                values["dedupe_key"] = None
                values["payload"] = {"announces": signatures["activities"].get(announced)}
            rows[json.dumps(values, sort_keys=True, default=str)] += 1
        result[table.name] = _lift_batches_merged(rows) if table.name == "events" else rows
    return result


def _lift_batches_merged(rows: Counter[str]) -> Counter[str]:
    """`lift.logged` announces the sets a page (or an import) stored: a resumed run pages from
    its watermark minus the overlap, so its pages group the same sets differently. What must
    match is what was announced per athlete: every set once (the total) and every day."""
    merged: Counter[str] = Counter()
    totals: dict[str, tuple[int, set[str]]] = {}
    for row, times in rows.items():
        event = json.loads(row)
        if event["kind"] != "lift.logged":
            merged[row] += times
            continue
        sets, days = totals.get(event["athlete_id"], (0, set()))
        payload = event["payload"]
        totals[event["athlete_id"]] = (sets + payload["sets"] * times, days | set(payload["dates"]))
    for athlete, (sets, days) in totals.items():
        total = {"kind": "lift.logged", "athlete_id": athlete, "sets": sets, "dates": sorted(days)}
        merged[json.dumps(total, sort_keys=True)] += 1
    return merged


def plans_aside(table: str, row: str) -> bool:
    """Plans compared by their latest version only (`latest_plans`): a run that ended with
    part of the data (another run held a source, a source failed) planned from that, and the
    next plan, from all of it, is a new version (as after any change)."""
    return table == "plans"


def latest_plans(rows: Snapshot) -> dict[tuple[str, str], object]:
    """(athlete, week) -> the payload of the week's latest plan version."""
    latest: dict[tuple[str, str], tuple[int, object]] = {}
    for row in rows["plans"]:
        plan = json.loads(row)
        key = (plan["athlete_id"], plan["week"])
        if key not in latest or plan["version"] > latest[key][0]:
            latest[key] = (plan["version"], plan["payload"])
    return {key: payload for key, (_, payload) in latest.items()}


def _signatures(table: Table, rows: list[dict[str, Any]]) -> dict[Any, str]:
    """id -> the row's own values (no foreign keys, no id, no bookkeeping): how a reference to
    it is compared."""
    if "id" not in table.c:
        return {}
    plain = [
        c.name
        for c in table.c
        if not c.foreign_keys and c.name != "id" and c.name not in BOOKKEEPING
        and c.name not in ("raw", "payload")
    ]  # fmt: skip
    return {
        row["id"]: json.dumps({name: row[name] for name in plain}, sort_keys=True, default=str)
        for row in rows
    }


@dataclass
class Difference:
    lost: int = 0
    """Rows of the clean run missing here."""
    duplicated: int = 0
    """Rows here that the clean run has fewer of (or not at all)."""
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def compare(
    clean: Snapshot, other: Snapshot, ignore: Callable[[str, str], bool] | None = None
) -> Difference:
    """How `other` differs from `clean`, table by table; `ignore(table, row)` drops rows that
    a campaign expects to differ (and says why)."""
    found = Difference()
    for table in clean.keys() | other.keys():
        want = Counter(
            {
                r: n
                for r, n in clean.get(table, Counter()).items()
                if not (ignore and ignore(table, r))
            }
        )
        got = Counter(
            {
                r: n
                for r, n in other.get(table, Counter()).items()
                if not (ignore and ignore(table, r))
            }
        )
        lost, extra = want - got, got - want
        if lost or extra:
            found.tables[table] = (sum(lost.values()), sum(extra.values()))
            found.lost += sum(lost.values())
            found.duplicated += sum(extra.values())
            found.examples += [f"{table} lost: {r[-700:]}" for r in list(lost)[:2]]
            found.examples += [f"{table} extra: {r[-700:]}" for r in list(extra)[:2]]
    return found


def unannounced_activities(url: str) -> int:
    """Canonical activities whose group has no activity.created event: an event lost, or a
    row written without its event (both must be impossible at every moment of a crash)."""
    with engine_for(url) as engine, engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM activities c WHERE c.canonical_id = c.id AND NOT EXISTS "
                    "(SELECT 1 FROM events e JOIN activities m ON e.dedupe_key = "
                    "'activity.created:' || m.athlete_id || ':' || m.source || ':' || m.source_id "
                    "WHERE m.canonical_id = c.id)"
                )
            ).scalar_one()
        )


def table_counts(url: str, *names: str) -> dict[str, int]:
    with engine_for(url) as engine, engine.connect() as connection:
        meta = MetaData()
        return {
            name: int(
                connection.execute(
                    select(text("count(*)")).select_from(
                        Table(name, meta, autoload_with=connection)
                    )
                ).scalar_one()
            )
            for name in names
        }
