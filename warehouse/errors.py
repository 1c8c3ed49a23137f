"""Warehouse errors; the CLI turns `BadInput` subclasses into exit code 2."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base of the warehouse's errors."""


class UnknownStoredValue(WarehouseError):
    """A stored value outside the vocabulary this code knows (written by hand, or by another
    version): refused rather than read as something else."""

    def __init__(self, what: str, field: str, value: object, known: tuple[str, ...], fix: str):
        self.field = field
        self.value = value
        super().__init__(
            f"{what} has {field}={value!r} stored, which is not one of {', '.join(known)}: {fix}"
        )


class BadInput(WarehouseError):
    """A request the warehouse refuses because of what was asked (nothing was written)."""


class UnknownAthlete(BadInput):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"athlete={name!r} is not known: add it with `ironmiles athlete add {name} ...` "
            "or check `ironmiles athlete list`"
        )


class AlreadyExists(BadInput):
    pass


class NotFound(BadInput):
    pass
