"""The clinic's booking policy: read by everyone, changed by appointment administrators.

One row (id 1) holds it; `slots.policy` reads it with defaults until an admin saves it for
the first time. Every setting has limits here, checked all together before anything is
written, so a bad value changes nothing and the message names what to fix. A change is
audited with the values before and after, so "who shortened the cancellation window?"
has an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from odcp.models.audit import AuditEntry
from odcp.models.base import utcnow
from odcp.models.schedule import ClinicPolicy
from odcp.models.user import User
from odcp.services import audit, slots
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Invalid
from odcp.services.permissions import Permission, require_permission

ACTION = "clinic_policy.update"


@dataclass(frozen=True)
class Setting:
    label: str
    low: int
    high: int
    unit: str


# The whole-number settings and their limits.
SETTINGS: dict[str, Setting] = {
    "booking_horizon_days": Setting("Booking horizon", 1, 365, "days"),
    "min_notice_minutes": Setting("Minimum notice", 0, 10_080, "minutes"),
    "cancel_cutoff_hours": Setting("Cancellation cut-off", 0, 720, "hours"),
    "reschedule_cutoff_hours": Setting("Reschedule cut-off", 0, 720, "hours"),
    "room_opens_minutes_before": Setting("Room opens before the start", 0, 120, "minutes"),
    "chat_open_days_after": Setting("Chat stays open after the visit", 0, 90, "days"),
}
# The yes/no settings, named as the message for a bad value reads them.
SWITCHES: dict[str, str] = {
    "requires_approval": "Whether bookings need approval",
    "share_notes_with_patient": "Whether signed consultation notes are shared with the patient",
}
FIELDS = (*SETTINGS, *SWITCHES)


@dataclass(frozen=True)
class LastChange:
    at: datetime
    by: str


def current(session: Session) -> ClinicPolicy:
    """The policy in force (anyone may read it: it is what patients are held to)."""
    return slots.policy(session)


def values(policy: ClinicPolicy) -> dict[str, int | bool]:
    return {name: getattr(policy, name) for name in FIELDS}


def read(session: Session, *, actor: Actor) -> ClinicPolicy:
    """The policy, for the administrators who may change it."""
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    return current(session)


def _whole(name: str, value: object) -> int:
    setting = SETTINGS[name]
    if isinstance(value, str):
        value = value.strip()
        if value.isascii() and value.isdigit():
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{setting.label} must be a whole number of {setting.unit}.", field=name)
    if not setting.low <= value <= setting.high:
        raise Invalid(f"{setting.label} must be between {setting.low:,} and {setting.high:,} "
                      f"{setting.unit}.", field=name)
    return value


def _yes_no(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "on", "off"):
        return value.strip().lower() in ("true", "on")
    raise Invalid(f"{SWITCHES[name]} must be yes or no.", field=name)


def _validated(changes: Mapping[str, object], base: dict[str, int | bool]
               ) -> dict[str, int | bool]:
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(f"Unknown setting {unknown[0]!r}; the settings are {', '.join(FIELDS)}.",
                      field=unknown[0])
    wanted = dict(base)
    for name, value in changes.items():
        wanted[name] = _yes_no(name, value) if name in SWITCHES else _whole(name, value)
    if wanted["min_notice_minutes"] >= wanted["booking_horizon_days"] * 24 * 60:
        raise Invalid("The minimum notice must be shorter than the booking horizon, or no "
                      "time could ever be booked.", field="min_notice_minutes")
    return wanted


def _row_for_update(session: Session) -> ClinicPolicy:
    """The stored row, locked until commit (a no-op UPDATE: a row lock on PostgreSQL, the
    write lock on SQLite, as booking does), created with the defaults on the first save."""
    locked = session.exec(sql_update(ClinicPolicy).where(col(ClinicPolicy.id) == 1)
                          .values(id=ClinicPolicy.id))
    if locked.rowcount == 1:
        return session.get(ClinicPolicy, 1, populate_existing=True)
    row = ClinicPolicy(id=1)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("Another administrator saved the policy at the same moment; check "
                       "the settings and save again.") from None
    return row


def update(session: Session, *, actor: Actor, changes: Mapping[str, object],
           now: datetime | None = None) -> ClinicPolicy:
    """Change the settings named in `changes` (the others keep their values).

    Values may be ints/bools or the strings a form sends. Nothing is written unless every
    value is valid; saving the same values again is not a change and is not audited.
    """
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    wanted = _validated(changes, values(current(session)))
    row = _row_for_update(session)
    before = values(row)
    wanted = _validated(changes, before)  # against the locked row, if it moved meanwhile
    diff = {name: {"before": before[name], "after": wanted[name]}
            for name in FIELDS if before[name] != wanted[name]}
    if not diff:
        return row
    for name in diff:
        setattr(row, name, wanted[name])
    row.updated_at = now or utcnow()
    audit.record(session, actor=actor, action=ACTION, target_type="clinic_policy",
                 target_id=1, detail={"changes": diff})
    session.flush()
    return row


def last_change(session: Session) -> LastChange | None:
    """When the policy last changed and who changed it, from the audit log."""
    found = session.exec(
        select(AuditEntry.at, User.full_name)
        .join(User, col(User.id) == AuditEntry.actor_id, isouter=True)
        .where(AuditEntry.action == ACTION)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(1)).first()
    if found is None:
        return None
    return LastChange(at=found[0], by=found[1] or "the system")
