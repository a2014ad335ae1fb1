"""The appointment lifecycle: each move allowed and refused per role and cut-off."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from odcp.models import (
    AccountStatus,
    Appointment,
    AppointmentStatus,
    AuditEntry,
    ClinicPolicy,
    DoctorProfile,
)
from odcp.services import appointments, booking
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.booking_helpers import open_all_week, utc_at
from tests.doctor_helpers import listed_profile

S = AppointmentStatus


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"],)
    session.add(profile)
    session.flush()
    open_all_week(session, profile.id)
    session.add(ClinicPolicy(min_notice_minutes=0, cancel_cutoff_hours=24,
                             reschedule_cutoff_hours=24))
    session.commit()
    return profile


def _book(session, personas, doctor, days_ahead=3, hour=9) -> Appointment:
    return booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=doctor.id, starts_at=utc_at(days_ahead, hour),
                             mode="video")


def test_strangers_cannot_see_or_touch_an_appointment(session, personas, doctor):
    appt = _book(session, personas, doctor)
    for stranger in (personas.patient_c, personas.doctor_d):
        with pytest.raises(NotFound):
            appointments.get_for(session, actor=personas.actor(stranger),
                                 appointment_id=appt.id)
        with pytest.raises(NotFound):
            appointments.cancel(session, actor=personas.actor(stranger),
                                appointment_id=appt.id, reason="x")
    assert appointments.get_for(session, actor=personas.actor(personas.admin),
                                appointment_id=appt.id)[1] == "admin"


def test_patient_cancels_before_the_cutoff_only(session, personas, doctor):
    early = _book(session, personas, doctor, days_ahead=3)
    appointments.cancel(session, actor=personas.actor(personas.patient_a),
                        appointment_id=early.id)
    session.commit()
    assert session.get(Appointment, early.id).status == S.CANCELLED
    late = _book(session, personas, doctor, days_ahead=3, hour=10)
    with pytest.raises(Forbidden, match="24 hours"):
        appointments.cancel(session, actor=personas.actor(personas.patient_a),
                            appointment_id=late.id, now=late.starts_at - timedelta(hours=2))


def test_doctor_and_admin_cancel_with_a_reason(session, personas, doctor):
    appt = _book(session, personas, doctor)
    with pytest.raises(Invalid, match="reason"):
        appointments.cancel(session, actor=personas.actor(personas.doctor_b),
                            appointment_id=appt.id)
    appointments.cancel(session, actor=personas.actor(personas.doctor_b),
                        appointment_id=appt.id, reason="Called away to surgery")
    session.commit()
    assert session.get(Appointment, appt.id).cancel_reason == "Called away to surgery"
    with pytest.raises(Conflict):
        appointments.cancel(session, actor=personas.actor(personas.admin),
                            appointment_id=appt.id, reason="again")


def test_reschedule_links_the_new_appointment_and_frees_the_old_slot(session, personas,
                                                                    doctor):
    appt = _book(session, personas, doctor)
    moved = appointments.reschedule(session, actor=personas.actor(personas.patient_a),
                                    appointment_id=appt.id, starts_at=utc_at(4, 11))
    assert moved.rescheduled_from_id == appt.id and moved.status == S.CONFIRMED
    assert session.get(Appointment, appt.id).status == S.CANCELLED
    # the old slot is free again for someone else
    other = booking.book_slot(session, actor=personas.actor(personas.patient_c),
                              doctor_id=doctor.id, starts_at=utc_at(3), mode="video")
    assert other.id


def test_failed_reschedule_changes_nothing(session, personas, doctor):
    appt = _book(session, personas, doctor)
    taken = booking.book_slot(session, actor=personas.actor(personas.patient_c),
                              doctor_id=doctor.id, starts_at=utc_at(5), mode="video")
    with pytest.raises(booking.SlotTaken):
        appointments.reschedule(session, actor=personas.actor(personas.patient_a),
                                appointment_id=appt.id, starts_at=taken.starts_at)
    session.expire_all()
    assert session.get(Appointment, appt.id).status == S.CONFIRMED
    with pytest.raises(Forbidden):
        appointments.reschedule(session, actor=personas.actor(personas.doctor_b),
                                appointment_id=appt.id, starts_at=utc_at(6))


def test_no_show_complete_and_follow_up(session, personas, doctor):
    appt = _book(session, personas, doctor)
    with pytest.raises(Conflict, match="after it starts"):
        appointments.mark_no_show(session, actor=personas.actor(personas.doctor_b),
                                  appointment_id=appt.id)
    with pytest.raises(Forbidden):
        appointments.mark_no_show(session, actor=personas.actor(personas.patient_a),
                                  appointment_id=appt.id, now=appt.starts_at)
    with pytest.raises(Forbidden):
        appointments.complete(session, actor=personas.actor(personas.admin),
                              appointment_id=appt.id)
    appointments.complete(session, actor=personas.actor(personas.doctor_b),
                          appointment_id=appt.id)
    with pytest.raises(Invalid):
        appointments.recommend_follow_up(session, actor=personas.actor(personas.doctor_b),
                                         appointment_id=appt.id, after_days=0)
    appointments.recommend_follow_up(session, actor=personas.actor(personas.doctor_b),
                                     appointment_id=appt.id, after_days=14, note="BP check")
    session.commit()
    raw = session.execute(text("SELECT follow_up_note_enc FROM appointments WHERE id = :id"),
                          {"id": appt.id}).scalar_one()
    assert "BP check" not in raw  # clinical advice is sealed at rest
    assert appointments.follow_up_note(session.get(Appointment, appt.id)) == "BP check"
    follow = appointments.book_follow_up(session, actor=personas.actor(personas.patient_a),
                                         appointment_id=appt.id, starts_at=utc_at(17))
    assert follow.follow_up_of_id == appt.id
    actions = {e.action for e in session.exec(select(AuditEntry)).all()}
    assert {"appointment.book", "appointment.complete",
            "appointment.follow_up_recommended"} <= actions


def test_pending_needs_doctor_or_admin_approval(session, personas, doctor):
    session.get(ClinicPolicy, 1).requires_approval = True
    session.commit()
    appt = _book(session, personas, doctor)
    with pytest.raises(Forbidden):
        appointments.approve(session, actor=personas.actor(personas.patient_a),
                             appointment_id=appt.id)
    assert appointments.approve(session, actor=personas.actor(personas.doctor_b),
                                appointment_id=appt.id).status == S.CONFIRMED


def test_lists(session, personas, doctor):
    appt = _book(session, personas, doctor)
    upcoming = appointments.list_for_patient(session, actor=personas.actor(personas.patient_a),
                                             upcoming=True)
    assert [a.id for a in upcoming] == [appt.id]
    agenda = appointments.list_for_doctor(session, actor=personas.actor(personas.doctor_b),
                                          start=utc_at(0, 0), end=utc_at(7, 0))
    assert [a.id for a in agenda] == [appt.id]
    with pytest.raises(Forbidden):
        appointments.list_for_doctor(session, actor=personas.actor(personas.patient_a),
                                     start=utc_at(0, 0), end=utc_at(7, 0))


@pytest.mark.parametrize(("subrole", "sees"), [(None, True), ("appointments", True),
                                               ("finance", False), ("support", False)])
def test_admin_sub_roles_see_appointments_only_with_that_power(session, personas, doctor,
                                                              subrole, sees):
    appt = _book(session, personas, doctor)
    personas.admin.admin_subrole = subrole
    session.commit()
    actor = personas.actor(personas.admin)
    if sees:
        assert appointments.get_for(session, actor=actor, appointment_id=appt.id)[1] == "admin"
    else:
        with pytest.raises(NotFound):
            appointments.get_for(session, actor=actor, appointment_id=appt.id)


def test_a_doctor_not_yet_approved_has_no_agenda(session, personas, doctor):
    personas.doctor_b.status = AccountStatus.PENDING
    session.commit()
    with pytest.raises(Forbidden):
        appointments.list_for_doctor(session, actor=personas.actor(personas.doctor_b),
                                     start=utc_at(0, 0), end=utc_at(7, 0))
