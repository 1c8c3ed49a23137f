"""Errors of the load pipeline."""

from __future__ import annotations


class LoadError(Exception):
    """Base of every error the load pipeline raises."""


class FrameSchemaError(LoadError):
    """An input frame lacks a column the pipeline needs, or a column cannot take its type."""

    def __init__(self, frame: str, column: str, problem: str) -> None:
        self.frame = frame
        self.column = column
        self.problem = problem
        super().__init__(f"{frame}.{column}: {problem}")
