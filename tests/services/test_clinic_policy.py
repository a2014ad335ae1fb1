"""Clinic policy: who may change it, refusals that change nothing, the audit trail, and
that a change reaches open slots, booking and the cancellation cut-off at once."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from odcp.models import (
    AppointmentStatus,
    AuditEntry,
    AvailabilityRule,
    ClinicPolicy,
    DoctorProfile,
    Role,
)
from odcp.services import appointments, booking, clinic_policy, slots
from odcp.services.errors import Forbidden, Invalid
from tests.doctor_helpers import listed_profile

NOW = datetime(2026, 3, 30, 9, 5, tzinfo=UTC)  # a Monday


def _audits(session) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(
        AuditEntry.action == clinic_policy.ACTION).order_by(AuditEntry.id)).all())


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(8),
                                     end_time=time(18), slot_minutes=30) for d in range(7))
    session.commit()
    return profile


@pytest.mark.parametrize(("role", "subrole", "allowed"), [
    (Role.ADMIN, None, True), (Role.SUPER_ADMIN, None, True),
    (Role.ADMIN, "appointments", True), (Role.ADMIN, "finance", False),
    (Role.ADMIN, "support", False), (Role.DOCTOR, None, False), (Role.PATIENT, None, False)])
def test_only_admins_with_the_appointments_power_change_the_policy(session, personas, role,
                                                                  subrole, allowed):
    user = personas.admin
    user.role, user.admin_subrole = role, subrole
    session.commit()
    actor = personas.actor(user)
    if allowed:
        assert clinic_policy.read(session, actor=actor).booking_horizon_days == 60
        clinic_policy.update(session, actor=actor, changes={"booking_horizon_days": 30})
        session.commit()
        assert slots.policy(session).booking_horizon_days == 30
        return
    with pytest.raises(Forbidden):
        clinic_policy.read(session, actor=actor)
    with pytest.raises(Forbidden):
        clinic_policy.update(session, actor=actor, changes={"booking_horizon_days": 30})
    session.rollback()
    assert session.get(ClinicPolicy, 1) is None and _audits(session) == []


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"booking_horizon_days": 0}, "booking_horizon_days", "between 1 and 365 days"),
    ({"booking_horizon_days": 366}, "booking_horizon_days", "between 1 and 365 days"),
    ({"booking_horizon_days": "ten"}, "booking_horizon_days", "whole number of days"),
    ({"booking_horizon_days": 2.5}, "booking_horizon_days", "whole number"),
    ({"booking_horizon_days": True}, "booking_horizon_days", "whole number"),
    ({"min_notice_minutes": -5}, "min_notice_minutes", "between 0 and 10,080 minutes"),
    ({"cancel_cutoff_hours": 721}, "cancel_cutoff_hours", "between 0 and 720 hours"),
    ({"room_opens_minutes_before": 121}, "room_opens_minutes_before", "between 0 and 120"),
    ({"requires_approval": "maybe"}, "requires_approval", "yes or no"),
    ({"share_notes_with_patient": 1}, "share_notes_with_patient", "shared with the patient"),
    ({"booking_horizon_days": 1, "min_notice_minutes": 1440}, "min_notice_minutes",
     "shorter than the booking horizon"),
    ({"colour": "blue"}, "colour", "Unknown setting"),
])
def test_bad_values_are_refused_and_change_nothing(session, personas, changes, field, says):
    actor = personas.actor(personas.admin)
    clinic_policy.update(session, actor=actor, changes={"cancel_cutoff_hours": 12})
    session.commit()
    before = clinic_policy.values(slots.policy(session))
    with pytest.raises(Invalid, match=says) as refused:
        clinic_policy.update(session, actor=actor,
                             changes={"reschedule_cutoff_hours": 6, **changes})
    assert refused.value.field == field
    session.rollback()
    session.expire_all()
    assert clinic_policy.values(slots.policy(session)) == before
    assert len(_audits(session)) == 1


def test_a_change_is_audited_with_before_and_after(session, personas):
    actor = personas.actor(personas.admin)
    assert clinic_policy.last_change(session) is None
    clinic_policy.update(session, actor=actor, changes={
        "cancel_cutoff_hours": "48", "requires_approval": True, "booking_horizon_days": 60})
    session.commit()
    stored = session.get(ClinicPolicy, 1)
    assert (stored.cancel_cutoff_hours, stored.requires_approval) == (48, True)
    assert stored.min_notice_minutes == 60  # untouched settings keep their defaults
    [entry] = _audits(session)
    assert entry.actor_id == personas.admin.id
    assert entry.detail["changes"] == {"cancel_cutoff_hours": {"before": 24, "after": 48},
                                       "requires_approval": {"before": False, "after": True}}
    assert clinic_policy.last_change(session).by == "Admin E"
    # Saving the same values again is no change and leaves no entry.
    clinic_policy.update(session, actor=actor, changes={"cancel_cutoff_hours": 48})
    session.commit()
    assert len(_audits(session)) == 1


def test_horizon_and_notice_changes_reach_open_slots(session, personas, doctor):
    actor = personas.actor(personas.admin)

    def window() -> tuple[datetime, datetime]:
        found = slots.open_slots(session, doctor_id=doctor.id, start=NOW,
                                 end=NOW + timedelta(days=30), now=NOW)
        return found[0].starts_at, found[-1].starts_at

    first, last = window()
    assert first == datetime(2026, 3, 30, 10, 30, tzinfo=UTC)  # default notice: 60 minutes
    assert last > NOW + timedelta(days=29)
    clinic_policy.update(session, actor=actor, changes={"booking_horizon_days": 3,
                                                        "min_notice_minutes": 240})
    session.commit()
    first, last = window()
    assert first == datetime(2026, 3, 30, 13, 30, tzinfo=UTC)
    assert last < NOW + timedelta(days=3)


def test_cutoff_and_approval_changes_reach_patients(session, personas, doctor):
    admin, patient = personas.actor(personas.admin), personas.actor(personas.patient_a)
    clinic_policy.update(session, actor=admin, changes={"min_notice_minutes": 0,
                                                        "requires_approval": True})
    session.commit()
    day = datetime.now(UTC).date() + timedelta(days=5)
    appt = booking.book_slot(session, actor=patient, doctor_id=doctor.id,
                             starts_at=datetime.combine(day, time(9), tzinfo=UTC),
                             mode="video")
    assert appt.status == AppointmentStatus.PENDING
    thirty_hours_before = appt.starts_at - timedelta(hours=30)
    clinic_policy.update(session, actor=admin, changes={"cancel_cutoff_hours": 48})
    session.commit()
    with pytest.raises(Forbidden, match="48 hours"):
        appointments.cancel(session, actor=patient, appointment_id=appt.id,
                            now=thirty_hours_before)
    session.rollback()
    clinic_policy.update(session, actor=admin, changes={"cancel_cutoff_hours": 24})
    session.commit()
    cancelled = appointments.cancel(session, actor=patient, appointment_id=appt.id,
                                    now=thirty_hours_before)
    assert cancelled.status == AppointmentStatus.CANCELLED
