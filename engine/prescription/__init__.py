"""The squat prescription: coaching-rules.md section 2 as pure functions.

`prescribe(AthleteState, RuleParams) -> Prescription`; no I/O and no clock (the planned date
is part of the state)."""

from engine.prescription.history import SetRow, squat_history, squat_weeks
from engine.prescription.model import Fired, Prescription, TargetRir, Warmup
from engine.prescription.params import RuleParams, parse_override
from engine.prescription.prescribe import prescribe
from engine.prescription.rules import SquatShare, squat_share
from engine.prescription.state import AthleteState, RaceDay, SquatHistory, WeekLoad

__all__ = [
    "AthleteState",
    "Fired",
    "Prescription",
    "RaceDay",
    "RuleParams",
    "SetRow",
    "SquatHistory",
    "SquatShare",
    "TargetRir",
    "Warmup",
    "WeekLoad",
    "parse_override",
    "prescribe",
    "squat_history",
    "squat_share",
    "squat_weeks",
]
