"""One gym session from three sources (the watch's FIT file, the Garmin API, a manual CSV)
counts once in the weekly volume load; `lift unlink` makes a copy count on its own, and stays
so across a re-sync and a re-import. On SQLite and PostgreSQL, through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from garmin_fit_sdk import Profile

from connectors.replay.fit_writer import FitSpec, SessionSpec, SetSpec, fit_bytes
from tests.conftest import Cli
from tests.servers import FakeGarmin, exercise_sets_payload, garmin_item
from warehouse.lift_links import group_day

BARBELL_BACK_SQUAT = next(
    number
    for number, name in Profile["types"]["squat_exercise_name"].items()
    if name == "barbell_back_squat"
)
OFFSET = timedelta(hours=-6)  # America/Costa_Rica, no daylight saving
SETS = [(8, 60.0), (8, 60.0), (6, 70.0)]
VOLUME = sum(reps * kg for reps, kg in SETS)  # 1380 kg, each set once


@pytest.fixture
def garmin_cli(run_cli: Cli, fake_garmin: FakeGarmin, tmp_path: Path) -> Cli:
    run_cli.env.update(
        {
            "IRONMILES_SECRET_KEY": Fernet.generate_key().decode(),
            "IRONMILES_GARMIN_API_BASE": fake_garmin.base_url,
        }
    )
    added = run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone",
                    "America/Costa_Rica")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    tokens = tmp_path / "garmin_tokens.json"
    tokens.write_text(json.dumps(fake_garmin.issue_tokens("ana")))
    connected = run_cli("connect", "garmin", "ana", "--tokens-file", str(tokens))
    assert connected.exit_code == 0, connected.stderr
    return run_cli


def session_start() -> datetime:
    """Two days ago, 11:00 on the athlete's wall clock: recent enough for a re-sync's overlap."""
    local_day = (datetime.now(UTC) + OFFSET).date() - timedelta(days=2)
    return datetime(local_day.year, local_day.month, local_day.day, 17, 0, tzinfo=UTC)


def fit_file(tmp_path: Path, start: datetime) -> Path:
    sets = []
    for index, (reps, kg) in enumerate(SETS):
        sets.append(SetSpec(start=start + timedelta(seconds=60 + 130 * index), duration_s=40,
                            repetitions=reps, weight_kg=kg, category=["squat"],
                            category_subtype=[BARBELL_BACK_SQUAT]))  # fmt: skip
    session = SessionSpec(start=start, timer_s=1500.0, elapsed_s=1500.0, sport="training",
                          sub_sport="strength_training")  # fmt: skip
    path = tmp_path / "strength.fit"
    path.write_bytes(fit_bytes(FitSpec(sessions=[session], sets=sets, local_offset=OFFSET)))
    return path


def csv_file(tmp_path: Path, day: date) -> Path:
    path = tmp_path / "lifts.csv"
    rows = [f"{day},back squat,{i},{reps},{kg},2" for i, (reps, kg) in enumerate(SETS, 1)]
    path.write_text("date,exercise,set,reps,weight_kg,rir\n" + "\n".join(rows) + "\n")
    return path


def week_volume(cli: Cli, day: date) -> float:
    weeks = json.loads(cli("weekly", "ana", "--weeks", "4", "--format", "json").stdout)
    iso = day.isocalendar()
    (week,) = [w for w in weeks if w["week"] == f"{iso.year}-W{iso.week:02d}"]
    return float(week["volume_load_kg"])


def lifts(cli: Cli) -> list[dict[str, Any]]:
    listed = cli("lift", "list", "ana", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    return rows


def test_one_session_from_three_sources_counts_once_and_unlink_sticks(
    garmin_cli: Cli, fake_garmin: FakeGarmin, tmp_path: Path
) -> None:
    start = session_start()
    day = (start + OFFSET).date()
    gid = 21_900_000_001
    item = garmin_item(fake_garmin.templates, gid, start, type_key="strength_training",
                       parent_type_id=29, duration_s=1500.0)  # fmt: skip
    fake_garmin.add_runs("ana", [item])
    fake_garmin.account("ana").exercise_sets[str(gid)] = exercise_sets_payload(
        gid, start + timedelta(seconds=60),
        [("barbell_back_squat", reps, kg) for reps, kg in SETS],
    )  # fmt: skip

    imported = garmin_cli("import", "ana", str(fit_file(tmp_path, start)))
    assert imported.exit_code == 0, imported.stderr
    assert week_volume(garmin_cli, day) == VOLUME
    synced = garmin_cli("sync", "--source", "garmin")
    assert synced.exit_code == 0, synced.stderr
    csv = csv_file(tmp_path, day)
    assert garmin_cli("lift", "import", "ana", str(csv)).exit_code == 0

    rows = lifts(garmin_cli)
    assert sorted(r["source"] for r in rows) == ["fit"] * 3 + ["garmin"] * 3 + ["manual"] * 3
    garmin_ids = [r["id"] for r in rows if r["source"] == "garmin"]
    # Garmin's copy is the canonical one; the file's and the typed sets point at it, in order.
    for source in ("fit", "manual"):
        assert [r["canonical_id"] for r in rows if r["source"] == source] == garmin_ids
    assert week_volume(garmin_cli, day) == VOLUME
    # The plan reads Garmin's sets with the RIR the athlete typed (the watch records none).
    plan = json.loads(garmin_cli("plan", "ana", "--format", "json").stdout)
    reasons = " ".join(rule["reason"] for rule in plan["rules"])
    assert plan["sets"] and "no RIR logged" not in reasons
    table = garmin_cli("lift", "list", "ana").stdout
    assert "linked to" in table and str(garmin_ids[0]) in table

    # A wrong link undone: the typed session counts on its own, twice the volume in all.
    manual_id = next(r["id"] for r in rows if r["source"] == "manual")
    unlinked = garmin_cli("lift", "unlink", str(manual_id), "--session")
    assert unlinked.exit_code == 0, unlinked.stderr
    assert "unlinked 3 set(s)" in unlinked.stdout
    assert week_volume(garmin_cli, day) == 2 * VOLUME
    # A re-sync and a re-import of the same CSV leave the decision alone.
    assert garmin_cli("sync", "--source", "garmin").exit_code == 0
    assert garmin_cli("lift", "import", "ana", str(csv)).exit_code == 0
    again = lifts(garmin_cli)
    assert [r["canonical_id"] for r in again if r["source"] == "manual"] == [
        r["id"] for r in again if r["source"] == "manual"
    ]
    assert week_volume(garmin_cli, day) == 2 * VOLUME
    assert garmin_cli("lift", "unlink", "999999").exit_code == 2


def test_sets_that_differ_are_not_linked(run_cli: Cli, tmp_path: Path) -> None:
    assert run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone",
                   "America/Costa_Rica").exit_code == 0  # fmt: skip
    start = session_start()
    day = (start + OFFSET).date()
    assert run_cli("import", "ana", str(fit_file(tmp_path, start))).exit_code == 0
    # The same day typed with a heavier last set and an extra warm-up first: the warm-up and
    # the 72.5 kg set are sets of their own; the two matching sets link, in order.
    path = tmp_path / "other.csv"
    path.write_text("date,exercise,set,reps,weight_kg\n"
                    f"{day},back squat,1,10,20\n{day},back squat,2,8,60\n"
                    f"{day},back squat,3,8,60\n{day},back squat,4,6,72.5\n")  # fmt: skip
    assert run_cli("lift", "import", "ana", str(path)).exit_code == 0
    rows = lifts(run_cli)
    fit_ids = [r["id"] for r in rows if r["source"] == "fit"]
    manual = [r for r in rows if r["source"] == "manual"]
    assert [r["canonical_id"] for r in manual] == [manual[0]["id"], fit_ids[0], fit_ids[1],
                                                   manual[3]["id"]]  # fmt: skip
    assert week_volume(run_cli, day) == VOLUME + 10 * 20 + 6 * 72.5


class _Set:
    def __init__(self, id: int, source: str, reps: int, kg: float, exercise: str = "x") -> None:
        self.id, self.source, self.reps, self.weight_kg = id, source, reps, kg
        self.exercise, self.session_id, self.set_index = exercise, hash(source) % 7, id


def test_grouping_prefers_garmin_then_the_file_then_manual() -> None:
    sets = [_Set(1, "manual", 8, 60.0), _Set(2, "fit", 8, 60.0), _Set(3, "garmin", 8, 60.02),
            _Set(4, "manual", 5, 60.0), _Set(5, "fit", 8, 60.0, exercise="y")]  # fmt: skip
    groups = sorted([[s.id for s in g] for g in group_day(sets)])
    assert groups == [[3, 2, 1], [4], [5]]


def test_an_edited_or_deleted_file_set_survives_a_reimport_of_a_changed_file(
    run_cli: Cli, tmp_path: Path
) -> None:
    assert run_cli("athlete", "add", "ana", "--body-weight", "62", "--timezone",
                   "America/Costa_Rica").exit_code == 0  # fmt: skip
    start = session_start()
    first = fit_file(tmp_path, start)
    assert run_cli("import", "ana", str(first)).exit_code == 0
    one, two, _three = (r["id"] for r in lifts(run_cli))
    assert run_cli("lift", "edit", str(one), "--reps", "10").exit_code == 0
    assert run_cli("lift", "delete", str(two)).exit_code == 0
    # The watch's file again with other bytes (the same recording: device and creation time).
    changed = tmp_path / "changed.fit"
    changed.write_bytes(first.read_bytes())
    sets = [SetSpec(start=start + timedelta(seconds=60 + 130 * i), duration_s=41, repetitions=r,
                    weight_kg=kg, category=["squat"], category_subtype=[BARBELL_BACK_SQUAT])
            for i, (r, kg) in enumerate(SETS)]  # fmt: skip
    session = SessionSpec(start=start, timer_s=1500.0, elapsed_s=1500.0, sport="training",
                          sub_sport="strength_training", avg_hr=99)  # fmt: skip
    changed.write_bytes(fit_bytes(FitSpec(sessions=[session], sets=sets, local_offset=OFFSET)))
    assert changed.read_bytes() != first.read_bytes()
    assert run_cli("import", "ana", str(changed)).exit_code == 0
    rows = lifts(run_cli)
    assert [(r["id"], r["reps"]) for r in rows] == [(one, 10), (_three, 6)]


def test_ctrl_c_during_a_sync_keeps_the_stored_pages_and_a_rerun_resumes(
    garmin_cli: Cli, fake_garmin: FakeGarmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.source_runs

    start = session_start()
    fake_garmin.add_runs("ana", [garmin_item(fake_garmin.templates, 21_900_000_002, start)])
    real = flows.source_runs._store

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(flows.source_runs, "_store", interrupted)
    stopped = garmin_cli("sync", "--source", "garmin")
    assert stopped.exit_code == 130
    assert stopped.stderr.count("\n") == 1 and "run `ironmiles sync` again" in stopped.stderr
    monkeypatch.setattr(flows.source_runs, "_store", real)
    resumed = garmin_cli("sync", "--source", "garmin")
    assert resumed.exit_code == 0, resumed.stderr
    listed = json.loads(garmin_cli("activity", "list", "ana", "--format", "json").stdout)
    assert [a["source_id"] for a in listed] == ["21900000002"]
