from tests.sync_fixtures import (  # noqa: F401  (fixtures, registered by being imported here)
    clock,
    fake_garmin,
    fake_strava,
    garmin_server,
    garmin_templates,
    strava_server,
    strava_templates,
)
