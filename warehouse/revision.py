"""Is the warehouse at this code's schema? Answered without Alembic, so every command can ask.

Migrating is `ironmiles init`'s job (warehouse/migrate.py, which loads Alembic and every revision
module: the slow part of a start-up). Every other command only compares the `alembic_version` row
with the head revision, which is read here from the revision files' `revision = ...` and
`down_revision = ...` lines: a few small files parsed, nothing imported.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from warehouse.errors import WarehouseError

VERSIONS = Path(__file__).with_name("migrations") / "versions"


class SchemaNotCurrent(WarehouseError):
    """The warehouse's schema is not the one this code was written for (nothing was touched)."""

    def __init__(self, current: str | None, head: str, *, known: bool) -> None:
        self.current = current
        self.head = head
        if current is None:
            message = (
                f"the warehouse has no ironmiles schema yet, this ironmiles needs revision {head}: "
                "run `ironmiles init`"
            )
        elif known:
            message = (
                f"the warehouse is at revision {current}, this ironmiles needs {head}: "
                "run `ironmiles init`"
            )
        else:
            message = (
                f"the warehouse is at revision {current}, which this ironmiles (revision {head}) "
                "does not know: it was migrated by a newer ironmiles, so upgrade ironmiles"
            )
        super().__init__(message)


@cache
def revision_chain() -> tuple[str, ...]:
    """Every revision id, oldest first, ending with the head (one linear chain, as the lead
    keeps it); read from the files, so a merged revision needs no constant kept in step."""
    parents: dict[str, str | None] = {}
    for path in sorted(VERSIONS.glob("*.py")):
        ids = _assigned_ids(path)
        if "revision" in ids:
            parents[str(ids["revision"])] = ids.get("down_revision")
    children = {parent: child for child, parent in parents.items()}
    chain: list[str] = []
    at = children.get(None)
    while at is not None:
        chain.append(at)
        at = children.get(at)
    if not chain or len(chain) != len(parents):
        raise WarehouseError(f"the migrations in {VERSIONS} are not one linear chain: {parents}")
    return tuple(chain)


def head_revision() -> str:
    return revision_chain()[-1]


def _assigned_ids(path: Path) -> dict[str, str | None]:
    """The module-level `revision` and `down_revision` string (or None) assignments. Only the
    lines that start with those names are parsed: the whole files (views' SQL and all) cost
    every command start-up more than the rest of the check."""
    wanted_lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(("revision", "down_revision"))
    ]
    found: dict[str, str | None] = {}
    for node in ast.parse("\n".join(wanted_lines)).body:
        target = _single_name(node)
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        wanted = target in ("revision", "down_revision") and isinstance(value, ast.Constant)
        if wanted and isinstance(value, ast.Constant) and isinstance(value.value, str | None):
            found[str(target)] = value.value
    return found


def _single_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def stored_revision(engine: Engine) -> str | None:
    """The revision in the warehouse's `alembic_version` table; None when there is none yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return next(iter(rows), None)


def check_revision(engine: Engine) -> str:
    """The warehouse's revision, when it is this code's head; otherwise SchemaNotCurrent."""
    current = stored_revision(engine)
    head = head_revision()
    if current != head:
        raise SchemaNotCurrent(current, head, known=current in revision_chain())
    return head
