"""Opaque tokens and signed JWTs.

Why both: opaque random tokens (stored only as SHA-256 hashes) back revocable sessions;
short-lived JWTs carry identity to the API without a lookup of their own. JWT decoding pins
the algorithm and requires `exp`, `aud`, `iat` and `sub`, so a token minted for one
purpose cannot be replayed for another.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import jwt

from odcp.models.base import utcnow
from odcp.services.errors import NotAuthenticated
from odcp.settings import get_settings

ALGORITHM = "HS256"


def new_token() -> str:
    """256 bits of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def encode_jwt(*, subject: str, purpose: str, ttl: timedelta, claims: dict | None = None) -> str:
    settings = get_settings()
    now = utcnow()
    payload = {
        "sub": subject,
        "aud": f"{settings.jwt_audience}:{purpose}",
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        **(claims or {}),
    }
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM)


def decode_jwt(token: str, *, purpose: str) -> dict:
    """Claims of a valid token for `purpose`, or NotAuthenticated."""
    settings = get_settings()
    try:
        return jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=f"{settings.jwt_audience}:{purpose}",
            options={"require": ["exp", "aud", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("Your session has expired; please sign in again.") from exc
    except jwt.InvalidTokenError as exc:
        raise NotAuthenticated("Invalid or unusable token.") from exc
