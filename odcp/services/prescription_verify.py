"""Signed prescription references and the public check behind the QR code.

A reference is url-safe base64 of 12 random bytes (the prescription's `public_id`) followed
by the first 12 bytes of an HMAC-SHA256 over them, keyed from ODCP_SECRET_KEY. Why both:
the random half makes references unguessable and unrelated to row ids, and the tag lets
the server reject a forged or altered reference before touching the database. Nothing
medical is inside; the check answers genuine or not, who issued it, when, and its status,
with the patient's initials only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from odcp.models.clinical import Prescription
from odcp.models.doctor import DoctorProfile
from odcp.models.user import User
from odcp.services import audit
from odcp.services.actor import Actor
from odcp.settings import get_settings

log = logging.getLogger("odcp.prescriptions")

_ID_BYTES = 12
_TAG_BYTES = 12
_KEY_LABEL = b"odcp prescription reference v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _key() -> bytes:
    """A key used for nothing else, derived from the app's secret key."""
    return hmac.new(get_settings().secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _tag(raw_id: bytes) -> bytes:
    return hmac.new(_key(), raw_id, hashlib.sha256).digest()[:_TAG_BYTES]


def new_public_id() -> str:
    return _b64(secrets.token_bytes(_ID_BYTES))


def reference_for(public_id: str) -> str:
    raw = base64.urlsafe_b64decode(public_id + "=" * (-len(public_id) % 4))
    return _b64(raw + _tag(raw))


def public_id_from(reference: str) -> str | None:
    """The public id inside a genuine reference; None for anything forged or altered."""
    reference = (reference or "").strip()
    if len(reference) != 32 or not reference.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(reference)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _ID_BYTES + _TAG_BYTES or _b64(raw) != reference:
        return None
    if not hmac.compare_digest(raw[_ID_BYTES:], _tag(raw[:_ID_BYTES])):
        return None
    return _b64(raw[:_ID_BYTES])


def verify_url(reference: str) -> str:
    return f"{get_settings().public_url}/verify/{reference}"


def initials(full_name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in full_name.split() if part[:1].isalpha())


@dataclass(frozen=True)
class Verification:
    """What anyone holding the paper may learn; `genuine` False says nothing else."""

    genuine: bool
    doctor_name: str = ""
    doctor_registration: str = ""
    issued_on: date | None = None
    valid_until: date | None = None
    status: str = ""
    patient_initials: str = ""


def verify(session: Session, *, actor: Actor, reference: str,
           today: date | None = None) -> Verification:
    """Check a reference from the QR code. Genuine checks are audited (a pharmacy looked
    at this prescription); forgeries are logged without touching the database."""
    public_id = public_id_from(reference)
    row = None if public_id is None else session.exec(
        select(Prescription).where(Prescription.public_id == public_id)).first()
    if row is None:
        log.warning("prescription reference not genuine from %s", actor.ip or "unknown")
        return Verification(genuine=False)
    profile = session.get(DoctorProfile, row.doctor_id)
    doctor = session.get(User, profile.user_id) if profile else None
    patient = session.get(User, row.patient_id)
    status = str(row.status_on(today))
    audit.record(session, actor=actor, action="prescription.verify",
                 target_type="prescription", target_id=row.id,
                 subject_user_id=row.patient_id, detail={"status": status})
    return Verification(genuine=True, doctor_name=doctor.full_name if doctor else "",
                        doctor_registration=profile.licence_number if profile else "",
                        issued_on=row.issued_at.date(), valid_until=row.valid_until,
                        status=status, patient_initials=initials(patient.full_name)
                        if patient else "")
