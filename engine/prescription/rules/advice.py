"""Rules that fire on every session, unless skipped: the warm-up (R13), timing advice (R14),
and the year's share of weeks with squats (R15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.prescription.model import Effect, Warmup
from engine.prescription.params import RuleParams
from engine.prescription.rules.common import WEEKDAYS, kg, round_down
from engine.prescription.state import AthleteState
from engine.prescription.weeks import shift_week, week_monday, week_of


def r13_warmup_weight(weight_kg: float, params: RuleParams) -> float:
    """1 x 8 at max(bar, 0.5 x working weight) rounded down; body weight (0.0) when the
    working weight is the bar or less. Never above the working weight, so never above the cap
    once the working weight is under it."""
    if weight_kg <= params.bar_kg:
        return 0.0
    return max(params.bar_kg, round_down(weight_kg * params.warmup_factor, params.round_kg))


def r13_warmup(weight_kg: float, per_leg: bool, params: RuleParams) -> Effect:
    warm = r13_warmup_weight(weight_kg, params)
    warmup = Warmup(sets=params.warmup_sets, reps=params.warmup_reps, weight_kg=warm)
    leg = "/leg" if per_leg else ""
    what = (
        "body-weight squats"
        if warm == 0
        else f"max(bar, {params.warmup_factor:g} x {kg(weight_kg)}) rounded down = {kg(warm)}"
    )
    return Effect(
        rule="R13",
        reason=f"one warm-up set: {params.warmup_sets} x {params.warmup_reps}{leg}, {what}",
        warmup=warmup,
    )


def r14_timing(state: AthleteState) -> Effect:
    day = WEEKDAYS[state.planned_date.weekday()]
    return Effect(
        rule="R14",
        reason=f"{day} {state.planned_date.isoformat()} is the gym day",
        date=state.planned_date,
        advice=(
            f"{day}: squat after a hard run the same day (at least 3 h apart), at least 48 h "
            "before the next key session or race, never on the long-run day."
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SquatShare:
    weeks_with_squats: int
    window_weeks: int

    @property
    def share(self) -> float:
        return self.weeks_with_squats / self.window_weeks if self.window_weeks else 0.0


def squat_share(
    weeks: frozenset[str],
    planned_week: str,
    params: RuleParams,
    history_start: date | None = None,
) -> SquatShare:
    """Share of the trailing `squat_share_weeks` completed weeks (W-52 .. W-1) with a squat
    session, counted only from the athlete's first recorded squat (or, with no squat at all,
    the first week the warehouse knows them): weeks before they used the tool say nothing
    about how regularly they squat."""
    window = [
        shift_week(planned_week, -offset) for offset in range(params.squat_share_weeks, 0, -1)
    ]
    first_squat = min((week_monday(week) for week in weeks), default=None)
    start = first_squat if first_squat is not None else history_start
    if start is not None:
        monday = week_monday(week_of(start))
        window = [week for week in window if week_monday(week) >= monday]
    return SquatShare(
        weeks_with_squats=sum(1 for week in window if week in weeks),
        window_weeks=len(window),
    )


def r15_share(state: AthleteState, params: RuleParams) -> Effect | None:
    if state.squat_weeks is None:
        return None
    share = squat_share(state.squat_weeks, week_of(state.planned_date), params, state.history_start)
    if share.window_weeks < params.squat_share_min_history_weeks:
        return None
    low = share.share < params.squat_share_min
    # Too many weeks is a yearly matter: 13 weeks in a row are fine if breaks follow, so
    # "above" needs more squat weeks than the maximum share of the whole trailing year.
    high = share.weeks_with_squats > params.squat_share_max * params.squat_share_weeks
    if not (low or high):
        return None
    text = (
        f"squats in {share.weeks_with_squats} of the last {share.window_weeks} weeks "
        f"({share.share:.0%}): {'below' if low else 'above'} the "
        f"{params.squat_share_min:.0%}-{params.squat_share_max:.0%} of the year the coach aims for"
    )
    return Effect(
        rule="R15",
        reason=text,
        advice=(
            "Squat more regularly: once a week for most of the year."
            if low
            else "Plan some weeks without the gym: squats 60-80 % of the year, not all of it."
        ),
    )
