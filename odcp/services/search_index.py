"""Keeping each doctor's search document current.

Call `index_doctor` in the same transaction as any change to a doctor's name, specialties,
conditions or bio; the database-side full-text index follows the document (triggers on
SQLite, a generated column on PostgreSQL).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from odcp.models.doctor import DoctorProfile, DoctorSearchDocument, DoctorSpecialty, Specialty
from odcp.models.user import User


def index_doctor(session: Session, *, doctor_id: int) -> DoctorSearchDocument:
    profile = session.get(DoctorProfile, doctor_id)
    user = session.get(User, profile.user_id)
    other_ids = session.exec(select(DoctorSpecialty.specialty_id)
                             .where(DoctorSpecialty.doctor_id == doctor_id)).all()
    ids = [i for i in [profile.specialty_id, *other_ids] if i is not None]
    names = session.exec(select(Specialty.name).where(col(Specialty.id).in_(ids))).all() \
        if ids else []
    document = session.get(DoctorSearchDocument, doctor_id) or DoctorSearchDocument(
        doctor_id=doctor_id)
    document.name = user.full_name.replace("Dr. ", "")
    document.specialties = " ".join(names)
    document.conditions = profile.conditions_treated
    document.bio = profile.bio
    session.add(document)
    session.flush()
    return document


def reindex_all(session: Session) -> int:
    ids = session.exec(select(DoctorProfile.id)).all()
    for doctor_id in ids:
        index_doctor(session, doctor_id=doctor_id)
    return len(ids)
