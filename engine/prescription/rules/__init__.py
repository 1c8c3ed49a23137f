"""The rules of coaching-rules.md section 2 (and docs/coaching-params.md), one small named
function each, grouped by what they decide:

- `windows`: whether there is a session at all and the race windows (R0, R1, R2)
- `variant`: the variant and the session basis, switches included (R3, R4, R5)
- `load`: the weight from last time and progression (R6, R7, R8, R9, R10's hold)
- `fatigue`: big run weeks and re-entry (R11, R12)
- `safety`: the cap no rule passes (R10's cut) and the loads left out (R16)
- `advice`: warm-up, timing and the year's squat share (R13, R14, R15)
"""

from engine.prescription.rules.advice import (
    SquatShare,
    r13_warmup,
    r13_warmup_weight,
    r14_timing,
    r15_share,
    squat_share,
)
from engine.prescription.rules.common import WEEKDAYS, Basis, kg, label, round_down
from engine.prescription.rules.fatigue import r11_big_week, r12_reentry
from engine.prescription.rules.load import (
    r6_failure,
    r7_hard,
    r8_progression,
    r9_rir_unknown,
    r10_cap,
)
from engine.prescription.rules.safety import r10_safety_cut, r16_ignored_loads
from engine.prescription.rules.variant import (
    basis_for,
    choose_variant,
    r3_beginner_bar,
    r3_guided,
    r3_hold,
    r4_free_bar,
    r5_single_leg,
)
from engine.prescription.rules.windows import r0_time, r1_race_skip, r2_race_reduced

__all__ = [
    "WEEKDAYS",
    "Basis",
    "SquatShare",
    "basis_for",
    "choose_variant",
    "kg",
    "label",
    "r0_time",
    "r1_race_skip",
    "r2_race_reduced",
    "r3_beginner_bar",
    "r3_guided",
    "r3_hold",
    "r4_free_bar",
    "r5_single_leg",
    "r6_failure",
    "r7_hard",
    "r8_progression",
    "r9_rir_unknown",
    "r10_cap",
    "r10_safety_cut",
    "r11_big_week",
    "r12_reentry",
    "r13_warmup",
    "r13_warmup_weight",
    "r14_timing",
    "r15_share",
    "r16_ignored_loads",
    "round_down",
    "squat_share",
]
