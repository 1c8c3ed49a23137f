"""The dashboard's chart: the last weeks' distance against strength volume load, big weeks
marked. A Vega-Lite spec built with altair, rendered to SVG on the server by vl-convert-python.

Why server-side SVG rather than vendored vega JS: the page then needs no script at all (it works
with JavaScript off, prints, and is tested by reading the SVG), the chart ships inside a wheel
(vl-convert bundles Vega), and no CDN or asset pipeline is involved.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import vl_convert

from warehouse.dashboard import WeekPoint

BIG = "#c62828"
NORMAL = "#5c8fd6"
VOLUME = "#2e7d32"


def load_chart_spec(weeks: Sequence[WeekPoint], title: str) -> alt.LayerChart:
    values = [
        {
            "week": w.week,
            "km": round(w.distance_km, 1),
            "volume_kg": round(w.volume_load_kg, 0),
            "acwr": None if w.acwr is None else round(w.acwr, 2),
            "big": "big week" if w.big_week else "normal",
        }
        for w in weeks
    ]
    data = alt.Data(values=values)  # type: ignore[no-untyped-call]
    base = alt.Chart(data).encode(x=alt.X("week:O", title=None, sort=None))
    bars = base.mark_bar().encode(
        y=alt.Y("km:Q", title="distance (km)"),
        color=alt.Color(
            "big:N",
            scale=alt.Scale(domain=["normal", "big week"], range=[NORMAL, BIG]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        tooltip=["week:O", "km:Q", "acwr:Q", "volume_kg:Q"],
    )
    labels = base.mark_text(dy=-6, fontSize=9).encode(y="km:Q", text=alt.Text("km:Q", format=".1f"))
    volume = base.mark_line(point=True, color=VOLUME).encode(
        y=alt.Y("volume_kg:Q", title="strength volume load (kg)", axis=alt.Axis(titleColor=VOLUME))
    )
    chart: alt.LayerChart = (
        alt.layer(alt.layer(bars, labels), volume)
        .resolve_scale(y="independent")
        .properties(title=title, width=520, height=180)
    )
    return chart


def load_chart_svg(weeks: Sequence[WeekPoint], title: str) -> str:
    if not weeks:
        return ""
    return str(vl_convert.vegalite_to_svg(load_chart_spec(weeks, title).to_dict()))
