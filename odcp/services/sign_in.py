"""The whole sign-in: password, then the second step when the account has or needs one.

Used by the browser form and the API alike, so both ask for the same factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from odcp.models.user import User
from odcp.services import auth, mfa, throttle
from odcp.services.actor import Actor
from odcp.services.errors import Invalid, NotAuthenticated
from odcp.services.tokens import decode_jwt, encode_jwt

CHALLENGE_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    """Either a started session, or a challenge for the second step ("verify" or "enrol")."""

    issued: auth.Issued | None = None
    challenge: str | None = None
    stage: str | None = None
    recovery_codes: list[str] = field(default_factory=list)


def _stage(user: User) -> str | None:
    if user.mfa_enabled_at is not None:
        return "verify"
    return "enrol" if mfa.is_required(user) else None


def begin(session: Session, *, email: str, password: str, actor: Actor, kind: str) -> Outcome:
    """Check the password; start the session or ask for the second step."""
    user = auth.check_credentials(session, email=email, password=password, actor=actor)
    stage = _stage(user)
    if stage is None:
        return Outcome(issued=auth.start_session(session, user=user, actor=actor, kind=kind))
    challenge = encode_jwt(subject=str(user.id), purpose="mfa-challenge", ttl=CHALLENGE_TTL,
                           claims={"stage": stage})
    return Outcome(challenge=challenge, stage=stage)


def challenged_user(session: Session, *, challenge: str) -> tuple[User, str]:
    claims = decode_jwt(challenge, purpose="mfa-challenge")
    user = session.get(User, int(claims["sub"]))
    if user is None or not auth.may_sign_in(user):
        raise NotAuthenticated("Please sign in again.")
    return user, str(claims.get("stage"))


def enrolment(session: Session, *, challenge: str) -> mfa.Enrolment:
    """The QR code and secret for a user who must set up two-step sign-in to continue."""
    user, stage = challenged_user(session, challenge=challenge)
    if stage != "enrol":
        raise Invalid("Two-step sign-in is already set up for this account.")
    return mfa.begin_enrolment(session, user=user)


def finish(session: Session, *, challenge: str, code: str, actor: Actor, kind: str) -> Outcome:
    """Check the second-step code and start the session. Wrong codes count as failures."""
    user, stage = challenged_user(session, challenge=challenge)
    key = throttle.account_key(user.email)
    throttle.ensure_allowed(session, key=key)
    codes: list[str] = []
    if stage == "enrol":
        try:
            codes = mfa.confirm_enrolment(session, user=user, code=code, actor=actor)
            ok = True
        except Invalid:
            ok = False
    else:
        ok = mfa.verify(session, user=user, code=code, actor=actor)
    if not ok:
        throttle.record_failure(session, key=key, policy=throttle.ACCOUNT)
        session.commit()  # the failure counts even though the caller rolls back
        raise Invalid(mfa.BAD_CODE, field="code")
    issued = auth.start_session(session, user=user, actor=actor, kind=kind)
    return Outcome(issued=issued, recovery_codes=codes)


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`: where to go after signing in
    or out. Why so strict: a `next` that is another site ("//evil.example", "/\\evil",
    "https://...") would turn the sign-in page into an open redirect for phishing."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target)):
        return default
    return target
