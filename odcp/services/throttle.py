"""Sign-in throttling per account and per network address.

Why both keys: per-account stops guessing one person's password from many addresses;
per-address stops one client spraying many accounts. Counters live in the database so
every backend worker sees the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from odcp.models.account_security import ThrottleCounter
from odcp.models.base import utcnow
from odcp.services.errors import TooManyAttempts


@dataclass(frozen=True)
class Policy:
    max_failures: int
    window: timedelta
    lockout: timedelta


ACCOUNT = Policy(max_failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
ADDRESS = Policy(max_failures=30, window=timedelta(minutes=15), lockout=timedelta(minutes=15))


def _minutes(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


def ensure_allowed(session: Session, *, key: str) -> None:
    """Raise TooManyAttempts while `key` is locked out, saying for how long."""
    row = session.get(ThrottleCounter, key)
    now = utcnow()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        raise TooManyAttempts(
            f"Too many failed attempts. Try again in {_minutes(row.locked_until - now)} "
            f"minute(s), or reset your password."
        )


def record_failure(session: Session, *, key: str, policy: Policy) -> None:
    now = utcnow()
    row = session.get(ThrottleCounter, key)
    if row is None:
        row = ThrottleCounter(key=key, window_start=now, failures=0)
    if now - row.window_start > policy.window:
        row.window_start, row.failures, row.locked_until = now, 0, None
    row.failures += 1
    if row.failures >= policy.max_failures:
        row.locked_until = now + policy.lockout
    session.add(row)


def clear(session: Session, *, key: str) -> None:
    row = session.get(ThrottleCounter, key)
    if row is not None:
        session.delete(row)


def account_key(email: str) -> str:
    return "account:" + (email or "").strip().lower()[:254]


def address_key(ip: str | None) -> str:
    return "address:" + (ip or "unknown")
