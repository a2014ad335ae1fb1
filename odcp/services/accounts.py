"""Creating accounts: patient self-registration, admin creation, and the shared rules."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, func, select

from odcp.models.base import utcnow
from odcp.models.user import AccountStatus, Role, User
from odcp.services import audit
from odcp.services.actor import Actor, require_admin
from odcp.services.errors import Conflict, Invalid
from odcp.services.passwords import hash_password, validate_password

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalize_email(email: str) -> str:
    """Lower-cased and trimmed; raises Invalid when it is not an address."""
    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid("Enter a valid email address.", field="email")
    return email


def validate_timezone(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"Unknown time zone: {tz}", field="timezone") from exc
    return tz


def validate_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 120:
        raise Invalid("Enter your full name (2 to 120 characters).", field="full_name")
    return name


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def build_user(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    role: Role,
    status: AccountStatus,
    timezone: str = "UTC",
    language: str = "en",
    password_hash: str | None = None,
) -> User:
    """Validate and add a new user (not committed). `password_hash` skips re-hashing."""
    email = normalize_email(email)
    full_name = validate_name(full_name)
    validate_timezone(timezone)
    if password_hash is None:
        validate_password(password)
        password_hash = hash_password(password)
    exists = session.exec(select(func.count()).select_from(User).where(User.email == email)).one()
    if exists:
        raise Conflict("An account with this email already exists.", field="email")
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=full_name,
        role=role,
        status=status,
        timezone=timezone,
        language=language,
        email_verified_at=utcnow() if status == AccountStatus.ACTIVE else None,
    )
    session.add(user)
    session.flush()
    return user


def register_patient(
    session: Session, *, actor: Actor, email: str, password: str, full_name: str,
    timezone: str = "UTC",
) -> User:
    """Self-registration: a pending patient account, active once the email is confirmed.

    The caller sends the verification mail (odcp.services.passwords_flow).
    """
    user = build_user(
        session, email=email, password=password, full_name=full_name, role=Role.PATIENT,
        status=AccountStatus.PENDING, timezone=timezone,
    )
    audit.record(session, actor=actor, action="account.register", target_type="user",
                 target_id=user.id, subject_user_id=user.id)
    return user


def create_admin(
    session: Session, *, actor: Actor, email: str, password: str, full_name: str,
    super_admin: bool = False,
) -> User:
    """A new admin; only an admin or the system (CLI) may create one."""
    require_admin(actor)
    user = build_user(
        session, email=email, password=password, full_name=full_name,
        role=Role.SUPER_ADMIN if super_admin else Role.ADMIN, status=AccountStatus.ACTIVE,
    )
    audit.record(session, actor=actor, action="account.create_admin", target_type="user",
                 target_id=user.id, subject_user_id=user.id)
    return user
