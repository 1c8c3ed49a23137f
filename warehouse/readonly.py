"""`ironmiles query`: one read-only SQL statement against the warehouse.

Two locks, so that a mistake in either still changes nothing:
1. A check of the text before it is sent: one statement (a single trailing `;` at most), no
   comments (a comment can hide the rest of a line from a reader, or a second statement from a
   naive check), and it must start with SELECT, WITH, VALUES or TABLE.
2. The database itself refuses writes: on PostgreSQL the transaction is `SET TRANSACTION READ
   ONLY` with a `statement_timeout`, and it is rolled back; on SQLite the file is opened with a
   read-only connection (`mode=ro`) and `PRAGMA query_only`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from warehouse.errors import BadInput

READ_STATEMENTS = ("select", "with", "values", "table")
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool


def check_read_only_sql(sql: str) -> str:
    """The statement to run (without its trailing `;`), or BadInput saying what is refused."""
    body = _outside_literals(sql)
    if "--" in body or "/*" in body:
        raise BadInput(
            "query: comments (-- or /* */) are refused, because they can hide part of the "
            "statement: remove them and send the statement alone"
        )
    stripped = sql.strip()
    if body.strip().endswith(";"):
        stripped = stripped[:-1].rstrip()
        body = body.strip()[:-1]
    if ";" in body:
        raise BadInput(
            "query: only one statement is run, and this text holds more than one (a ';' "
            "between statements): send each SELECT on its own"
        )
    words = body.split()
    first = words[0].lower() if words else ""
    if first not in READ_STATEMENTS:
        shown = first.upper() or "(nothing)"
        raise BadInput(
            f"query: {shown} is refused: `ironmiles query` only reads. Start the statement "
            "with SELECT, WITH, VALUES or TABLE; writes go through the other commands"
        )
    return stripped


def _outside_literals(sql: str) -> str:
    """The SQL with the inside of '...' strings and "..." identifiers blanked, so a ';' or
    '--' inside a string literal is not taken for a separator or a comment. Backslash escapes
    count inside E'...' strings, as PostgreSQL reads them. Dollar quoting ($$ ... $$) is
    refused: it is how function bodies are written, never needed by a query."""
    out: list[str] = []
    quote: str | None = None
    backslash_escapes = False
    index = 0
    while index < len(sql):
        char = sql[index]
        if quote is None:
            if char in "'\"":
                quote = char
                backslash_escapes = char == "'" and sql[index - 1 : index] in ("E", "e")
            out.append(char)
        elif backslash_escapes and char == "\\":
            out.append("  ")
            index += 1
        elif char == quote:
            if sql[index + 1 : index + 2] == quote:  # a doubled quote stays inside
                out.append("  ")
                index += 1
            else:
                quote = None
                out.append(char)
        else:
            out.append(" ")
        index += 1
    if quote is not None:
        raise BadInput(f"query: a {quote} quote is not closed: close it, or remove it")
    body = "".join(out)
    if re.search(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", body):
        raise BadInput("query: dollar quoting ($$ or $tag$) is refused: use '...' strings")
    return body


def run_read_only(url: str | URL, sql: str, *, timeout_s: float = 30.0) -> QueryResult:
    statement = check_read_only_sql(sql)
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _run_sqlite(url, statement)
    return _run_postgresql(url, statement, timeout_s)


def _run_postgresql(url: URL, statement: str, timeout_s: float) -> QueryResult:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            connection.execute(
                text("SELECT set_config('statement_timeout', :ms, true)"),
                {"ms": str(int(timeout_s * 1000))},
            )
            # The driver's own cursor, given no parameters: the text goes as it is, with no
            # placeholder parsing of ':name' or '%' (LIKE 'ana%' must just work).
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(statement)
                columns = [d[0] for d in cursor.description or ()]
                return _collect(columns, cursor.fetchmany(MAX_ROWS + 1))
            except psycopg.Error as error:
                raise _refused(error, timeout_s) from None
            finally:
                cursor.close()
                connection.rollback()
    finally:
        engine.dispose()


def _run_sqlite(url: URL, statement: str) -> QueryResult:
    if not url.database or url.database == ":memory:":
        raise BadInput(f"query: the SQLite warehouse {url!s} is not a file")
    # A read-only connection: SQLite itself refuses every write on it.
    connection = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True, timeout=30)
    try:
        connection.execute("PRAGMA query_only = ON")
        try:
            cursor = connection.execute(statement)
            columns = [d[0] for d in cursor.description or ()]
            return _collect(columns, cursor.fetchmany(MAX_ROWS + 1))
        except sqlite3.Error as error:
            raise BadInput(f"query: the warehouse refused the statement: {error}") from None
    finally:
        connection.rollback()
        connection.close()


def _collect(columns: list[str], rows: Sequence[Any]) -> QueryResult:
    truncated = len(rows) > MAX_ROWS
    return QueryResult(columns, [tuple(r) for r in rows[:MAX_ROWS]], truncated)


def _refused(error: psycopg.Error, timeout_s: float) -> BadInput:
    if isinstance(error, psycopg.errors.QueryCanceled):
        return BadInput(
            f"query: the statement ran longer than {timeout_s:g} s and was cancelled: "
            "narrow it (a WHERE on athlete and week, or a LIMIT)"
        )
    reason = str(error).strip().splitlines()[0]
    return BadInput(f"query: the warehouse refused the statement: {reason}")
