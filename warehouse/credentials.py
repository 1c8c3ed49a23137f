"""OAuth tokens at rest: one encrypted row per athlete and source (Fernet, from the secret key).

`CredentialStore` is the token store the connectors are given. Each `save` commits in its own
short transaction at once, because Strava's refresh tokens are single-use: a refreshed pair that
is lost to a later rollback would lock the athlete out.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from warehouse.athletes import get_athlete
from warehouse.db import session_scope
from warehouse.errors import BadInput, WarehouseError
from warehouse.models import Athlete, Credential
from warehouse.upsert import dialect_insert

HOW_TO_MAKE_A_KEY = (
    'generate one with `python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"` and set it as IRONMILES_SECRET_KEY '
    "(keep it: tokens stored with one key cannot be read with another)"
)


class MissingSecretKey(BadInput):
    def __init__(self) -> None:
        super().__init__(
            f"IRONMILES_SECRET_KEY is not set; tokens are stored encrypted: {HOW_TO_MAKE_A_KEY}"
        )


class BadSecretKey(BadInput):
    def __init__(self) -> None:
        # The value itself is never repeated: it is a secret even when it is a wrong one.
        super().__init__(
            "IRONMILES_SECRET_KEY is not a Fernet key (32 url-safe base64 bytes): "
            + HOW_TO_MAKE_A_KEY
        )


class CredentialUnreadable(WarehouseError):
    """Stored tokens that the current key cannot decrypt (the key changed): connect again."""


def cipher_from_key(secret_key: str | None) -> Fernet:
    if not secret_key:
        raise MissingSecretKey()
    try:
        return Fernet(secret_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise BadSecretKey() from None


class CredentialStore:
    """The tokens of one athlete for one source (implements connectors.source.TokenStore)."""

    def __init__(self, engine: Engine, cipher: Fernet, athlete_id: int, source: str) -> None:
        self._engine = engine
        self._cipher = cipher
        self.athlete_id = athlete_id
        self.source = source

    def __repr__(self) -> str:
        return f"CredentialStore(athlete_id={self.athlete_id}, source={self.source!r})"

    def load(self) -> Mapping[str, Any] | None:
        with Session(self._engine) as session:
            ciphertext = session.scalar(
                select(Credential.ciphertext)
                .where(Credential.athlete_id == self.athlete_id)
                .where(Credential.source == self.source)
            )
        if ciphertext is None:
            return None
        try:
            document = json.loads(self._cipher.decrypt(ciphertext))
        except InvalidToken:
            raise CredentialUnreadable(
                f"the stored {self.source} tokens cannot be decrypted with the current "
                f"IRONMILES_SECRET_KEY; connect {self.source} again"
            ) from None
        if not isinstance(document, dict):
            raise CredentialUnreadable(f"the stored {self.source} tokens are not a document")
        return document

    def save(self, tokens: Mapping[str, Any]) -> None:
        ciphertext = self._cipher.encrypt(json.dumps(dict(tokens), sort_keys=True).encode())
        with session_scope(self._engine) as session:
            statement = dialect_insert(session, Credential).values(
                athlete_id=self.athlete_id, source=self.source, ciphertext=ciphertext
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["athlete_id", "source"],
                    set_={"ciphertext": statement.excluded.ciphertext, "updated_at": func.now()},
                )
            )

    def forget(self) -> None:
        with session_scope(self._engine) as session:
            session.execute(
                delete(Credential)
                .where(Credential.athlete_id == self.athlete_id)
                .where(Credential.source == self.source)
            )


def connected_sources(session: Session, athlete_id: int) -> list[str]:
    return sorted(
        session.scalars(select(Credential.source).where(Credential.athlete_id == athlete_id))
    )


def athlete_sources(
    session: Session, athlete: str | None, sources: Collection[str]
) -> list[tuple[str, str]]:
    """(athlete name, source) of every stored credential among `sources`, of `athlete` only
    when given (UnknownAthlete, bad input, when there is none), ordered by name and source."""
    query = select(Athlete.name, Credential.source).join(
        Credential, Credential.athlete_id == Athlete.id
    )
    if athlete is not None:
        get_athlete(session, athlete)
        query = query.where(Athlete.name == athlete)
    rows = session.execute(query.order_by(Athlete.name, Credential.source)).all()
    return [(name, source) for name, source in rows if source in sources]
