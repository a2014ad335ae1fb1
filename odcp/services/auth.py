"""Sign-in and sessions for the browser (httpOnly cookie) and API clients (Bearer JWT).

Every session is a server-side `AuthSession` row holding only a hash of its secret token.
Browser: the page's sign-in form creates a pending session and hands the browser a one-use
ticket; the API exchanges it for an httpOnly cookie, so page scripts never see the session
secret. API: a short-lived access JWT names the session; the refresh token rotates on every
use and presenting the previous one again (a replay) revokes the whole session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from odcp.models.auth_session import AuthSession
from odcp.models.base import utcnow
from odcp.models.user import AccountStatus, Role, User
from odcp.services import audit, throttle
from odcp.services.accounts import find_by_email
from odcp.services.actor import Actor, require_user
from odcp.services.errors import Forbidden, NotAuthenticated, NotFound
from odcp.services.passwords import burn_equal_time, verify_password
from odcp.services.tokens import decode_jwt, encode_jwt, new_token, token_hash
from odcp.settings import get_settings

IDLE_TIMEOUT = timedelta(hours=12)
TICKET_TTL = timedelta(seconds=60)
BAD_CREDENTIALS = "Email or password is incorrect."
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    """What a successful sign-in hands to the client; `token` is shown once."""

    session: AuthSession
    user: User
    token: str
    access_token: str | None = None


def check_credentials(session: Session, *, email: str, password: str, actor: Actor) -> User:
    """The active user with these credentials, or an error with one message for all.

    bcrypt runs for unknown emails too, so timing does not reveal whether an account exists.
    A refusal commits its audit entry and throttle count before raising: the record of a
    failed attempt must survive the caller's rollback.
    """
    keys = (throttle.account_key(email), throttle.address_key(actor.ip))
    for key in keys:
        throttle.ensure_allowed(session, key=key)
    user = find_by_email(session, email or "")
    if user is None:
        burn_equal_time(password)
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    if not ok or user is None:
        throttle.record_failure(session, key=keys[0], policy=throttle.ACCOUNT)
        throttle.record_failure(session, key=keys[1], policy=throttle.ADDRESS)
        _refuse(session, actor, user, "bad_credentials")
        raise NotAuthenticated(BAD_CREDENTIALS)
    if not may_sign_in(user):
        _refuse(session, actor, user, str(user.status))
        raise Forbidden(_status_message(user.status))
    throttle.clear(session, key=keys[0])
    return user


def may_sign_in(user: User) -> bool:
    """Active accounts, and doctors awaiting approval whose email is confirmed.

    Why the doctor exception: a new doctor must sign in to complete onboarding before an
    admin can approve them. Their account stays pending, and every doctor-only service
    except onboarding (odcp.services.doctor_profiles) requires an active account.
    """
    if user.status == AccountStatus.ACTIVE:
        return True
    return (user.status == AccountStatus.PENDING and user.role == Role.DOCTOR
            and user.email_verified_at is not None)


def _refuse(session: Session, actor: Actor, user: User | None, reason: str) -> None:
    audit.record(session, actor=actor, action="auth.sign_in", outcome="failure",
                 target_type="user", target_id=user.id if user else None,
                 subject_user_id=user.id if user else None, detail={"reason": reason})
    session.commit()


def _status_message(status: AccountStatus) -> str:
    return {
        AccountStatus.PENDING: "Please confirm your email address first: use the link we "
        "sent you, or ask for a new one.",
        AccountStatus.SUSPENDED: "Your account is suspended; please contact the clinic.",
    }.get(status, "This account cannot sign in.")


def start_session(session: Session, *, user: User, actor: Actor, kind: str) -> Issued:
    """Create a session row for `user`; `kind` is browser-pending or api."""
    session_id = str(uuid.uuid4())
    token = f"{session_id}.{new_token()}" if kind == "api" else new_token()
    now = utcnow()
    row = AuthSession(
        id=session_id,
        user_id=user.id,
        token_hash=token_hash(token),
        kind=kind,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=get_settings().refresh_token_days),
        ip=actor.ip,
        user_agent=(actor.user_agent or "")[:300] or None,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=Actor(user=user, ip=actor.ip, user_agent=actor.user_agent),
                 action="auth.sign_in", target_type="session", target_id=row.id,
                 subject_user_id=user.id, detail={"kind": kind})
    access = access_token_for(row) if kind == "api" else None
    return Issued(session=row, user=user, token=token, access_token=access)


def access_token_for(row: AuthSession) -> str:
    minutes = get_settings().access_token_minutes
    return encode_jwt(subject=str(row.user_id), purpose="access",
                      ttl=timedelta(minutes=minutes), claims={"sid": row.id})


def browser_ticket(row: AuthSession) -> str:
    """A one-use, 60-second ticket the browser trades for its session cookie."""
    return encode_jwt(subject=str(row.user_id), purpose="browser-ticket", ttl=TICKET_TTL,
                      claims={"sid": row.id})


def _usable(row: AuthSession | None, now: datetime) -> bool:
    return (
        row is not None
        and row.revoked_at is None
        and row.expires_at > now
        and row.last_seen_at + IDLE_TIMEOUT > now
    )


def _active_user(session: Session, row: AuthSession) -> User:
    user = session.get(User, row.user_id)
    if user is None or not may_sign_in(user):
        revoke(session, row=row, reason="account_inactive")
        raise NotAuthenticated("Please sign in again.")
    return user


def _touch(row: AuthSession, now: datetime) -> None:
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now


def redeem_browser_ticket(session: Session, *, ticket: str) -> str:
    """Trade a ticket for the browser's cookie token (once: the pending mark goes)."""
    claims = decode_jwt(ticket, purpose="browser-ticket")
    row = session.get(AuthSession, claims["sid"])
    if row is None or row.kind != "browser-pending" or not _usable(row, utcnow()):
        raise NotAuthenticated("This sign-in link was already used or has expired.")
    token = new_token()
    row.token_hash = token_hash(token)
    row.kind = "browser"
    return token


