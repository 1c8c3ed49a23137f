"""The coach pages as HTML. Every value from the warehouse or the request is escaped here;
the only markup not written here is the chart's SVG, which vl-convert draws from numbers."""

from __future__ import annotations

from html import escape

from warehouse.dashboard import AthleteSummary, PlanVersion, WeekPoint

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;
text-align:left}td.n{text-align:right}.big{color:#c62828;font-weight:bold}.muted{color:#777}
form input{font-size:1rem;padding:.3rem;width:28rem}.error{color:#c62828}
"""


def page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def login_page(message: str | None) -> str:
    shown = f"<p class='error' id='login-error'>{escape(message)}</p>" if message else ""
    return page(
        "ironmiles coach login",
        "<h1>Coach login</h1>"
        f"{shown}"
        "<form method='post' action='/coach/login'>"
        "<label>Dashboard token (from <code>ironmiles coach add</code>)<br>"
        "<input type='password' name='token' id='token' autocomplete='off' required></label>"
        "<p><button type='submit' id='login'>Log in</button></p></form>",
    )


def _km(week: WeekPoint | None) -> str:
    return "-" if week is None else f"{week.distance_km:.1f}"


def _acwr(week: WeekPoint | None) -> str:
    if week is None or week.acwr is None:
        return "-"
    flag = " <span class='big'>▲ big week</span>" if week.big_week else ""
    return f"{week.acwr:.2f}{flag}"


def dashboard_page(coach: str, athletes: list[tuple[AthleteSummary, str]]) -> str:
    rows = []
    charts = []
    for summary, svg in athletes:
        name = escape(summary.name)
        race = (
            f"{escape(summary.next_race)} ({escape(str(summary.next_race_date))}, "
            f"{escape(summary.next_race_priority or '')})"
            if summary.next_race
            else "-"
        )
        plan = (
            f"{escape(summary.plan_week or '')}: {escape(summary.plan_line or '')}"
            if summary.plan_line
            else "-"
        )
        rows.append(
            f"<tr data-athlete='{name}'><td><a href='/coach/athletes/{name}'>{name}</a></td>"
            f"<td class='n'>{_km(summary.this_week)}</td>"
            f"<td class='n'>{_km(summary.last_week)}</td>"
            f"<td>{_acwr(summary.last_week)}</td><td>{race}</td><td>{plan}</td></tr>"
        )
        hidden = (
            ""
            if summary.shares_strava
            else "<p class='muted'>Weeks with Strava-only runs are hidden: this athlete does not "
            "share Strava data with you.</p>"
        )
        charts.append(
            f"<section class='chart' data-athlete='{name}'><h3>{name}</h3>{hidden}"
            f"{svg or '<p class=muted>no weeks yet</p>'}</section>"
        )
    table = (
        "<table id='athletes'><thead><tr><th>athlete</th><th>this week km</th>"
        "<th>last week km</th><th>last week ACWR</th><th>next race</th><th>current plan</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No athletes yet: <code>ironmiles athlete set NAME --coach ...</code></p>"
    )
    return page(
        f"ironmiles: {coach}",
        f"<h1>Athletes of {escape(coach)}</h1>{table}<h2>Last 16 weeks</h2>{''.join(charts)}",
    )


def athlete_page(coach: str, name: str, svg: str, plans: list[PlanVersion]) -> str:
    current = plans[0] if plans else None
    if current is None:
        plan_html = "<p>No plan yet: <code>ironmiles plan NAME</code> makes one.</p>"
    else:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in current.reasons)
        changes = "".join(f"<li>{escape(c)}</li>" for c in current.changes)
        plan_html = (
            f"<p id='current-plan'><strong>{escape(current.week)}</strong> "
            f"({escape(str(current.session_date or ''))}): {escape(current.plan_line or '')}</p>"
            f"<h3>Reasons</h3><ul id='reasons'>{reasons}</ul>"
            + (f"<h3>What changed</h3><ul>{changes}</ul>" if changes else "")
        )
    history = "".join(
        f"<tr><td>{escape(p.week)}</td><td class='n'>{p.version}</td>"
        f"<td>{escape(str(p.session_date or ''))}</td><td>{escape(p.plan_line or '')}</td>"
        f"<td>{escape(p.rules or '')}</td><td>{escape('; '.join(p.changes))}</td></tr>"
        for p in plans
    )
    return page(
        f"ironmiles: {name}",
        f"<p><a href='/coach'>← athletes of {escape(coach)}</a></p><h1>{escape(name)}</h1>"
        f"{svg}<h2>Plan</h2>{plan_html}<h2>Plan history</h2>"
        "<table id='plan-history'><thead><tr><th>week</th><th>version</th><th>date</th>"
        "<th>plan</th><th>rules</th><th>changes</th></tr></thead>"
        f"<tbody>{history}</tbody></table>",
    )
