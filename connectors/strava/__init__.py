"""Strava through `stravalib` (imported only inside this package)."""
