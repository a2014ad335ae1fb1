"""The admin appointments dashboard: every appointment with filters and paging, and
reassigning one to another doctor (same patient and time) only when that doctor can take it,
with one winner when two admins race for one slot."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier

import pytest
from sqlmodel import Session, select

from odcp.models import (
    AccountStatus,
    Appointment,
    AppointmentStatus,
    AuditEntry,
    ClinicPolicy,
    DoctorProfile,
    OutboxMessage,
    Role,
)
from odcp.services import appointments, appointments_admin, booking, notes, slots
from odcp.services.accounts import build_user
from odcp.services.appointments_admin import AppointmentFilter
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.booking_helpers import open_all_week, utc_at
from tests.doctor_helpers import listed_profile

S = AppointmentStatus


def _doctor(session, user, modes=("video",), slot_minutes=30) -> DoctorProfile:
    profile = listed_profile(session, user, timezone="UTC", modes=list(modes),
                             fee_cents=5000, currency="EUR")
    open_all_week(session, profile.id, slot_minutes)
    session.flush()
    return profile


@pytest.fixture
def clinic(session, personas, password_hash):
    """Doctors B and D (video) and F (audio only); the clinic takes bookings at once."""
    third = build_user(session, email="doctor.f@test.example", password="",
                       full_name="Doctor F", role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                       password_hash=password_hash)
    session.flush()
    session.add(ClinicPolicy(min_notice_minutes=0))
    docs = {"b": _doctor(session, personas.doctor_b), "d": _doctor(session, personas.doctor_d),
            "f": _doctor(session, third, modes=("audio",))}
    session.commit()
    return docs


def _book(session, personas, patient, doctor, days=3, hour=9) -> Appointment:
    return booking.book_slot(session, actor=personas.actor(patient), doctor_id=doctor.id,
                             starts_at=utc_at(days, hour), mode="video")


def _admin(personas):
    return personas.actor(personas.admin)


@pytest.mark.parametrize(("role", "subrole", "allowed"), [
    (Role.ADMIN, None, True), (Role.ADMIN, "appointments", True),
    (Role.ADMIN, "finance", False), (Role.ADMIN, "support", False),
    (Role.DOCTOR, None, False), (Role.PATIENT, None, False)])
def test_only_admins_with_the_appointments_power(session, personas, clinic, role, subrole,
                                                 allowed):
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    personas.admin.role, personas.admin.admin_subrole = role, subrole
    session.commit()
    actor = _admin(personas)
    calls = [
        lambda: appointments_admin.list_appointments(session, actor=actor),
        lambda: appointments_admin.free_doctors(session, actor=actor, appointment_id=appt.id),
        lambda: appointments_admin.reassign(session, actor=actor, appointment_id=appt.id,
                                            doctor_id=clinic["d"].id, reason="Doctor B away"),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(Forbidden):
                call()
    session.commit()
    assert session.get(Appointment, appt.id).doctor_id == (clinic["d"] if allowed
                                                           else clinic["b"]).id


def test_filters_paging_and_order(session, personas, clinic):
    first = _book(session, personas, personas.patient_a, clinic["b"], days=2)
    second = _book(session, personas, personas.patient_c, clinic["d"], days=4)
    third = _book(session, personas, personas.patient_a, clinic["d"], days=6)
    appointments.cancel(session, actor=_admin(personas), appointment_id=second.id,
                        reason="Clinic closed")
    session.add(Appointment(patient_id=personas.patient_c.id, doctor_id=clinic["b"].id,
                            starts_at=utc_at(-3), ends_at=utc_at(-3) + timedelta(minutes=30),
                            mode="video", status=S.COMPLETED, fee_cents=5000))
    session.commit()
    past = session.exec(select(Appointment).where(Appointment.status == S.COMPLETED)).one()

    def ids(**filters) -> list[int]:
        found = appointments_admin.list_appointments(
            session, actor=_admin(personas), filters=AppointmentFilter(**filters))
        return [r.id for r in found.rows]

    # Upcoming first (soonest first), then the past, most recent first.
    assert ids() == [first.id, second.id, third.id, past.id]
    assert ids(order="newest")[0] == past.id  # the most recently booked
    assert ids(status="cancelled") == [second.id]
    assert ids(doctor_id=clinic["d"].id) == [second.id, third.id]
    assert ids(patient="CARLOS") == [] and ids(patient="patient c") == [second.id, past.id]
    assert ids(patient="patient.a@test") == [first.id, third.id]
    assert ids(since=utc_at(3, 0), until=utc_at(7, 0)) == [second.id, third.id]
    assert ids(since=utc_at(3, 0), status="confirmed", patient="a") == [third.id]

    page = appointments_admin.list_appointments(session, actor=_admin(personas),
                                                page=2, page_size=3)
    assert (page.total, page.pages, [r.id for r in page.rows]) == (4, 2, [past.id])
    row = appointments_admin.list_appointments(
        session, actor=_admin(personas), filters=AppointmentFilter(patient="patient a")).rows[0]
    assert (row.patient_name, row.patient_email, row.doctor_name) == (
        "Patient A", "patient.a@test.example", "Doctor B")
    assert (row.mode, row.status, row.fee_cents, row.currency) == ("video", "confirmed",
                                                                   5000, "EUR")
    assert row.can_cancel and row.can_reassign
    for bad in (dict(status="lost"), dict(order="random"),
                dict(since=utc_at(5), until=utc_at(4)), dict(since=datetime(2026, 1, 1))):
        with pytest.raises(Invalid):
            ids(**bad)


def test_reassign_keeps_patient_and_time_and_frees_the_old_slot(session, personas, clinic):
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    choices = appointments_admin.free_doctors(session, actor=_admin(personas),
                                              appointment_id=appt.id)
    assert [(c.name, c.free, c.note) for c in choices] == [
        ("Doctor D", True, ""), ("Doctor F", False, "Does not offer video consultations")]
    moved = appointments_admin.reassign(session, actor=_admin(personas),
                                        appointment_id=appt.id, doctor_id=clinic["d"].id,
                                        reason="Doctor B is ill today")
    session.commit()
    stored = session.get(Appointment, appt.id)
    assert moved.id == appt.id and stored.doctor_id == clinic["d"].id
    assert (stored.patient_id, stored.starts_at, stored.ends_at, stored.status) == (
        personas.patient_a.id, appt.starts_at, appt.ends_at, S.CONFIRMED)
    entry = session.exec(select(AuditEntry).where(
        AuditEntry.action == "appointment.reassign")).one()
    assert entry.detail == {"from_doctor_id": clinic["b"].id, "to_doctor_id": clinic["d"].id,
                            "reason": "Doctor B is ill today"}
    mailed = {(m.kind, m.to_address) for m in session.exec(select(OutboxMessage)).all()}
    assert {("appointment_reassigned", "patient.a@test.example"),
            ("doctor_appointment_assigned", "doctor.d@test.example"),
            ("doctor_appointment_unassigned", "doctor.b@test.example")} <= mailed
    assert slots.is_open(session, doctor_id=clinic["b"].id, starts_at=appt.starts_at,
                         mode="video") is not None
    assert slots.is_open(session, doctor_id=clinic["d"].id, starts_at=appt.starts_at,
                         mode="video") is None


def _refused(session, personas, appt_id, doctor_id, error, says, reason="Doctor B away"):
    before = session.get(Appointment, appt_id)
    doctor_before = before.doctor_id
    with pytest.raises(error, match=says):
        appointments_admin.reassign(session, actor=_admin(personas), appointment_id=appt_id,
                                    doctor_id=doctor_id, reason=reason)
    session.rollback()
    session.expire_all()
    assert session.get(Appointment, appt_id).doctor_id == doctor_before
    assert session.exec(select(AuditEntry).where(
        AuditEntry.action == "appointment.reassign")).all() == []


def test_reassign_is_refused_when_the_doctor_cannot_take_it(session, personas, clinic,
                                                           password_hash):
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    _book(session, personas, personas.patient_c, clinic["d"])  # D is busy at that time
    _refused(session, personas, appt.id, clinic["d"].id, Conflict, "not free")
    _refused(session, personas, appt.id, clinic["f"].id, Invalid, "does not offer video")
    _refused(session, personas, appt.id, clinic["b"].id, Invalid, "already with this doctor")
    _refused(session, personas, appt.id, 9999, NotFound, "not taking bookings")
    _refused(session, personas, appt.id, clinic["f"].id, Invalid, "reason", reason=" ")
    with pytest.raises(NotFound):
        appointments_admin.reassign(session, actor=_admin(personas), appointment_id=9999,
                                    doctor_id=clinic["d"].id, reason="Doctor B away")
    # A doctor with other slot lengths has no slot with exactly this start and end.
    odd = build_user(session, email="doctor.g@test.example", password="", full_name="Dr G",
                     role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                     password_hash=password_hash)
    session.flush()
    odd_profile = _doctor(session, odd, slot_minutes=60)
    session.commit()
    _refused(session, personas, appt.id, odd_profile.id, Conflict, "not free")


def test_past_and_closed_appointments_stay_with_their_doctor(session, personas, clinic):
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    with pytest.raises(Conflict, match="already started"):
        appointments_admin.reassign(session, actor=_admin(personas), appointment_id=appt.id,
                                    doctor_id=clinic["d"].id, reason="Doctor B away",
                                    now=appt.starts_at + timedelta(minutes=5))
    session.rollback()
    policy = session.get(ClinicPolicy, 1)
    policy.min_notice_minutes = 120
    session.commit()
    with pytest.raises(Conflict, match="minimum notice of 120 minutes"):
        appointments_admin.reassign(session, actor=_admin(personas), appointment_id=appt.id,
                                    doctor_id=clinic["d"].id, reason="Doctor B away",
                                    now=appt.starts_at - timedelta(minutes=90))
    session.rollback()
    for minutes_before, offered in ((90, False), (150, True)):
        [row] = appointments_admin.list_appointments(
            session, actor=_admin(personas),
            now=appt.starts_at - timedelta(minutes=minutes_before)).rows
        assert row.can_reassign is offered and row.can_cancel
    appointments.cancel(session, actor=_admin(personas), appointment_id=appt.id,
                        reason="Clinic closed")
    session.commit()
    _refused(session, personas, appt.id, clinic["d"].id, Conflict, "Only pending or confirmed")
    row = appointments_admin.list_appointments(session, actor=_admin(personas)).rows[0]
    assert not row.can_cancel and not row.can_reassign


def test_the_unique_index_is_the_last_guard(session, personas, clinic, monkeypatch):
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    _book(session, personas, personas.patient_c, clinic["d"])
    # Pretend the availability check missed D's booking: the database still refuses.
    monkeypatch.setattr(appointments_admin, "_free_slot", lambda *args: "")
    _refused(session, personas, appt.id, clinic["d"].id, Conflict, "just taken")


def test_two_admins_racing_for_one_slot_leave_one_winner(engine, session, personas, clinic):
    a = _book(session, personas, personas.patient_a, clinic["b"])
    c = _book(session, personas, personas.patient_c, clinic["d"])  # the same time as `a`
    third = build_user(session, email="doctor.h@test.example", password="",
                       full_name="Doctor H", role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                       password_hash=personas.admin.password_hash)
    session.flush()
    target = _doctor(session, third)
    session.commit()
    gate = Barrier(2)

    def attempt(appt_id: int) -> str:
        with Session(engine, expire_on_commit=False) as s:
            gate.wait()
            try:
                appointments_admin.reassign(s, actor=_admin(personas), appointment_id=appt_id,
                                            doctor_id=target.id, reason="Doctor H covers")
                s.commit()
                return "won"
            except Conflict:
                s.rollback()
                return "refused"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, [a.id, c.id]))
    assert sorted(results) == ["refused", "won"]
    session.expire_all()
    assert len(session.exec(select(Appointment).where(
        Appointment.doctor_id == target.id)).all()) == 1


def test_an_appointment_with_the_doctors_notes_stays_with_that_doctor(session, personas,
                                                                     clinic):
    """Moving it would hand doctor B's draft note to doctor D."""
    appt = _book(session, personas, personas.patient_a, clinic["b"])
    notes.save_draft(session, actor=personas.actor(personas.doctor_b), appointment_id=appt.id,
                     sections={"subjective": "Headache for three days"}, version=0)
    session.commit()
    _refused(session, personas, appt.id, clinic["d"].id, Conflict, "already written notes")
