"""The connectors' exception tree. Third-party exceptions never leave a connector: they become
one of these, carrying the data a caller needs to decide what to do next."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every error a connector raises."""


class InputError(ConnectorError):
    """User input that cannot be accepted: names the field, the value and the fix."""

    def __init__(self, field: str, value: object, fix: str, *, line: int | None = None) -> None:
        self.field = field
        self.value = value
        self.fix = fix
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{field}={value!r} is not accepted: {fix}")


class InputErrors(InputError):
    """Several bad lines of one file, reported together (up to `shown`, then how many more)."""

    def __init__(self, errors: list[InputError], *, what: str, shown: int = 20) -> None:
        self.errors = errors
        lines = [f"  {error}" for error in errors[:shown]]
        if len(errors) > shown:
            lines.append(f"  and {len(errors) - shown} more")
        summary = (
            f"{len(errors)} bad line(s) in {what}; nothing was imported. Fix them and import again:"
        )
        super().__init__("file", what, summary)
        self.args = ("\n".join([summary, *lines]),)

    def __str__(self) -> str:
        return str(self.args[0])


class FileFormatError(ConnectorError):
    """An activity file that cannot be read at all (the reason says why)."""


class AuthExpired(ConnectorError):
    """The stored token was rejected; the athlete must connect the source again."""


class RateLimited(ConnectorError):
    """The source's rate budget is spent; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited, retry after {retry_after:.0f} s {detail}".strip())


class UpstreamChanged(ConnectorError):
    """The source answered with a shape we do not understand."""


class UpstreamUnavailable(ConnectorError):
    """The source failed (5xx, timeout) after the retries we allow."""


class ServerBusy(UpstreamUnavailable):
    """A 5xx or a timeout: worth a bounded retry, honouring the server's Retry-After."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class TooManyPages(UpstreamChanged):
    """Paging did not end within the bound we allow: the source is looping or the bound is wrong."""
