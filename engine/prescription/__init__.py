"""The squat prescription: coaching-rules.md section 2 as pure functions.

`prescribe(AthleteState, RuleParams) -> Prescription`; no I/O and no clock (the planned date
is part of the state).

Where the doc is silent, these readings were chosen (each is a parameter or one function):
- Composition: every rule proposes from the same basis and the most conservative value wins
  per field, so a race window and a re-entry do not compound (both say x 0.9, one set fewer).
- A variant switch (the chosen variant differs from the last logged one) holds the weight;
  bilateral <-> single leg converts by `single_leg_factor`; a switch back to bilateral is also
  held under the cap.
- The cap for a single-leg variant is the bilateral cap x `single_leg_factor`; with
  `cap_basis=e1rm` the cap is on the Epley e1RM of `reps` at RIR `target_rir_min`.
- "Weeks since the last increase" counts from the latest session whose working weight rose
  (a variant change counts as a new start; a history that never rose counts from its start).
- No squat logged yet: the empty bar, hold, and ask for the RIR (R9).
- The suggested day is the athlete's gym day; no rule moves it (R14 gives timing advice). A
  skipped week keeps the date, so a calendar event can say "no squats" on it.
- R15 judges the completed weeks W-52..W-1, shrunk to the weeks since the first recorded
  squat (or the first known week), and stays silent before `squat_share_min_history_weeks`.
- Safety (R10) comes after every other rule: the composed weight is cut to the cap, so no
  rule can pass it; the warm-up is derived from the cut weight.
- Sets that may not drive a plan (implausible or watch-guessed, unconfirmed) are filtered by
  `squat_inputs` and named by R16 (docs/coaching-params.md).
"""

from engine.prescription.history import SetRow, squat_history, squat_weeks
from engine.prescription.model import Fired, Prescription, TargetRir, Warmup
from engine.prescription.params import RuleParams, parse_override
from engine.prescription.plausibility import SquatInputs, implausible_reason, squat_inputs
from engine.prescription.prescribe import prescribe
from engine.prescription.rules import SquatShare, squat_share
from engine.prescription.state import AthleteState, IgnoredSet, RaceDay, SquatHistory, WeekLoad

__all__ = [
    "AthleteState",
    "Fired",
    "IgnoredSet",
    "Prescription",
    "RaceDay",
    "RuleParams",
    "SetRow",
    "SquatHistory",
    "SquatInputs",
    "SquatShare",
    "TargetRir",
    "Warmup",
    "WeekLoad",
    "implausible_reason",
    "parse_override",
    "prescribe",
    "squat_history",
    "squat_inputs",
    "squat_share",
    "squat_weeks",
]