def user_for_token(session: Session, *, token: str) -> tuple[User, AuthSession]:
    """The user behind a browser cookie token, if its session is still usable."""
    now = utcnow()
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == token_hash(token or ""))
    ).first()
    if row is None or row.kind != "browser" or not _usable(row, now):
        raise NotAuthenticated("Please sign in again.")
    user = _active_user(session, row)
    _touch(row, now)
    return user, row


def user_for_session_id(session: Session, *, session_id: str) -> User:
    """Re-check a session already bound to a page: revoked or expired means signed out."""
    now = utcnow()
    row = session.get(AuthSession, session_id)
    if not _usable(row, now):
        raise NotAuthenticated("Please sign in again.")
    user = _active_user(session, row)
    _touch(row, now)
    return user


def user_for_access_token(session: Session, *, access_token: str) -> User:
    """The user behind an API Bearer token whose session is still live."""
    claims = decode_jwt(access_token, purpose="access")
    return user_for_session_id(session, session_id=str(claims.get("sid", "")))


def _split_refresh(token: str) -> tuple[str, str]:
    session_id, _, _secret = (token or "").partition(".")
    return session_id, token_hash(token or "")


def refresh(session: Session, *, refresh_token: str, actor: Actor) -> Issued:
    """Rotate an API refresh token. Replaying any earlier token revokes the session.

    Refresh tokens read `<session id>.<secret>`, so a replayed token finds its session even
    after many rotations; only hashes are stored.
    """
    session_id, digest = _split_refresh(refresh_token)
    now = utcnow()
    row = session.get(AuthSession, session_id) if session_id else None
    if row is None or row.kind != "api":
        raise NotAuthenticated("Please sign in again.")
    if row.token_hash != digest:
        if digest in row.used_token_hashes and row.revoked_at is None:
            revoke(session, row=row, reason="refresh_reuse")
            audit.record(session, actor=actor, action="auth.refresh_reuse", outcome="failure",
                         target_type="session", target_id=row.id, subject_user_id=row.user_id)
        raise NotAuthenticated("Please sign in again.")
    if not _usable(row, now):
        raise NotAuthenticated("Please sign in again.")
    user = _active_user(session, row)
    token = f"{row.id}.{new_token()}"
    row.previous_token_hash = digest
    row.used_token_hashes = [*row.used_token_hashes, digest][-500:]
    row.token_hash = token_hash(token)
    row.last_seen_at = now
    return Issued(session=row, user=user, token=token, access_token=access_token_for(row))


def revoke(session: Session, *, row: AuthSession, reason: str) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_reason = reason


def sign_out(session: Session, *, session_id: str, actor: Actor) -> None:
    """Revoke one session (idempotent)."""
    row = session.get(AuthSession, session_id)
    if row is None:
        return
    revoke(session, row=row, reason="sign_out")
    audit.record(session, actor=actor, action="auth.sign_out", target_type="session",
                 target_id=row.id, subject_user_id=row.user_id)


def revoke_all(session: Session, *, user_id: int, reason: str) -> int:
    """Revoke every live session of a user (password change, suspension, 'everywhere')."""
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id,
                                  AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    for row in rows:
        revoke(session, row=row, reason=reason)
    return len(rows)


def list_sessions(session: Session, *, actor: Actor) -> list[AuthSession]:
    """The acting user's live sessions, most recently used first."""
    user = require_user(actor)
    now = utcnow()
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user.id,
                                  AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .order_by(AuthSession.last_seen_at.desc())  # type: ignore[attr-defined]
    ).all()
    return [r for r in rows if _usable(r, now) and r.kind != "browser-pending"]


def revoke_own_session(session: Session, *, actor: Actor, session_id: str) -> None:
    """Sign out one of the acting user's devices; another user's session is NotFound."""
    user = require_user(actor)
    row = session.get(AuthSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such session.")
    revoke(session, row=row, reason="revoked_by_user")
    audit.record(session, actor=actor, action="auth.revoke_session", target_type="session",
                 target_id=row.id, subject_user_id=user.id)


def sign_out_everywhere(session: Session, *, actor: Actor) -> int:
    user = require_user(actor)
    count = revoke_all(session, user_id=user.id, reason="sign_out_everywhere")
    audit.record(session, actor=actor, action="auth.sign_out_everywhere", target_type="user",
                 target_id=user.id, subject_user_id=user.id, detail={"sessions": count})
    return count
