"""Two-step sign-in with TOTP (RFC 6238) and single-use recovery codes.

Why each choice: the secret is encrypted at rest and bound to its user; a code is
accepted once (the last accepted time step is kept, so a code seen over a shoulder cannot
be replayed within its 30 seconds); recovery codes are stored only as hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass
from urllib.parse import quote

import segno
from sqlmodel import Session, select

from odcp.models.account_security import MfaRecoveryCode
from odcp.models.base import utcnow
from odcp.models.user import User
from odcp.services import audit
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.errors import Conflict, Forbidden, Invalid
from odcp.settings import get_settings

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 10
BAD_CODE = "That code is not right. Check your authenticator app's clock and try again."


def totp(secret_b32: str, *, step: int) -> str:
    """The RFC 6238 code (HMAC-SHA1, 6 digits) for one 30-second step."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _context(user: User) -> str:
    return f"user:{user.id}:mfa"


def _secret(user: User) -> str:
    if not user.mfa_secret_enc:
        raise Conflict("Two-step sign-in has not been set up.")
    return decrypt_text(user.mfa_secret_enc, context=_context(user))


def is_required(user: User) -> bool:
    return str(user.role) in get_settings().mfa_required_roles


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg_data_uri: str


def begin_enrolment(session: Session, *, user: User) -> Enrolment:
    """A new pending secret for `user` (replacing any unconfirmed one)."""
    user = session.get(User, user.id)
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-step sign-in is already on.")
    secret = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")
    user.mfa_secret_enc = encrypt_text(secret, context=_context(user))
    issuer = get_settings().clinic_name
    uri = (f"otpauth://totp/{quote(issuer)}:{quote(user.email)}?secret={secret}"
           f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}")
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return Enrolment(secret=secret, uri=uri, qr_svg_data_uri=qr)


def _accept_totp(user: User, code: str) -> bool:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != DIGITS:
        return False
    secret = _secret(user)
    now = current_step()
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp(secret, step=step), code):
            if user.mfa_last_step is not None and step <= user.mfa_last_step:
                return False  # already used: a replay
            user.mfa_last_step = step
            return True
    return False


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def confirm_enrolment(session: Session, *, user: User, code: str, actor: Actor) -> list[str]:
    """Turn two-step sign-in on with a first valid code; returns recovery codes once."""
    user = session.get(User, user.id)
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-step sign-in is already on.")
    if not _accept_totp(user, code):
        raise Invalid(BAD_CODE, field="code")
    user.mfa_enabled_at = utcnow()
    for old in session.exec(select(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(MfaRecoveryCode(user_id=user.id, code_hash=_code_hash(c)) for c in codes)
    audit.record(session, actor=actor, action="auth.mfa_enabled", target_type="user",
                 target_id=user.id, subject_user_id=user.id)
    return codes


def verify(session: Session, *, user: User, code: str, actor: Actor) -> bool:
    """Check a sign-in code: a TOTP code or an unused recovery code (then spent)."""
    user = session.get(User, user.id)
    if user.mfa_enabled_at is None:
        raise Conflict("Two-step sign-in has not been set up.")
    ok = _accept_totp(user, code)
    if not ok:
        row = session.exec(select(MfaRecoveryCode).where(
            MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.code_hash == _code_hash(code),
            MfaRecoveryCode.used_at.is_(None))).first()  # type: ignore[union-attr]
        if row is not None:
            row.used_at = utcnow()
            ok = True
            audit.record(session, actor=actor, action="auth.mfa_recovery_code_used",
                         target_type="user", target_id=user.id, subject_user_id=user.id)
    if not ok:
        audit.record(session, actor=actor, action="auth.mfa_failed", outcome="failure",
                     target_type="user", target_id=user.id, subject_user_id=user.id)
    return ok


def disable(session: Session, *, actor: Actor, code: str) -> None:
    """Turn two-step sign-in off (proved by a current code); not where policy requires it."""
    user = session.get(User, require_user(actor).id)
    if is_required(user):
        raise Forbidden("Two-step sign-in is required for your role and cannot be turned off.")
    if not verify(session, user=user, code=code, actor=actor):
        raise Invalid(BAD_CODE, field="code")
    user.mfa_secret_enc, user.mfa_enabled_at, user.mfa_last_step = None, None, None
    for row in session.exec(select(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id)):
        session.delete(row)
    audit.record(session, actor=actor, action="auth.mfa_disabled", target_type="user",
                 target_id=user.id, subject_user_id=user.id)


def remaining_recovery_codes(session: Session, *, user: User) -> int:
    return len(session.exec(select(MfaRecoveryCode.id).where(
        MfaRecoveryCode.user_id == user.id,
        MfaRecoveryCode.used_at.is_(None))).all())  # type: ignore[union-attr]
