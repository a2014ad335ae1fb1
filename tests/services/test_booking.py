"""Booking: one winner per slot under real concurrency, and the booking rules."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from odcp.models import (
    AccountStatus,
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    ClinicPolicy,
    DoctorProfile,
    Role,
    VerificationStatus,
)
from odcp.services import booking
from odcp.services.accounts import build_user
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.doctor_helpers import listed_profile


def _next_monday_9() -> datetime:
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.combine(monday, time(9), tzinfo=UTC)


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone="UTC",
                            modes=["video", "audio"], fee_cents=5000,
                            fees_by_mode={"video": 5000, "audio": 4000},)
    session.add(profile)
    session.flush()
    session.add(AvailabilityRule(doctor_id=profile.id, weekday=0, start_time=time(9),
                                 end_time=time(12), slot_minutes=30))
    session.add(ClinicPolicy(min_notice_minutes=0, booking_horizon_days=30))
    session.commit()
    return profile


def test_patient_books_a_slot_and_the_reason_is_encrypted(engine, session, personas, doctor):
    slot = _next_monday_9()
    appt = booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=doctor.id, starts_at=slot, mode="audio",
                             reason="chest tightness when climbing stairs")
    assert appt.status == AppointmentStatus.CONFIRMED and appt.fee_cents == 4000
    assert appt.ends_at - appt.starts_at == timedelta(minutes=30)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT reason_enc FROM appointments")).scalar()
    assert "chest" not in raw


def test_racing_patients_get_one_appointment(engine, session, personas, doctor,
                                                        password_hash):
    patients = [build_user(session, email=f"racer{i}@test.example", password="",
                           full_name=f"Racer {i}", role=Role.PATIENT,
                           status=AccountStatus.ACTIVE, password_hash=password_hash)
                for i in range(24)]
    session.commit()
    slot = _next_monday_9()

    def attempt(user) -> str:
        with Session(engine, expire_on_commit=False) as s:
            try:
                booking.book_slot(s, actor=Actor(user=user), doctor_id=doctor.id,
                                  starts_at=slot, mode="video")
                return "won"
            except booking.SlotTaken as exc:
                assert exc.alternatives and exc.alternatives[0].starts_at > slot
                return "taken"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, patients))
    assert results.count("won") == 1 and results.count("taken") == len(patients) - 1
    assert len(session.exec(select(Appointment)).all()) == 1


def test_a_patient_cannot_hold_two_overlapping_appointments(session, personas, doctor):
    other = listed_profile(session, personas.doctor_d, timezone="UTC", modes=["video"],)
    session.add(other)
    session.flush()
    session.add(AvailabilityRule(doctor_id=other.id, weekday=0, start_time=time(9),
                                 end_time=time(10), slot_minutes=20))
    session.commit()
    actor = personas.actor(personas.patient_a)
    booking.book_slot(session, actor=actor, doctor_id=doctor.id, starts_at=_next_monday_9(),
                      mode="video")
    with pytest.raises(Conflict, match="already have an appointment"):
        booking.book_slot(session, actor=actor, doctor_id=other.id,
                          starts_at=_next_monday_9() + timedelta(minutes=20), mode="video")


def test_booking_rules(session, personas, doctor):
    slot = _next_monday_9()
    with pytest.raises(Forbidden):
        booking.book_slot(session, actor=personas.actor(personas.doctor_d),
                          doctor_id=doctor.id, starts_at=slot, mode="video")
    with pytest.raises(Invalid, match="does not offer"):
        booking.book_slot(session, actor=personas.actor(personas.patient_a),
                          doctor_id=doctor.id, starts_at=slot, mode="chat")
    with pytest.raises(booking.SlotTaken):  # not a slot start
        booking.book_slot(session, actor=personas.actor(personas.patient_a),
                          doctor_id=doctor.id, starts_at=slot + timedelta(minutes=5),
                          mode="video")
    doctor.verification_status = VerificationStatus.SUBMITTED
    session.commit()
    with pytest.raises(NotFound):
        booking.book_slot(session, actor=personas.actor(personas.patient_a),
                          doctor_id=doctor.id, starts_at=slot, mode="video")


def test_approval_policy_makes_bookings_pending(session, personas, doctor):
    session.get(ClinicPolicy, 1).requires_approval = True
    session.commit()
    appt = booking.book_slot(session, actor=personas.actor(personas.patient_c),
                             doctor_id=doctor.id, starts_at=_next_monday_9(), mode="video")
    assert appt.status == AppointmentStatus.PENDING
