"""Email verification, password reset and password change.

Answers to "send me a link" are the same whether or not the account exists, so the
forms cannot be used to find out who is a patient here.
"""

from __future__ import annotations

from sqlmodel import Session

from odcp.models.base import utcnow
from odcp.models.user import AccountStatus, User
from odcp.services import audit, auth, email_links
from odcp.services.accounts import find_by_email
from odcp.services.actor import Actor, require_user
from odcp.services.errors import Invalid
from odcp.services.mail import outbox
from odcp.services.passwords import hash_password, validate_password, verify_password

LINK_SENT = "If an account uses that address, we have sent it a link."


def send_verification(session: Session, *, user: User) -> int:
    link = email_links.issue(session, user=user, purpose="verify_email")
    return outbox.queue(session, to=user.email, kind="verify_email", name=user.full_name,
                        link=link).id


def verify_email(session: Session, *, token: str, actor: Actor) -> User:
    user = email_links.consume(session, token=token, purpose="verify_email")
    if user.status == AccountStatus.PENDING and user.role == "patient":
        user.status = AccountStatus.ACTIVE
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record(session, actor=actor, action="account.verify_email", target_type="user",
                 target_id=user.id, subject_user_id=user.id)
    return user


def resend_verification(session: Session, *, email: str, actor: Actor) -> list[int]:
    """Queue a new link for an unverified account; returns mail ids (maybe none)."""
    user = find_by_email(session, email or "")
    if user is None or user.email_verified_at is not None:
        return []
    audit.record(session, actor=actor, action="account.resend_verification",
                 target_type="user", target_id=user.id, subject_user_id=user.id)
    return [send_verification(session, user=user)]


def request_reset(session: Session, *, email: str, actor: Actor) -> list[int]:
    user = find_by_email(session, email or "")
    if user is None or user.status in (AccountStatus.REMOVED, AccountStatus.SUSPENDED):
        return []
    link = email_links.issue(session, user=user, purpose="password_reset")
    audit.record(session, actor=actor, action="account.password_reset_requested",
                 target_type="user", target_id=user.id, subject_user_id=user.id)
    return [outbox.queue(session, to=user.email, kind="password_reset", name=user.full_name,
                         link=link).id]


def _set_password(session: Session, *, user: User, password: str, actor: Actor,
                  action: str) -> int:
    validate_password(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = user.updated_at = utcnow()
    revoked = auth.revoke_all(session, user_id=user.id, reason="password_changed")
    audit.record(session, actor=actor, action=action, target_type="user", target_id=user.id,
                 subject_user_id=user.id, detail={"sessions_revoked": revoked})
    return outbox.queue(session, to=user.email, kind="password_changed",
                        name=user.full_name).id


def reset_password(session: Session, *, token: str, password: str, actor: Actor) -> int:
    """Set a new password from an emailed link; every session is signed out."""
    validate_password(password)
    user = email_links.consume(session, token=token, purpose="password_reset")
    if user.status == AccountStatus.PENDING and user.role == "patient":
        user.status, user.email_verified_at = AccountStatus.ACTIVE, utcnow()
    return _set_password(session, user=user, password=password, actor=actor,
                         action="account.password_reset")


def change_password(session: Session, *, actor: Actor, current: str, new: str) -> int:
    """Change one's own password after proving the current one; signs out everywhere."""
    user = session.get(User, require_user(actor).id)  # the actor's copy may be detached
    if not verify_password(current, user.password_hash):
        audit.record(session, actor=actor, action="account.password_change",
                     outcome="failure", target_type="user", target_id=user.id)
        raise Invalid("Your current password is not correct.", field="current_password")
    if current == new:
        raise Invalid("Choose a password different from the current one.", field="password")
    return _set_password(session, user=user, password=new, actor=actor,
                         action="account.password_change")
