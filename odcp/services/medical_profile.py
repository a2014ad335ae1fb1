"""A patient's medical profile: validated, sealed at rest, and read only by who may.

Why one sealed JSON document rather than columns: nothing in it is ever queried, and a
single AES-GCM blob bound to the patient (context "patient:<id>:medical") keeps the whole
record unreadable in the database, in backups and if copied onto another patient's row.
Every read by someone other than the patient, allowed or refused, lands in the audit log,
and the patient can see the allowed ones (`access_log`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import StringConstraints as Str
from sqlmodel import Session, col, select

from odcp.models.audit import AuditEntry
from odcp.models.base import utcnow
from odcp.models.patient import PatientProfile
from odcp.models.user import Role, User
from odcp.services import audit, care
from odcp.services.accounts import normalize_phone
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.errors import Forbidden, Invalid

READ_ACTION = "medical_profile.read"
MAX_ROWS = 50


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life-threatening"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    UNDISCLOSED = "undisclosed"


class BloodGroup(StrEnum):
    A_POS, A_NEG, B_POS, B_NEG = "A+", "A-", "B+", "B-"
    AB_POS, AB_NEG, O_POS, O_NEG = "AB+", "AB-", "O+", "O-"


Name = Annotated[str, Str(strip_whitespace=True, min_length=1, max_length=120)]
Short = Annotated[str, Str(strip_whitespace=True, max_length=120)]
Note = Annotated[str, Str(strip_whitespace=True, max_length=300)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Allergy(_Part):
    substance: Name
    reaction: Note = ""
    severity: Severity


class Medication(_Part):
    name: Name
    dose: Short = ""
    frequency: Short = ""


class Surgery(_Part):
    procedure: Annotated[str, Str(strip_whitespace=True, min_length=1, max_length=200)]
    year: int | None = Field(default=None, ge=1900)

    @field_validator("year", mode="before")
    @classmethod
    def _blank_year(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("year")
    @classmethod
    def _not_future(cls, value: int | None) -> int | None:
        if value is not None and value > utcnow().year:
            raise ValueError("cannot be in the future")
        return value


class Lifestyle(_Part):
    smoking: Note = ""
    alcohol: Note = ""
    exercise: Note = ""
    diet: Note = ""


class EmergencyContact(_Part):
    name: Short = ""
    relation: Short = ""
    phone: str = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        try:
            return normalize_phone(value) or ""
        except Invalid as exc:
            raise ValueError(exc.message) from None


def _drop_blank_rows(rows):
    """The page sends rows the patient added but left empty; they mean nothing."""
    if not isinstance(rows, list):
        return rows
    return [r for r in rows if not (isinstance(r, dict) and
                                    all(str(v or "").strip() == "" for v in r.values()))]


class MedicalProfile(_Part):
    date_of_birth: date | None = None
    sex: Sex | None = None
    blood_group: BloodGroup | None = None
    allergies: list[Allergy] = Field(default_factory=list, max_length=MAX_ROWS)
    chronic_conditions: list[Name] = Field(default_factory=list, max_length=MAX_ROWS)
    medications: list[Medication] = Field(default_factory=list, max_length=MAX_ROWS)
    surgeries: list[Surgery] = Field(default_factory=list, max_length=MAX_ROWS)
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    family_history: Annotated[str, Str(strip_whitespace=True, max_length=4000)] = ""
    emergency_contact: EmergencyContact = Field(default_factory=EmergencyContact)

    @field_validator("date_of_birth", "sex", "blood_group", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("allergies", "medications", "surgeries", mode="before")
    @classmethod
    def _rows(cls, rows):
        return _drop_blank_rows(rows)

    @field_validator("chronic_conditions", mode="before")
    @classmethod
    def _conditions(cls, rows):
        if not isinstance(rows, list):
            return rows
        return [r for r in rows if not (isinstance(r, str) and not r.strip())]

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth(cls, value: date | None) -> date | None:
        # "Today" where the calendar is furthest ahead (UTC+14), so no zone is refused.
        today = (utcnow() + timedelta(hours=14)).date()
        if value is not None and value > today:
            raise ValueError("cannot be in the future")
        if value is not None and value < today.replace(year=today.year - 130, day=1):
            raise ValueError("cannot be more than 130 years ago")
        return value

    @field_validator("emergency_contact")
    @classmethod
    def _contact_complete(cls, value: EmergencyContact) -> EmergencyContact:
        if (value.relation or value.phone) and not value.name:
            raise ValueError("add the contact's name")
        if value.name and not value.phone:
            raise ValueError("add a phone number so the clinic can reach them")
        return value


_LABELS = {"date_of_birth": "Date of birth", "sex": "Sex", "blood_group": "Blood group",
           "allergies": "Allergy", "chronic_conditions": "Chronic condition",
           "medications": "Medication", "surgeries": "Surgery", "lifestyle": "Lifestyle",
           "family_history": "Family history", "emergency_contact": "Emergency contact"}


def _friendly(err: dict) -> Invalid:
    """One pydantic error as a sentence a patient understands, naming the row and field."""
    loc = [p for p in err.get("loc", ()) if p != "__root__"]
    where = _LABELS.get(str(loc[0]), str(loc[0])) if loc else ""
    for p in loc[1:]:
        where += f" {p + 1}" if isinstance(p, int) else ", " + str(p).replace("_", " ")
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        msg = "this is required"
    elif kind == "string_too_long":
        msg = f"at most {ctx.get('max_length')} characters"
    elif kind == "too_long":
        msg = f"at most {ctx.get('max_length')} entries"
    elif kind == "enum" and not str(err.get("input") or "").strip():
        msg = "choose one from the list"
    elif kind == "enum":
        msg = f"choose one of {ctx.get('expected', 'the listed options')}"
    elif kind.startswith("date"):
        msg = "enter a date as YYYY-MM-DD"
    elif kind.startswith("int") or kind == "greater_than_equal":
        msg = "enter a four-digit year, 1900 or later"
    elif kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
    elif kind == "extra_forbidden":
        msg = "this field is not part of the profile"
    else:
        msg = err.get("msg", "this value is not valid")
    msg = msg.rstrip(".")
    if where:
        msg = f"{where}: {msg[:1].lower()}{msg[1:]}"
    return Invalid(f"{msg[:1].upper()}{msg[1:]}.",
                   field=".".join(str(p) for p in loc) or None)


def validate(data: dict) -> MedicalProfile:
    """The profile from untrusted input, or Invalid naming the first problem."""
    try:
        return MedicalProfile.model_validate(data)
    except ValidationError as exc:
        raise _friendly(exc.errors()[0]) from None


def _context(user_id: int) -> str:
    return f"patient:{user_id}:medical"


def _row(session: Session, user_id: int) -> PatientProfile | None:
    return session.exec(select(PatientProfile).where(PatientProfile.user_id == user_id)).first()


def _load(session: Session, user_id: int) -> MedicalProfile:
    row = _row(session, user_id)
    if row is None or not row.medical_enc:
        return MedicalProfile()
    plain = decrypt_text(row.medical_enc, context=_context(user_id))
    return MedicalProfile.model_validate_json(plain)


def _require_patient(actor: Actor) -> User:
    user = require_user(actor)
    if user.role != Role.PATIENT:
        raise Forbidden("Only patients have a medical profile.")
    return user


def get_own(session: Session, *, actor: Actor) -> MedicalProfile:
    return _load(session, _require_patient(actor).id)


def update_own(session: Session, *, actor: Actor, data: dict) -> MedicalProfile:
    """Replace the signed-in patient's profile; all or nothing. The audit entry names the
    sections that changed, never their content."""
    user = _require_patient(actor)
    profile = validate(data)
    old = _load(session, user.id).model_dump(mode="json")
    new = profile.model_dump(mode="json")
    row = _row(session, user.id) or PatientProfile(user_id=user.id)
    row.medical_enc = encrypt_text(json.dumps(new), context=_context(user.id))
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="medical_profile.update",
                 target_type="patient_profile", target_id=row.id, subject_user_id=user.id,
                 detail={"sections": sorted(k for k in new if new[k] != old[k])})
    return profile


def read_for(session: Session, *, actor: Actor, patient_user_id: int) -> MedicalProfile:
    """The patient themself, or a doctor who treats them (odcp.services.care); nobody else,
    admins included. A refused attempt is audited and committed before Forbidden is
    raised, since the caller rolls back on errors."""
    user = require_user(actor)
    if user.id == patient_user_id:
        return get_own(session, actor=actor)
    allowed = user.role == Role.DOCTOR and care.treats(
        session, doctor_user_id=user.id, patient_user_id=patient_user_id)
    audit.record(session, actor=actor, action=READ_ACTION, target_type="patient_profile",
                 target_id=patient_user_id, subject_user_id=patient_user_id,
                 outcome="success" if allowed else "failure",
                 detail={} if allowed else {"reason": "not_treating"})
    if not allowed:
        session.commit()
        raise Forbidden("You can read a patient's medical profile only when they have an "
                        "appointment with you.")
    return _load(session, patient_user_id)


@dataclass(frozen=True)
class Access:
    at: datetime
    viewer_name: str
    viewer_role: str


def access_log(session: Session, *, actor: Actor, limit: int = 200) -> list[Access]:
    """Who opened the signed-in patient's record and when, newest first."""
    me = _require_patient(actor)
    rows = session.exec(
        select(AuditEntry, User)
        .join(User, col(User.id) == col(AuditEntry.actor_id), isouter=True)
        .where(AuditEntry.subject_user_id == me.id, AuditEntry.action == READ_ACTION,
               AuditEntry.outcome == "success", col(AuditEntry.actor_id) != me.id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    ).all()
    return [Access(at=e.at, viewer_name=u.full_name if u else "A former user",
                   viewer_role=str(u.role) if u else (e.actor_role or "unknown"))
            for e, u in rows]
