from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select

from warehouse.athletes import AthleteProfile, add_athlete
from warehouse.credentials import (
    BadSecretKey,
    CredentialStore,
    CredentialUnreadable,
    MissingSecretKey,
    cipher_from_key,
)
from warehouse.db import session_scope
from warehouse.models import Credential

TOKENS = {
    "access_token": "acc-7f3e9a1c55",
    "refresh_token": "ref-0b1d2c3e4f",
    "expires_at": 1767900000,
}


def athlete(engine: Engine) -> int:
    with session_scope(engine) as session:
        return add_athlete(session, AthleteProfile(name="ana", timezone="UTC")).id


def test_tokens_round_trip_encrypted(warehouse_engine: Engine) -> None:
    key = Fernet.generate_key().decode()
    store = CredentialStore(
        warehouse_engine, cipher_from_key(key), athlete(warehouse_engine), "strava"
    )
    assert store.load() is None
    store.save(TOKENS)
    assert store.load() == TOKENS
    with session_scope(warehouse_engine) as session:
        ciphertext = session.scalar(select(Credential.ciphertext))
    assert ciphertext is not None
    for value in ("acc-7f3e9a1c55", "ref-0b1d2c3e4f", "access_token"):
        assert value.encode() not in ciphertext
    rotated = {**TOKENS, "refresh_token": "ref-new-99887766"}
    store.save(rotated)
    assert store.load() == rotated
    assert "acc-7f3e9a1c55" not in repr(store)


def test_another_key_cannot_read(warehouse_engine: Engine) -> None:
    athlete_id = athlete(warehouse_engine)
    CredentialStore(
        warehouse_engine, cipher_from_key(Fernet.generate_key().decode()), athlete_id, "garmin"
    ).save(TOKENS)
    other = CredentialStore(
        warehouse_engine, cipher_from_key(Fernet.generate_key().decode()), athlete_id, "garmin"
    )
    with pytest.raises(CredentialUnreadable, match="connect garmin again"):
        other.load()


def test_missing_or_bad_key_says_how_to_make_one() -> None:
    with pytest.raises(MissingSecretKey) as missing:
        cipher_from_key(None)
    assert "IRONMILES_SECRET_KEY" in str(missing.value)
    assert "Fernet.generate_key()" in str(missing.value)
    with pytest.raises(BadSecretKey) as bad:
        cipher_from_key("hunter2-not-a-key")
    assert "IRONMILES_SECRET_KEY" in str(bad.value)
    assert "hunter2" not in str(bad.value)
