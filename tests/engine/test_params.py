"""Per-athlete overrides: typed, range-checked, and errors that name field, value and fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from engine.errors import ParamError
from engine.prescription import RuleParams, parse_override, prescribe
from tests.engine.cases import state


def test_defaults_are_the_documented_numbers() -> None:
    params = RuleParams()
    assert (params.bar_kg, params.round_kg, params.step_kg) == (20.0, 2.5, 5.0)
    assert (params.a_skip_days, params.a_reduced_days, params.a_skip_after_days) == (14, 21, 7)
    assert (params.b_skip_days, params.b_reduced_days, params.b_skip_after_days) == (3, 10, 2)
    assert (params.c_skip_days, params.c_reduced_days, params.c_skip_after_days) == (2, 7, 2)
    assert (params.cap_ratio, params.cap_basis) == (1.5, "working")
    assert (params.big_week_acwr, params.very_big_week_acwr) == (1.3, 1.5)
    assert params.overrides() == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a_skip_days=21", ("a_skip_days", 21)),
        (" cap_ratio = 1.25 ", ("cap_ratio", 1.25)),
        ("cap_basis=e1rm", ("cap_basis", "e1rm")),
        ("bar_kg=15", ("bar_kg", 15.0)),
    ],
)
def test_overrides_parse_to_the_parameter_type(text: str, expected: tuple[str, object]) -> None:
    name, value = parse_override(text)
    assert (name, value) == expected
    assert type(value) is type(getattr(RuleParams(), name))


@pytest.mark.parametrize(
    ("text", "field", "fix_mentions"),
    [
        ("a_skip_days=many", "a_skip_days", "whole number"),
        ("a_skip_days=2.5", "a_skip_days", "whole number"),
        ("a_skip_days=-1", "a_skip_days", "from 0 to 120"),
        ("cap_ratio=nan", "cap_ratio", "finite"),
        ("cap_ratio=9", "cap_ratio", "from 0.3 to 4"),
        ("cap_basis=1rm", "cap_basis", "working, e1rm"),
        ("no_such_rule=1", "no_such_rule", "known: min_sessions_per_week"),
        ("a_skip_days", "param", "NAME=VALUE"),
    ],
)
def test_bad_overrides_name_the_field_the_value_and_the_fix(
    text: str, field: str, fix_mentions: str
) -> None:
    with pytest.raises(ParamError) as caught:
        parse_override(text)
    assert caught.value.field == field
    assert fix_mentions in caught.value.fix
    assert field in str(caught.value)


def test_cross_field_ranges_are_checked_when_applied() -> None:
    with pytest.raises(ParamError) as caught:
        RuleParams().with_overrides({"big_week_acwr": "1.6"})
    assert caught.value.field == "big_week_acwr"
    assert "very_big_week_acwr" in caught.value.fix


def test_stored_json_overrides_round_trip() -> None:
    params = RuleParams().with_overrides({"a_skip_days": 21, "cap_ratio": 1.25})
    assert params.overrides() == {"a_skip_days": 21, "cap_ratio": 1.25}
    assert RuleParams().with_overrides(params.overrides()) == params


def test_an_override_changes_the_prescription() -> None:
    # Worked case 8 (A race in 18 days) is a reduced session by default; with the skip window
    # stretched to 21 days it becomes a skip.
    race_in_18 = state(
        experience="experienced",
        body_weight_kg=80,
        weight_kg=100,
        rir=2,
        weeks_since_increase=4,
        race_in_days=18,
    )
    assert not prescribe(race_in_18).skip
    assert prescribe(race_in_18, RuleParams().with_overrides({"a_skip_days": "21"})).skip


def outcome(apply: Callable[[], object]) -> object:
    """The result, or the ParamError raised: any other exception fails the test."""
    try:
        return apply()
    except ParamError as error:
        return error


# Random text alone is (almost) never an override: half the examples are NAME=VALUE.
overrides = st.builds(
    lambda name, value, spaces: f"{spaces}{name}{spaces}={spaces}{value}",
    st.sampled_from(sorted(RuleParams.names())),
    st.one_of(
        st.integers(min_value=0, max_value=12).map(str),  # in range for most parameters
        st.floats(min_value=0.1, max_value=1.0).map(str),
        st.integers(min_value=-5, max_value=200).map(str),
        st.floats(allow_nan=True).map(str),
        st.sampled_from(["working", "e1rm", "true", ""]),
        st.text(max_size=5),
    ),
    st.sampled_from(["", " "]),
)


@given(st.one_of(overrides, st.text(max_size=30)))
def test_any_text_either_parses_or_raises_param_error(text: str) -> None:
    parsed = outcome(lambda: parse_override(text))
    event("refused" if isinstance(parsed, ParamError) else "parsed")
    if isinstance(parsed, ParamError):
        assert parsed.fix
        return
    assert isinstance(parsed, tuple)
    name, value = parsed
    assert name in RuleParams.names()
    # Alone in range, but possibly out of order against another parameter's default.
    applied = outcome(lambda: RuleParams().with_overrides({name: value}))
    assert isinstance(applied, RuleParams) or (isinstance(applied, ParamError) and applied.fix)
