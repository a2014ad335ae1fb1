"""Shared setup for the notes and prescriptions tests: doctor B's and D's profiles, an
appointment between patient A and doctor B in a chosen status, and a valid medication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from odcp.models import Appointment, AppointmentStatus, DoctorProfile
from tests.conftest import Personas
from tests.doctor_helpers import listed_profile

AMOXICILLIN = {"name": "Amoxicillin", "strength": "500 mg", "route": "oral",
               "frequency": "three times daily", "duration": "7 days",
               "quantity": "21 capsules", "instructions": "Take with food"}
IBUPROFEN = {"name": "Ibuprofen", "strength": "400 mg", "route": "oral",
             "frequency": "every 8 hours as needed", "duration": "2 weeks",
             "quantity": "30 tablets", "instructions": ""}


@dataclass
class Clinic:
    doctor_b: DoctorProfile
    doctor_d: DoctorProfile
    appointment: Appointment


def appointment(session: Session, personas: Personas, profile: DoctorProfile,
                status: AppointmentStatus = AppointmentStatus.CONFIRMED,
                days: int = 1) -> Appointment:
    starts = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    appt = Appointment(patient_id=personas.patient_a.id, doctor_id=profile.id,
                       starts_at=starts, ends_at=starts + timedelta(minutes=30), mode="video",
                       status=status)
    session.add(appt)
    session.commit()
    return appt


def clinic(session: Session, personas: Personas) -> Clinic:
    b = listed_profile(session, personas.doctor_b, licence_number="REG-778899",
                       timezone="UTC", modes=["video"])
    d = listed_profile(session, personas.doctor_d, licence_number="REG-111111",
                       timezone="UTC", modes=["video"])
    session.commit()
    return Clinic(doctor_b=b, doctor_d=d, appointment=appointment(session, personas, b))


def raw_rows(session: Session, *tables: str) -> str:
    """Every row of `tables` as the database returns it, as one string to search."""
    session.flush()
    return "\n".join(repr(row) for table in tables
                     for row in session.execute(text(f"SELECT * FROM {table}")).all())
