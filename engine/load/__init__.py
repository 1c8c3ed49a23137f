"""Weekly running and strength load (coaching-rules.md section 1), as pure polars transforms."""

from engine.load.errors import FrameSchemaError, LoadError
from engine.load.params import LoadParams
from engine.load.pipeline import weekly_load
from engine.load.schemas import ACTIVITIES, LIFT_SESSIONS, LIFT_SETS, WEEKLY_LOAD, empty

__all__ = [
    "ACTIVITIES",
    "LIFT_SESSIONS",
    "LIFT_SETS",
    "WEEKLY_LOAD",
    "FrameSchemaError",
    "LoadError",
    "LoadParams",
    "empty",
    "weekly_load",
]
