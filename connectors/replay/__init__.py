"""What the demo and the tests use in place of the outside world, shipped with the package:
local replay servers that speak the real Garmin Connect and Strava API shapes (`ironmiles demo`
runs the real connectors against them with the hand-written templates of templates.py, and the
tests run them with real recorded responses), FIT files written with garmin-fit-sdk's Encoder
(fit_writer.py) and the demo's season of watch files (season.py).

Like every connector it stores nothing: the real importers and clients read what it serves.
"""
