"""Hand-written templates for the replay servers, in the real API shapes (the fields the real
responses carry that the connectors read, plus enough of the rest to look like them). Written
here, not recorded: the demo ships them; the tests use real recorded responses instead."""

from __future__ import annotations

from connectors.replay.garmin_server import GarminTemplates
from connectors.replay.http import Json
from connectors.replay.strava_server import StravaTemplates


def _garmin_list_item(*, elapsed_ms: bool) -> Json:
    """An item of /activitylist-service/activities/search/activities."""
    return {
        "activityId": 1,
        "activityName": "Morning Run",
        "startTimeLocal": "2026-01-05 07:00:00",
        "startTimeGMT": "2026-01-05 06:00:00",
        "activityType": {
            "typeId": 1,
            "typeKey": "running",
            "parentTypeId": 17,
            "isHidden": False,
            "restricted": False,
            "trimmable": True,
        },
        "eventType": {"typeId": 9, "typeKey": "uncategorized", "sortOrder": 10},
        "distance": 8000.0,
        "duration": 2700.0,
        "elapsedDuration": 2712500.0 if elapsed_ms else 2712.5,
        "movingDuration": 2695.0,
        "elevationGain": 42.0,
        "elevationLoss": 40.0,
        "averageSpeed": 2.963,
        "maxSpeed": 3.6,
        "ownerId": 90000001,
        "ownerDisplayName": "demo",
        "calories": 540.0,
        "averageHR": 146.0,
        "maxHR": 171.0,
        "averageRunningCadenceInStepsPerMinute": 168.0,
        "steps": 7600,
        "sportTypeId": 1,
        "deviceId": 3442857420,
        "manufacturer": "GARMIN",
        "beginTimestamp": 1767592800000,
        "hasPolyline": True,
        "lapCount": 8,
        "parent": False,
        "purposeful": False,
        "manualActivity": False,
        "pr": False,
        "autoCalcCalories": False,
        "favorite": False,
        "decoDive": False,
    }


def garmin_templates() -> GarminTemplates:
    child = {
        "activityId": 2,
        "activityName": "Run leg",
        "parentId": 3,
        "activityTypeDTO": {"typeId": 1, "typeKey": "running", "parentTypeId": 17},
        "summaryDTO": {
            "startTimeLocal": "2026-01-05T07:00:00.0",
            "startTimeGMT": "2026-01-05T06:00:00.0",
            "distance": 5000.0,
            "duration": 1650.0,
            "movingDuration": 1640.0,
            "elapsedDuration": 1660.0,
            "averageHR": 150.0,
            "maxHR": 172.0,
        },
        "metadataDTO": {"childIds": [], "isOriginal": True},
    }
    parent = {
        **child,
        "activityId": 3,
        "activityName": "Brick",
        "parentId": None,
        "activityTypeDTO": {"typeId": 89, "typeKey": "multi_sport", "parentTypeId": 4},
        "metadataDTO": {"childIds": [2], "isOriginal": True},
    }
    detail = {
        "activityId": 1,
        "activityName": "Morning Run",
        "activityTypeDTO": {"typeId": 1, "typeKey": "running", "parentTypeId": 17},
        "summaryDTO": {
            "startTimeLocal": "2026-01-05T07:00:00.0",
            "startTimeGMT": "2026-01-05T06:00:00.0",
            "distance": 8000.0,
            "duration": 2700.0,
            "movingDuration": 2695.0,
            "elapsedDuration": 2712.5,
            "averageHR": 146.0,
            "maxHR": 171.0,
        },
        "metadataDTO": {"childIds": [], "isOriginal": True},
    }
    return GarminTemplates(
        list_2026=_garmin_list_item(elapsed_ms=False),
        list_2021=_garmin_list_item(elapsed_ms=True),
        multisport_parent=parent,
        multisport_child=child,
        detail_2026=detail,
    )


def strava_templates() -> StravaTemplates:
    """A SummaryActivity of /athlete/activities and an old-schema DetailedActivity."""
    summary: Json = {
        "resource_state": 2,
        "athlete": {"id": 1, "resource_state": 1},
        "name": "Morning Run",
        "distance": 8000.0,
        "moving_time": 2690,
        "elapsed_time": 2712,
        "total_elevation_gain": 41.0,
        "type": "Run",
        "sport_type": "Run",
        "workout_type": None,
        "id": 1,
        "start_date": "2026-01-05T06:00:00Z",
        "start_date_local": "2026-01-05T07:00:00Z",
        "timezone": "(GMT+01:00) Europe/Madrid",
        "utc_offset": 3600.0,
        "location_city": None,
        "location_state": None,
        "location_country": None,
        "achievement_count": 0,
        "kudos_count": 3,
        "comment_count": 0,
        "athlete_count": 1,
        "photo_count": 0,
        "map": {"id": "a1", "summary_polyline": "", "resource_state": 2},
        "trainer": False,
        "commute": False,
        "manual": False,
        "private": False,
        "visibility": "everyone",
        "flagged": False,
        "gear_id": None,
        "start_latlng": [],
        "end_latlng": [],
        "average_speed": 2.974,
        "max_speed": 3.9,
        "average_cadence": 84.0,
        "has_heartrate": True,
        "average_heartrate": 146.0,
        "max_heartrate": 171.0,
        "heartrate_opt_out": False,
        "display_hide_heartrate_option": True,
        "elev_high": 120.0,
        "elev_low": 80.0,
        "upload_id": 2,
        "upload_id_str": "2",
        "external_id": "garmin_ping_1",
        "from_accepted_tag": False,
        "pr_count": 0,
        "total_photo_count": 0,
        "has_kudoed": False,
    }
    detail_old = {k: v for k, v in summary.items() if k != "sport_type"}
    detail_old.update(resource_state=3, description=None, calories=540.0, laps=[], splits_metric=[])
    return StravaTemplates(summary=summary, detail_old=detail_old)
