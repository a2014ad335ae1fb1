"""Password hashing with bcrypt.

Why the SHA-256 pre-hash: bcrypt reads only the first 72 bytes, so a long passphrase would
be silently truncated. Hashing first (and base64-encoding, so no NUL byte reaches bcrypt)
makes every character of a 128-character Unicode password count.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

import bcrypt

from odcp.services.errors import Invalid

BCRYPT_ROUNDS = 12
MIN_LENGTH = 8
MAX_LENGTH = 128


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line)


def validate_password(password: str) -> None:
    """Length (in characters, any Unicode) and not one of the commonest passwords."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise Invalid(
            f"Password must be {MIN_LENGTH} to {MAX_LENGTH} characters long.", field="password"
        )
    if password.strip().lower() in _common_passwords():
        raise Invalid("This password is too common; choose another (a passphrase is best).",
                      field="password")


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    """bcrypt hash of the pre-hashed password. CPU-heavy: call off the event loop."""
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches. CPU-heavy: call off the event loop."""
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


# A valid hash of a random string: checked against when the account does not exist, so an
# unknown email costs the same time as a wrong password.
_DUMMY_HASH = hash_password("odcp-timing-equaliser", rounds=BCRYPT_ROUNDS)


def burn_equal_time(password: str) -> None:
    """Spend one bcrypt check's time without any account."""
    verify_password(password, _DUMMY_HASH)
