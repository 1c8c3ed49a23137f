from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from connectors.records import Activity
from warehouse.duplicates import canonical_of, group_duplicates, same_activity

T0 = datetime(2026, 1, 8, 14, 10, 21, tzinfo=UTC)


def run(
    source: str,
    sid: str,
    start: datetime = T0,
    elapsed: float | None = 2225.4,
    moving: float | None = 2223.3,
    sport: str = "run",
) -> Activity:
    return Activity(
        source=source,
        source_id=sid,
        start_utc=start,
        local_start=None,  # type: ignore[arg-type]
        sport=sport,
        elapsed_s=elapsed,
        moving_s=moving,
    )  # type: ignore[arg-type]


def test_garmin_and_strava_copy_link_and_garmin_wins() -> None:
    garmin = run("garmin", "21482825013")
    strava = run("strava", "99", start=T0 + timedelta(seconds=40), elapsed=2230.0)
    assert same_activity(garmin, strava)
    assert canonical_of([strava, garmin]) is garmin
    fit = run("fit", "x.fit")
    assert canonical_of([strava, fit]) is fit


def test_boundaries() -> None:
    base = run("garmin", "1", elapsed=1000.0)
    assert same_activity(base, run("strava", "2", start=T0 + timedelta(minutes=5), elapsed=1000.0))
    assert not same_activity(
        base, run("strava", "2", start=T0 + timedelta(minutes=5, seconds=1), elapsed=1000.0)
    )
    assert same_activity(base, run("strava", "2", elapsed=900.0))  # 10 % of the longer
    assert not same_activity(base, run("strava", "2", elapsed=899.0))
    assert not same_activity(base, run("strava", "2", sport="ride", elapsed=1000.0))
    assert not same_activity(base, base)
    assert not same_activity(base, run("strava", "2", elapsed=None, moving=None))


def test_groups_are_transitive_and_canonical_first() -> None:
    a = run("strava", "s1")
    b = run("garmin", "g1", start=T0 + timedelta(minutes=3))
    c = run("fit", "f1", start=T0 + timedelta(minutes=7))  # 4 min from b, 7 from a
    other = run("garmin", "g2", start=T0 + timedelta(hours=3))
    groups = group_duplicates([c, other, a, b])
    assert sorted([[x.source_id for x in g] for g in groups]) == [["g1", "f1", "s1"], ["g2"]]


starts = st.integers(min_value=0, max_value=3600).map(lambda s: T0 + timedelta(seconds=s))
durations = st.floats(min_value=60, max_value=20000, allow_nan=False)
sources = st.sampled_from(["garmin", "strava", "fit", "gpx"])


@given(sources, starts, durations, sources, starts, durations)
def test_rule_is_symmetric(
    s1: str, t1: datetime, d1: float, s2: str, t2: datetime, d2: float
) -> None:
    a, b = run(s1, "a", t1, d1), run(s2, "b", t2, d2)
    assert same_activity(a, b) == same_activity(b, a)


@given(st.lists(st.tuples(sources, starts, durations), min_size=1, max_size=12))
def test_groups_partition_the_input(items: list[tuple[str, datetime, float]]) -> None:
    acts = [run(s, str(i), t, d) for i, (s, t, d) in enumerate(items)]
    groups = group_duplicates(acts)
    flat = [a.source_id for g in groups for a in g]
    assert sorted(flat) == sorted(a.source_id for a in acts)
    for g in groups:
        assert g[0] is canonical_of(g)


def test_replace_keeps_identity_rules() -> None:
    g = run("garmin", "1")
    assert same_activity(g, replace(g, source="strava"))
