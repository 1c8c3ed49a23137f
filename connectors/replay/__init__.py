"""Local replay servers that speak the real Garmin Connect and Strava API shapes, shipped with
the package: `ironmiles demo` runs the real connectors against them with the hand-written
templates of templates.py, and the tests run them with real recorded responses."""
