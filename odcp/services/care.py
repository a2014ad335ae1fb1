"""Who treats whom: the rule that lets a doctor read a patient's medical data.

A doctor treats a patient when they share an appointment that is or was real: pending,
confirmed, in progress or completed (a cancelled booking or a no-show gives no access).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.services.doctor_profiles import profile_of_user

TREATING_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED,
                     AppointmentStatus.IN_PROGRESS, AppointmentStatus.COMPLETED)


def treats(session: Session, *, doctor_user_id: int, patient_user_id: int) -> bool:
    """True when the doctor has a current or past appointment with the patient."""
    profile = profile_of_user(session, doctor_user_id)
    if profile is None:
        return False
    found = session.exec(
        select(Appointment.id).where(Appointment.doctor_id == profile.id,
                                     Appointment.patient_id == patient_user_id,
                                     col(Appointment.status).in_(TREATING_STATUSES)).limit(1)
    ).first()
    return found is not None
