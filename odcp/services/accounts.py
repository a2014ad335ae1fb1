"""Creating accounts: patient self-registration, admin creation, and the shared rules."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, func, select

from odcp.models.base import utcnow
from odcp.models.user import AccountStatus, Role, User
from odcp.services import audit
from odcp.services.actor import Actor, require_admin, require_user
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


_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
LANGUAGES = {"ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French",
             "hi": "Hindi", "it": "Italian", "ja": "Japanese", "pt": "Portuguese",
             "ru": "Russian", "ta": "Tamil", "ur": "Urdu", "zh": "Chinese"}


def normalize_phone(phone: str) -> str | None:
    """E.164 (+ and 7 to 15 digits) after dropping spaces, dots, dashes and brackets."""
    raw = re.sub(r"[\s().-]", "", phone or "")
    if not raw:
        return None
    if not _PHONE.match(raw):
        raise Invalid("Enter the phone number in international form, e.g. +44 20 7946 0958.",
                      field="phone")
    return raw


def update_profile(
    session: Session, *, actor: Actor, full_name: str, phone: str, timezone: str,
    language: str,
) -> User:
    """Change one's own name, phone, time zone and language; all or nothing."""
    user = session.get(User, require_user(actor).id)
    name = validate_name(full_name)
    phone_value = normalize_phone(phone)
    validate_timezone(timezone)
    if language not in LANGUAGES:
        raise Invalid("Choose a language from the list.", field="language")
    changed = sorted(k for k, old, new in (("full_name", user.full_name, name),
                                           ("phone", user.phone, phone_value),
                                           ("timezone", user.timezone, timezone),
                                           ("language", user.language, language)) if old != new)
    user.full_name, user.phone, user.timezone, user.language = name, phone_value, timezone, language
    user.updated_at = utcnow()
    audit.record(session, actor=actor, action="account.update_profile", target_type="user",
                 target_id=user.id, subject_user_id=user.id, detail={"fields": changed})
    return user
