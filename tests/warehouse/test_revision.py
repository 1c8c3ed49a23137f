"""The cheap revision check every command but `init` makes, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PgDatabases
from warehouse.db import make_engine
from warehouse.migrate import head_revision as alembic_head
from warehouse.migrate import upgrade
from warehouse.revision import (
    SchemaNotCurrent,
    check_revision,
    head_revision,
    revision_chain,
    stored_revision,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    return databases.create()


def test_the_head_read_from_the_files_is_alembics() -> None:
    engine = make_engine("sqlite://")
    try:
        assert head_revision() == alembic_head(engine)
    finally:
        engine.dispose()
    assert revision_chain()[0] == "0001_foundation"
    assert len(set(revision_chain())) == len(revision_chain())


def test_an_empty_warehouse_is_told_to_run_init_and_is_left_empty(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        with pytest.raises(SchemaNotCurrent) as raised:
            check_revision(engine)
        assert raised.value.current is None
        assert "no ironmiles schema" in str(raised.value)
        assert "run `ironmiles init`" in str(raised.value)
        assert stored_revision(engine) is None  # checking created nothing
    finally:
        engine.dispose()


def test_a_migrated_warehouse_passes_and_a_foreign_revision_is_named(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        assert check_revision(engine) == head_revision()
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_later'"))
        with pytest.raises(SchemaNotCurrent) as raised:
            check_revision(engine)
        message = str(raised.value)
        assert "9999_from_later" in message and head_revision() in message
        assert "upgrade ironmiles" in message
    finally:
        engine.dispose()


def test_a_warehouse_behind_the_head_names_both_revisions() -> None:
    # With one revision there is no older one to be at; the message for a known older one
    # names both and the fix.
    error = SchemaNotCurrent("0001_foundation", "0002_next", known=True)
    assert str(error) == (
        "the warehouse is at revision 0001_foundation, this ironmiles needs 0002_next: "
        "run `ironmiles init`"
    )
