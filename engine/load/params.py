"""The load pipeline's parameters: every number of coaching-rules.md section 1, none buried."""

from __future__ import annotations

from dataclasses import dataclass

SINGLE_LEG_EXERCISES: frozenset[str] = frozenset(
    {"bulgarian_split_squat", "lunge", "split_squat", "step_up", "pistol_squat"}
)
"""Exercises whose reps are counted per leg (besides every `single_leg_*` slug)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadParams:
    """Defaults from coaching-rules.md section 1; a coach may change any of them."""

    chronic_weeks: int = 4
    """Weeks in the coupled chronic window (`avg4_km`), this week included."""
    big_week_acwr: float = 1.3
    """`big_week` is `acwr > big_week_acwr` (Hulin 2016, Gabbett 2016)."""
    chronic_min_run_weeks: int = 3
    """A chronic base needs running in at least this many of the `chronic_weeks` weeks (all of
    them when the window is shorter);
    without one, acwr and acwr_ewma are null and big_week is false (docs/coaching-params.md)."""
    chronic_min_avg4_km: float = 10.0
    """... and a 4-week mean of at least this many km: a 1 km jog after empty weeks is not a
    big week with ACWR 4.0."""
    ewma_acute_days: int = 7
    ewma_chronic_days: int = 28
    """EWMA spans N in days; the smoothing factor is 2 / (N + 1) (Williams 2017)."""
    spike_margin: float = 0.10
    """A run is a spike when longer than (1 + margin) x the longest run of the lookback."""
    spike_lookback_days: int = 30
    e1rm_max_reps: int = 12
    """Epley is only trusted for reps + RIR up to this."""
    squat_marker: str = "squat"
    """An exercise slug containing this is a squat variant."""
    single_leg_exercises: frozenset[str] = SINGLE_LEG_EXERCISES
    single_leg_prefix: str = "single_leg_"

    def __post_init__(self) -> None:
        if self.chronic_weeks < 1:
            raise ValueError(f"chronic_weeks must be >= 1, got {self.chronic_weeks}")
        if self.ewma_acute_days < 1 or self.ewma_chronic_days < 1:
            raise ValueError("EWMA spans must be >= 1 day")
        if self.chronic_min_run_weeks < 0:
            raise ValueError(
                f"chronic_min_run_weeks must be >= 0, got {self.chronic_min_run_weeks}"
            )
        if self.chronic_min_avg4_km < 0:
            raise ValueError(f"chronic_min_avg4_km must be >= 0, got {self.chronic_min_avg4_km}")
        if self.spike_lookback_days < 1:
            raise ValueError(f"spike_lookback_days must be >= 1, got {self.spike_lookback_days}")

    @property
    def ewma_acute_alpha(self) -> float:
        return 2.0 / (self.ewma_acute_days + 1)

    @property
    def ewma_chronic_alpha(self) -> float:
        return 2.0 / (self.ewma_chronic_days + 1)
