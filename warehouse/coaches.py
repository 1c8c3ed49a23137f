"""Coaches: their PostgreSQL login roles (read-only, limited by row-level security) and their
dashboard logins (a random token, of which only the SHA-256 is stored).

Roles belong to the whole PostgreSQL cluster, not to one database, so a role's name carries the
database's name: two warehouses on one server never share a coach role.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from warehouse.athletes import ensure_coach
from warehouse.coach_security import COACH_TABLES
from warehouse.errors import AlreadyExists, BadInput
from warehouse.models import Athlete, Coach, CoachLogin
from warehouse.views import VIEW_NAMES

ROLE_NAME_MAX = 63  # PostgreSQL's identifier limit
COACH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,119}$")


@dataclass(frozen=True, slots=True)
class NewCoach:
    coach: str
    role: str | None
    password: str | None
    dsn: str | None
    token: str


def check_coach_name(name: str) -> None:
    if not COACH_NAME.match(name):
        raise BadInput(
            f"coach={name!r} is not accepted: use letters, digits, spaces, '.', '_' or '-', "
            "starting with a letter or digit (at most 120 characters)"
        )


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_login(session: Session, coach: Coach) -> str:
    """A new dashboard token for the coach (the old one stops working); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(CoachLogin).where(CoachLogin.coach_id == coach.id))
    session.add(CoachLogin(coach_id=coach.id, token_sha256=token_sha256(token)))
    session.flush()
    return token


def coach_for_token(session: Session, token: str) -> Coach | None:
    """The coach whose dashboard token this is, or None (compared by hash, in the database)."""
    if not token or len(token) > 200:
        return None
    return session.scalar(
        select(Coach)
        .join(CoachLogin, CoachLogin.coach_id == Coach.id)
        .where(CoachLogin.token_sha256 == token_sha256(token))
    )


def role_name_for(database: str, coach: str) -> str:
    """`<database>_coach_<coach>` in lower-case letters, digits and '_'; hashed when too long."""
    slug = re.sub(r"[^a-z0-9]+", "_", coach.lower()).strip("_") or "coach"
    base = re.sub(r"[^a-z0-9]+", "_", database.lower()).strip("_")
    name = f"{base}_coach_{slug}"
    if len(name) > ROLE_NAME_MAX:
        digest = hashlib.sha256(f"{database}\0{coach}".encode()).hexdigest()[:12]
        name = f"{base[:20]}_coach_{slug[:20]}_{digest}"
    return name


def add_coach(session: Session, name: str, url: URL) -> NewCoach:
    """The coach (created if athletes do not name it yet), a dashboard token, and on PostgreSQL
    a login role that reads only this coach's athletes. `url` is the warehouse's own URL: the
    coach's connection string names the same host, port and database."""
    check_coach_name(name)
    coach = ensure_coach(session, name)
    if coach.role_name is not None:
        raise AlreadyExists(
            f"coach={name!r} already has the database role {coach.role_name!r}: "
            f"`ironmiles coach remove {name}` first to make a new one"
        )
    role = password = dsn = None
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        database = url.database or "postgres"
        role = role_name_for(database, name)
        password = secrets.token_urlsafe(24)
        _create_role(connection, role, password, database)
        coach.role_name = role
        dsn = URL.create(
            "postgresql",
            username=role,
            password=password,
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            database=database,
        ).render_as_string(hide_password=False)
    token = issue_login(session, coach)
    return NewCoach(coach=name, role=role, password=password, dsn=dsn, token=token)


def remove_coach(session: Session, name: str) -> str | None:
    """Drops the coach's role (if any), its dashboard login and the coach; its athletes stay,
    without a coach. Returns the dropped role's name."""
    coach = session.scalar(select(Coach).where(Coach.name == name))
    if coach is None:
        raise BadInput(
            f"coach={name!r} does not exist: see the coaches with `ironmiles athlete list`"
        )
    role = coach.role_name
    if role is not None and session.connection().dialect.name == "postgresql":
        _drop_role(session.connection(), role)
    session.delete(coach)
    session.flush()
    return role


def _create_role(connection: Connection, role: str, password: str, database: str) -> None:
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    if exists:
        raise AlreadyExists(
            f"the PostgreSQL role {role!r} already exists on this server: drop it "
            "(DROP OWNED BY / DROP ROLE) or choose another coach name"
        )
    ident = _quote_ident(role)
    # The password is URL-safe base64 (letters, digits, '-', '_'): nothing to escape, but quote
    # it as a literal anyway; DDL takes no bind parameters.
    literal = "'" + password.replace("'", "''") + "'"
    connection.execute(
        text(
            f"CREATE ROLE {ident} LOGIN PASSWORD {literal} NOSUPERUSER NOCREATEDB NOCREATEROLE "
            "NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 10"
        )
    )
    connection.execute(text(f"ALTER ROLE {ident} SET default_transaction_read_only = on"))
    connection.execute(text(f"ALTER ROLE {ident} SET statement_timeout = '60s'"))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {_quote_ident(database)} TO {ident}"))
    schema = connection.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {ident}"))
    for relation in (*COACH_TABLES, *VIEW_NAMES):
        connection.execute(text(f"GRANT SELECT ON {relation} TO {ident}"))


def _drop_role(connection: Connection, role: str) -> None:
    if connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first():
        ident = _quote_ident(role)
        connection.execute(text(f"DROP OWNED BY {ident}"))  # its grants in this database
        connection.execute(text(f"DROP ROLE {ident}"))


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def assign_coach(session: Session, athlete: Athlete, coach: str | None) -> None:
    """Give the athlete a coach (created if new), or none when `coach` is empty."""
    if coach:
        check_coach_name(coach)
    athlete.coach_id = ensure_coach(session, coach).id if coach else None
    session.flush()


def set_strava_sharing(session: Session, athlete: Athlete, share: bool) -> None:
    """The athlete's answer to: may my coach see my Strava data? (the Strava API agreement)."""
    athlete.share_strava_with_coach = share
    session.flush()
