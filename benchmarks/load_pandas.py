"""The weekly-load computation as a straightforward pandas program, for the comparison.

Same definitions as engine.load, written the way pandas code usually is: boolean masks,
groupby-agg, groupby-rolling on a time offset for the spike lookback, merges onto a spine of
weeks, groupby-ewm for the EWMA. No tricks either way.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from engine.load import LoadParams

SINGLE_LEG = ["bulgarian_split_squat", "lunge", "split_squat", "step_up", "pistol_squat"]
KEYS = ["athlete_id", "week_start"]


def weekly_load_pandas(
    acts: pd.DataFrame,
    sets: pd.DataFrame,
    sessions: pd.DataFrame,
    through: date,
    params: LoadParams | None = None,
) -> pd.DataFrame:
    p = params or LoadParams()
    end = pd.Timestamp(through)
    acts = acts[acts["local_date"] <= end]
    sets = sets[sets["performed_on"] <= end]
    sessions = sessions[sessions["performed_on"] <= end]

    counts = acts["canonical_id"].isna() | (acts["canonical_id"] == acts["id"])
    runs = acts[(acts["sport"] == "run") & counts].copy()
    distance = runs["corrected_distance_m"].fillna(runs["distance_m"]).fillna(0.0)
    runs["km"] = distance / 1000.0
    runs["moving_s"] = runs["moving_s"].fillna(0.0)
    runs = runs.sort_values(["athlete_id", "local_date"], kind="stable").reset_index(drop=True)
    longest_before = (
        runs.groupby("athlete_id")
        .rolling(f"{p.spike_lookback_days}D", on="local_date", closed="left")["km"]
        .max()
    )
    runs["spike"] = runs["km"].to_numpy() > longest_before.to_numpy() * (1 + p.spike_margin)
    dow = runs["local_date"].dt.dayofweek
    runs["week_start"] = runs["local_date"] - pd.to_timedelta(dow, unit="D")
    for name, alpha in (("acute_in", p.ewma_acute_alpha), ("chronic_in", p.ewma_chronic_alpha)):
        runs[name] = runs["km"] * alpha * (1 - alpha) ** (6 - dow)
    running = runs.groupby(KEYS).agg(
        distance_km=("km", "sum"),
        runs=("km", "size"),
        moving_s=("moving_s", "sum"),
        long_run_km=("km", "max"),
        spike_runs=("spike", "sum"),
        acute_in=("acute_in", "sum"),
        chronic_in=("chronic_in", "sum"),
    )

    work = sets[~sets["warmup"].fillna(False).astype(bool) & (sets["reps"] >= 1)].copy()
    single = work["exercise"].isin(SINGLE_LEG) | work["exercise"].str.startswith("single_leg_")
    work["volume"] = work["reps"] * work["weight_kg"] * np.where(single, 2, 1)
    squat = work["exercise"].str.contains(p.squat_marker, regex=False)
    to_failure = work["reps"] + work["rir"].fillna(0)
    work["e1rm"] = (work["weight_kg"] * (1 + to_failure / 30)).where(
        squat & (to_failure <= p.e1rm_max_reps)
    )
    work["squat_kg"] = work["weight_kg"].where(squat)
    work["week_start"] = work["performed_on"] - pd.to_timedelta(
        work["performed_on"].dt.dayofweek, unit="D"
    )
    strength = work.groupby(KEYS).agg(
        volume_load_kg=("volume", "sum"), squat_top_kg=("squat_kg", "max"), e1rm_kg=("e1rm", "max")
    )

    rated_runs = runs[runs["rpe"].notna()]
    rated_lifts = sessions[sessions["rpe"].notna() & sessions["duration_s"].notna()]
    loads = pd.concat(
        [
            pd.DataFrame(
                {
                    "athlete_id": rated_runs["athlete_id"],
                    "day": rated_runs["local_date"],
                    "srpe": rated_runs["rpe"] * rated_runs["moving_s"] / 60,
                }
            ),
            pd.DataFrame(
                {
                    "athlete_id": rated_lifts["athlete_id"],
                    "day": rated_lifts["performed_on"],
                    "srpe": rated_lifts["rpe"] * rated_lifts["duration_s"] / 60,
                }
            ),
        ]
    )
    daily = loads.groupby(["athlete_id", "day"], as_index=False)["srpe"].sum()
    daily["week_start"] = daily["day"] - pd.to_timedelta(daily["day"].dt.dayofweek, unit="D")
    daily["sq"] = daily["srpe"] ** 2
    srpe = daily.groupby(KEYS).agg(srpe_load=("srpe", "sum"), sq=("sq", "sum"))
    mean = srpe["srpe_load"] / 7
    var = srpe["sq"] / 7 - mean**2
    srpe["monotony"] = (mean / np.sqrt(var.clip(lower=0))).where(var > 1e-9 * mean**2)
    srpe["strain"] = srpe["srpe_load"] * srpe["monotony"]

    firsts = pd.concat(
        [
            acts.groupby("athlete_id")["local_date"].min(),
            sets.groupby("athlete_id")["performed_on"].min(),
            sessions.groupby("athlete_id")["performed_on"].min(),
        ]
    )
    firsts = firsts.groupby(level=0).min()
    last_monday = pd.Timestamp(through - timedelta(days=through.weekday()))
    spine = pd.concat(
        [
            pd.DataFrame(
                {
                    "athlete_id": athlete,
                    "week_start": pd.date_range(
                        first - pd.Timedelta(days=first.dayofweek), last_monday, freq="7D"
                    ),
                }
            )
            for athlete, first in firsts.items()
        ],
        ignore_index=True,
    )
    weeks = (
        spine.merge(running.reset_index(), on=KEYS, how="left")
        .merge(strength.reset_index(), on=KEYS, how="left")
        .merge(srpe.drop(columns="sq").reset_index(), on=KEYS, how="left")
    )
    zeros = ["distance_km", "runs", "moving_s", "long_run_km", "spike_runs"]
    zeros += ["acute_in", "chronic_in", "volume_load_kg", "srpe_load"]
    weeks[zeros] = weeks[zeros].fillna(0)
    weeks = weeks.sort_values(KEYS).reset_index(drop=True)
    by_athlete = weeks.groupby("athlete_id")
    weeks["week_index"] = by_athlete.cumcount()
    n = p.chronic_weeks
    window = sum(by_athlete["distance_km"].shift(i) for i in range(n)) / n
    weeks["avg4_km"] = window.where(weeks["week_index"] >= n - 1)
    weeks["acwr"] = (weeks["distance_km"] / weeks["avg4_km"]).where(weeks["avg4_km"] > 0)
    weeks["big_week"] = weeks["acwr"] > p.big_week_acwr
    for name, alpha in (("acute", p.ewma_acute_alpha), ("chronic", p.ewma_chronic_alpha)):
        b = (1 - alpha) ** 7
        smoothed = by_athlete[f"{name}_in"].ewm(alpha=1 - b, adjust=True).mean()
        weeks[name] = smoothed.to_numpy() * (1 - b ** (weeks["week_index"] + 1)) / (1 - b)
    enough = (weeks["week_index"] >= n - 1) & (weeks["chronic"] > 1e-9)
    weeks["acwr_ewma"] = (weeks["acute"] / weeks["chronic"]).where(enough)
    weeks["week"] = weeks["week_start"].dt.strftime("%G-W%V")
    return weeks
