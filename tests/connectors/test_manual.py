"""The lift CSV parser: every line either parses or names the line, field, value and fix."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.errors import InputError
from connectors.manual import parse_lift_csv, parse_race, parse_timezone

TODAY = date(2026, 1, 8)
HEADER = "date,exercise,set,reps,weight_kg,rir,rpe,notes\n"


def test_a_valid_file_gives_every_set_normalised() -> None:
    text = HEADER + (
        "2026-01-07,Back Squat,1,8,60,2,,\n"
        '2026-01-07,back squat,2,8,60,2,7.5,"heavy, but clean"\n'
        "2026-01-06,BSS,1,8,20,,,\n"
    )
    sets = parse_lift_csv(text, unit="kg", today=TODAY)
    assert [(s.exercise, s.set_index, s.reps, s.weight_kg, s.rir, s.rpe) for s in sets] == [
        ("back_squat", 1, 8, 60.0, 2, None),
        ("back_squat", 2, 8, 60.0, 2, 7.5),
        ("bulgarian_split_squat", 1, 8, 20.0, None, None),
    ]
    assert sets[1].notes == "heavy, but clean"
    assert {s.source for s in sets} == {"manual"}
    assert len({s.source_id for s in sets}) == 3


def test_optional_columns_may_be_left_out_and_a_bom_is_ignored() -> None:
    sets = parse_lift_csv("\ufeffdate,exercise,set,reps,weight_kg\n2026-01-07,squat,1,5,100\n",
                          unit="kg", today=TODAY)  # fmt: skip
    assert (sets[0].rir, sets[0].rpe, sets[0].notes) == (None, None, None)


def test_pounds_convert_to_kg() -> None:
    sets = parse_lift_csv(HEADER + "2026-01-07,squat,1,5,135,,,\n", unit="lb", today=TODAY)
    assert sets[0].weight_kg == pytest.approx(61.23, abs=0.005)


@pytest.mark.parametrize(
    ("row", "field", "fix"),
    [
        ("2026-01-07,squat,1,0,60,,,", "reps", "1 to 100"),
        ("2026-01-07,squat,1,101,60,,,", "reps", "1 to 100"),
        ("2026-01-07,squat,1,8.5,60,,,", "reps", "whole number"),
        ("2026-01-07,squat,0,8,60,,,", "set", "1 to 20"),
        ("2026-01-07,squat,21,8,60,,,", "set", "1 to 20"),
        ("2026-01-07,squat,1,8,-1,,,", "weight_kg", "0 to 500"),
        ("2026-01-07,squat,1,8,500.5,,,", "weight_kg", "0 to 500"),
        ("2026-01-07,squat,1,8,nan,,,", "weight_kg", "0 to 500"),
        ("2026-01-07,squat,1,8,60,11,,", "rir", "0 to 10"),
        ("2026-01-07,squat,1,8,60,,0.5,", "rpe", "1 to 10"),
        ("2026-02-30,squat,1,8,60,,,", "date", "YYYY-MM-DD"),
        ("2026-01-10,squat,1,8,60,,,", "date", "ahead"),
        ("2026-01-07,   ,1,8,60,,,", "exercise", "name the exercise"),
    ],
)
def test_a_bad_value_names_line_field_value_and_fix(row: str, field: str, fix: str) -> None:
    text = HEADER + "2026-01-07,squat,1,8,60,,,\n" + row + "\n"
    with pytest.raises(InputError) as caught:
        parse_lift_csv(text, unit="kg", today=TODAY)
    error = caught.value
    assert (error.line, error.field) == (3, field)
    assert fix in error.fix
    assert f"line 3: {field}=" in str(error)


def test_tomorrow_is_allowed_for_a_late_evening_entry() -> None:
    assert parse_lift_csv(HEADER + "2026-01-09,squat,1,8,60,,,\n", unit="kg", today=TODAY)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "header"),
        ("date,exercise,set,weight_kg\n2026-01-07,squat,1,60\n", "header"),
        ("date,exercise,set,reps,weight_kg,tempo\n", "header"),
        (HEADER, "file"),
        (HEADER + "2026-01-07,squat,1,8,60,,,,extra\n", "row"),
        (HEADER + "2026-01-07,squat,1,8,60,,,\n2026-01-07,Back Squat,1,5,70,,,\n", "set"),
    ],
)
def test_structural_problems_are_input_errors(text: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_lift_csv(text, unit="kg", today=TODAY)
    assert caught.value.field == field


def test_a_quoted_note_may_span_lines() -> None:
    sets = parse_lift_csv(HEADER + '2026-01-07,squat,1,8,60,,,"first line\nsecond"\n',
                          unit="kg", today=TODAY)  # fmt: skip
    assert sets[0].notes == "first line\nsecond"


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(rows=st.lists(st.lists(cell, min_size=0, max_size=10), max_size=6))
def test_any_input_parses_completely_or_raises_input_error(rows: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows([HEADER.strip().split(","), *rows])
    try:
        sets = parse_lift_csv(out.getvalue(), unit="kg", today=TODAY)
    except InputError as error:
        problem: InputError | None = error
        sets = []
    else:
        problem = None
    if problem is not None:
        assert problem.field
        assert problem.fix
    # Everything accepted is inside the documented ranges.
    for s in sets:
        assert 1 <= s.reps <= 100 and 1 <= s.set_index <= 20 and 0 <= s.weight_kg <= 500
        assert s.rir is None or 0 <= s.rir <= 10
        assert s.rpe is None or 1 <= s.rpe <= 10
        assert s.performed_on <= date(2026, 1, 9) and s.exercise


@given(
    reps=st.integers(-5, 120),
    weight=st.floats(-10, 600, allow_nan=False),
    rir=st.one_of(st.none(), st.integers(-2, 12)),
)
def test_numeric_bounds_are_exactly_the_documented_ones(
    reps: int, weight: float, rir: int | None
) -> None:
    row = f"2026-01-07,squat,1,{reps},{weight!r},{'' if rir is None else rir},,\n"
    valid = 1 <= reps <= 100 and 0 <= weight <= 500 and (rir is None or 0 <= rir <= 10)
    try:
        parse_lift_csv(HEADER + row, unit="kg", today=TODAY)
    except InputError:
        assert not valid
    else:
        assert valid


def test_time_zones_and_races_are_validated() -> None:
    assert parse_timezone("America/New_York") == "America/New_York"
    with pytest.raises(InputError, match="timezone='Mars/Olympus'"):
        parse_timezone("Mars/Olympus")
    race = parse_race("2027-04-18", " Spring Marathon ", 42.195, "a")
    assert (race.name, race.priority) == ("Spring Marathon", "A")
    for args, field in [
        (("2027-02-30", "x", 10.0, "A"), "date"),
        (("2027-04-18", " ", 10.0, "A"), "name"),
        (("2027-04-18", "x", 0.0, "A"), "distance_km"),
        (("2027-04-18", "x", 10.0, "D"), "priority"),
    ]:
        with pytest.raises(InputError) as caught:
            parse_race(*args)  # type: ignore[arg-type]
        assert caught.value.field == field
