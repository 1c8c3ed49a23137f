"""Garmin Connect through `garminconnect` (imported only inside this package)."""
