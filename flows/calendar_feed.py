"""Each athlete's plans as an iCalendar feed at a secret, revocable address.

The token in the address is derived from IRONMILES_SECRET_KEY and a random nonce stored for the
athlete, so `ironmiles athlete feed NAME` can print the same address again; the warehouse keeps
only the token's SHA-256, which is how a request finds its athlete. Rotating stores a new nonce
and hash: the old address stops answering at once (404).

The document holds the last eight weeks' and every later week's latest plan, rendered by the
engine (engine.render.ics.plans_feed); its ETag is the body's digest, so an unchanged feed costs
a calendar app a 304.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from engine.render.ics import FeedEntry, plans_feed
from engine.render.json import plan_from_json
from flows.settings import Settings
from flows.weekly_load import local_today
from warehouse.deliveries import athlete_by_feed_token, delivery, latest_plans, set_feed_token
from warehouse.errors import BadInput
from warehouse.models import Athlete

PAST_WEEKS = 8
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
_GYM_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True, slots=True)
class FeedDocument:
    body: bytes
    etag: str
    """A strong validator, quoted: the digest of the body."""
    last_modified: datetime
    """The newest of the plans' times and the athlete's feed choices (UTC)."""


def parse_gym_time(text: str) -> str:
    """`18:00` (24 h, zero-padded); anything else is bad input."""
    text = text.strip()
    if len(text) == 4 and text[1] == ":":
        text = f"0{text}"
    if not _GYM_TIME.fullmatch(text):
        raise BadInput(
            f"gym-time={text!r} is not accepted: give the local time as HH:MM, e.g. 18:00 or 07:30"
        )
    return text


def _secret(settings: Settings) -> bytes:
    if settings.secret_key is None or not settings.secret_key.get_secret_value():
        raise BadInput(
            "IRONMILES_SECRET_KEY is not set: the feed address is derived from it; set the key "
            "the tokens are encrypted with (README, Syncing)"
        )
    return settings.secret_key.get_secret_value().encode()


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token(secret: bytes, athlete_id: int, nonce: str) -> str:
    digest = hmac.new(secret, f"ironmiles-feed:{athlete_id}:{nonce}".encode(), "sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def feed_url(
    session: Session, athlete: Athlete, settings: Settings, *, rotate: bool, now: datetime
) -> str:
    """The athlete's feed address; a first call or `rotate` makes a new token (storing only its
    hash), otherwise the same address is derived again."""
    secret = _secret(settings)
    row = delivery(session, athlete.id)
    nonce = row.feed_nonce
    token = None if nonce is None else _token(secret, athlete.id, nonce)
    if token is None or rotate or row.feed_token_sha256 != token_sha256(token):
        # A token that no longer matches its hash means the key changed: issue a new one.
        nonce = secrets.token_hex(16)
        token = _token(secret, athlete.id, nonce)
        set_feed_token(session, athlete.id, nonce=nonce, token_sha256=token_sha256(token), now=now)
    base = (settings.public_url or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}/feeds/{token}.ics"


def feed_document(session: Session, token: str, *, now: datetime) -> FeedDocument | None:
    """The feed a token opens, or None when no athlete holds it (unknown or rotated)."""
    athlete = athlete_by_feed_token(session, token_sha256(token))
    if athlete is None:
        return None
    choices = delivery(session, athlete.id)
    today = local_today(now, athlete.timezone)
    plans = latest_plans(session, athlete.id, from_date=today - timedelta(weeks=PAST_WEEKS))
    entries = [
        FeedEntry(
            week=plan.week,
            plan=plan_from_json(plan.payload),
            version=plan.version,
            stamp=plan.created_at,
            notice=plan.notice,
            changes=plan.changes,
        )
        for plan in plans
    ]
    hour, minute = (int(part) for part in choices.gym_time.split(":"))
    body = plans_feed(athlete.name, entries, zone=athlete.timezone, gym_time=time(hour, minute))
    moments = [plan.created_at for plan in plans]
    moments += [m for m in (choices.feed_rotated_at, choices.updated_at) if m is not None]
    return FeedDocument(
        body=body,
        etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        last_modified=max(moments).replace(microsecond=0),
    )
