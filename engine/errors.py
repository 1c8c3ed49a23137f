"""The engine's exception tree. The engine knows nothing of connectors or the CLI: a flow turns
these into exit codes and messages. Each error carries the data a caller needs."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises."""


class ParamError(EngineError, ValueError):
    """A rule parameter (or an override of one) that cannot be accepted.

    Names the field, the value and the fix, the same way `connectors.errors.InputError` does, so
    a flow can print it as is and exit 2.
    """

    def __init__(self, field: str, value: object, fix: str) -> None:
        self.field = field
        self.value = value
        self.fix = fix
        super().__init__(f"{field}={value!r} is not accepted: {fix}")


class WeekError(EngineError, ValueError):
    """An ISO week that cannot be read (`YYYY-Www`)."""

    def __init__(
        self, value: object, fix: str = "write the week as YYYY-Www, e.g. 2025-W41"
    ) -> None:
        self.field = "week"
        self.value = value
        self.fix = fix
        super().__init__(f"week={value!r} is not accepted: {fix}")
