"""The weekly-load computation in DuckDB SQL, for the benchmark's comparison.

Same definitions as engine.load (coaching-rules.md section 1), written the way a competent
analyst would in SQL: window functions for the spike lookback and the 4-week mean. DuckDB has
no EWMA, so the weekly recurrence E_w = b E_(w-1) + S_w is the closed form
b^w * sum(b^-k S_k): exact, but b^-w overflows a double past about 270 weeks for the 7-day
span, so this path is only valid for histories up to five years (the benchmark's).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl

from engine.load import LoadParams

SQL = """
WITH runs AS (
    SELECT athlete_id, local_date,
           coalesce(corrected_distance_m, distance_m, 0) / 1000.0 AS km,
           coalesce(moving_s, 0) AS moving_s, rpe
    FROM activities
    WHERE sport = 'run' AND (canonical_id IS NULL OR canonical_id = id)
      AND local_date <= $through
),
spiked AS (
    SELECT *,
           coalesce(km > (1 + $spike_margin) * max(km) OVER (
               PARTITION BY athlete_id ORDER BY local_date
               RANGE BETWEEN INTERVAL ($lookback) DAY PRECEDING AND INTERVAL 1 DAY PRECEDING
           ), false) AS spike
    FROM runs
),
running AS (
    SELECT athlete_id, CAST(date_trunc('week', local_date) AS DATE) AS week_start,
           sum(km) AS distance_km, count(*) AS runs, sum(moving_s) AS moving_s,
           max(km) AS long_run_km, count(*) FILTER (WHERE spike) AS spike_runs,
           sum(km * $a_acute * pow(1 - $a_acute, 7 - isodow(local_date))) AS acute_in,
           sum(km * $a_chronic * pow(1 - $a_chronic, 7 - isodow(local_date))) AS chronic_in
    FROM spiked GROUP BY ALL
),
strength AS (
    SELECT athlete_id, CAST(date_trunc('week', performed_on) AS DATE) AS week_start,
           sum(reps * weight_kg * CASE WHEN exercise IN ('bulgarian_split_squat', 'lunge',
               'split_squat', 'step_up', 'pistol_squat') OR starts_with(exercise, 'single_leg_')
               THEN 2 ELSE 1 END) AS volume_load_kg,
           max(weight_kg) FILTER (WHERE contains(exercise, 'squat')) AS squat_top_kg,
           max(CASE WHEN reps + coalesce(rir, 0) <= $e1rm_max_reps
                    THEN weight_kg * (1 + (reps + coalesce(rir, 0)) / 30.0) END)
               FILTER (WHERE contains(exercise, 'squat')) AS e1rm_kg
    FROM lift_sets
    WHERE NOT coalesce(warmup, false) AND reps >= 1 AND performed_on <= $through
    GROUP BY ALL
),
daily_srpe AS (
    SELECT athlete_id, local_date, sum(srpe) AS load FROM (
        SELECT athlete_id, local_date, rpe * moving_s / 60.0 AS srpe
        FROM runs WHERE rpe IS NOT NULL
        UNION ALL
        SELECT athlete_id, performed_on, rpe * duration_s / 60.0
        FROM lift_sessions
        WHERE rpe IS NOT NULL AND duration_s IS NOT NULL AND performed_on <= $through
    ) GROUP BY ALL
),
srpe AS (
    SELECT athlete_id, week_start, srpe_load,
           CASE WHEN var > 1e-9 * (srpe_load / 7) ^ 2 THEN (srpe_load / 7) / sqrt(var) END
               AS monotony
    FROM (
        SELECT athlete_id, CAST(date_trunc('week', local_date) AS DATE) AS week_start,
               sum(load) AS srpe_load, sum(load * load) / 7 - (sum(load) / 7) ^ 2 AS var
        FROM daily_srpe GROUP BY ALL
    )
),
firsts AS (
    SELECT athlete_id, min(d) AS first_date FROM (
        SELECT athlete_id, local_date AS d FROM activities WHERE local_date <= $through
        UNION ALL
        SELECT athlete_id, performed_on FROM lift_sets WHERE performed_on <= $through
        UNION ALL
        SELECT athlete_id, performed_on FROM lift_sessions WHERE performed_on <= $through
    ) GROUP BY ALL
),
spine AS (
    SELECT athlete_id, CAST(unnest(generate_series(
               CAST(date_trunc('week', first_date) AS TIMESTAMP),
               CAST($last_monday AS TIMESTAMP), INTERVAL 7 DAY)) AS DATE) AS week_start,
           CAST(date_trunc('week', first_date) AS DATE) AS first_monday
    FROM firsts
),
weeks AS (
    SELECT s.athlete_id, s.week_start,
           datediff('day', s.first_monday, s.week_start) // 7 AS week_index,
           coalesce(r.distance_km, 0) AS distance_km, coalesce(r.runs, 0) AS runs,
           coalesce(r.moving_s, 0) AS moving_s, coalesce(r.long_run_km, 0) AS long_run_km,
           coalesce(r.spike_runs, 0) AS spike_runs,
           coalesce(r.acute_in, 0) AS acute_in, coalesce(r.chronic_in, 0) AS chronic_in,
           coalesce(st.volume_load_kg, 0) AS volume_load_kg, st.squat_top_kg, st.e1rm_kg,
           coalesce(sr.srpe_load, 0) AS srpe_load, sr.monotony,
           sr.srpe_load * sr.monotony AS strain
    FROM spine s
    LEFT JOIN running r USING (athlete_id, week_start)
    LEFT JOIN strength st USING (athlete_id, week_start)
    LEFT JOIN srpe sr USING (athlete_id, week_start)
),
windowed AS (
    SELECT *,
           CASE WHEN week_index >= $n - 1 THEN avg(distance_km) OVER (
               PARTITION BY athlete_id ORDER BY week_start
               ROWS BETWEEN $n - 1 PRECEDING AND CURRENT ROW) END AS avg4_km,
           pow($b_acute, week_index) * sum(acute_in * pow($b_acute, -week_index)) OVER w
               AS acute,
           pow($b_chronic, week_index) * sum(chronic_in * pow($b_chronic, -week_index)) OVER w
               AS chronic
    FROM weeks
    WINDOW w AS (PARTITION BY athlete_id ORDER BY week_start
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT athlete_id, week_start, strftime(week_start, '%G-W%V') AS week,
       distance_km, CAST(runs AS BIGINT) AS runs, moving_s, long_run_km, avg4_km,
       CASE WHEN avg4_km > 0 THEN distance_km / avg4_km END AS acwr,
       CASE WHEN week_index >= $n - 1 AND chronic > 1e-9 THEN acute / chronic END AS acwr_ewma,
       coalesce(distance_km / nullif(avg4_km, 0) > $big, false) AS big_week,
       CAST(spike_runs AS BIGINT) AS spike_runs, monotony, strain,
       CAST(volume_load_kg AS DOUBLE) AS volume_load_kg, squat_top_kg, e1rm_kg, srpe_load
FROM windowed
ORDER BY athlete_id, week_start
"""


def weekly_load_duckdb(
    con: duckdb.DuckDBPyConnection, through: date, params: LoadParams | None = None
) -> pl.DataFrame:
    """Run the SQL over tables or registered frames named activities, lift_sets and
    lift_sessions on `con`; returns a polars frame shaped like engine.load's result."""
    p = params or LoadParams()
    a_acute, a_chronic = p.ewma_acute_alpha, p.ewma_chronic_alpha
    args = {
        "through": through,
        "last_monday": through - timedelta(days=through.weekday()),
        "spike_margin": p.spike_margin,
        "lookback": p.spike_lookback_days,
        "a_acute": a_acute,
        "a_chronic": a_chronic,
        "b_acute": (1 - a_acute) ** 7,
        "b_chronic": (1 - a_chronic) ** 7,
        "e1rm_max_reps": p.e1rm_max_reps,
        "n": p.chronic_weeks,
        "big": p.big_week_acwr,
    }
    return pl.from_arrow(con.sql(SQL, params=args).to_arrow_table())  # type: ignore[return-value]
