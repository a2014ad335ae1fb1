"""Single-use, expiring links sent by mail (email verification, password reset)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select, update

from odcp.models.account_security import ActionToken
from odcp.models.base import utcnow
from odcp.models.user import User
from odcp.services.errors import Invalid
from odcp.services.tokens import new_token, token_hash
from odcp.settings import get_settings

TTL = {"verify_email": timedelta(hours=48), "password_reset": timedelta(hours=1)}
PAGES = {"verify_email": "/verify-email", "password_reset": "/reset-password"}
USED_OR_EXPIRED = "This link has expired or was already used. You can ask for a new one."


def issue(session: Session, *, user: User, purpose: str) -> str:
    """A fresh link for `purpose`; earlier unused links for it stop working."""
    now = utcnow()
    session.exec(update(ActionToken)
                 .where(ActionToken.user_id == user.id, ActionToken.purpose == purpose,
                        ActionToken.used_at.is_(None))  # type: ignore[union-attr]
                 .values(used_at=now))
    token = new_token()
    session.add(ActionToken(user_id=user.id, purpose=purpose, token_hash=token_hash(token),
                            expires_at=now + TTL[purpose]))
    session.flush()
    return f"{get_settings().public_url}{PAGES[purpose]}?token={token}"


def consume(session: Session, *, token: str, purpose: str) -> User:
    """The link's user, marking the link used; Invalid when expired, used or unknown."""
    row = session.exec(select(ActionToken).where(
        ActionToken.token_hash == token_hash(token or ""), ActionToken.purpose == purpose)
    ).first()
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise Invalid(USED_OR_EXPIRED)
    row.used_at = now
    user = session.get(User, row.user_id)
    if user is None:
        raise Invalid(USED_OR_EXPIRED)
    return user
