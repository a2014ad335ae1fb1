"""Private iCal feeds: parsed back with `icalendar`, secret kept only as a hash, rotated and
revoked URLs dead, each doctor's feed showing only their own appointments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from odcp.models import (
    AccountStatus,
    Appointment,
    AppointmentStatus,
    AuditEntry,
    CalendarFeed,
    ClinicPolicy,
)
from odcp.services import calendar_feeds
from odcp.services.crypto import encrypt_text
from odcp.services.errors import Forbidden, NotFound
from tests.doctor_helpers import listed_profile

S = AppointmentStatus
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def doctors(session, personas):
    b = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video", "chat"])
    d = listed_profile(session, personas.doctor_d, timezone="UTC", modes=["video"])
    session.add(ClinicPolicy(booking_horizon_days=60))
    session.commit()
    return b, d


def _appt(session, patient, doctor, days: float, status=S.CONFIRMED, mode="video"):
    starts = NOW + timedelta(days=days)
    appt = Appointment(patient_id=patient.id, doctor_id=doctor.id, starts_at=starts,
                       ends_at=starts + timedelta(minutes=30), mode=mode, status=status,
                       reason_enc=encrypt_text("migraine with aura", context="t"),
                       cancel_reason="Doctor unwell" if status == S.CANCELLED else None)
    session.add(appt)
    session.commit()
    return appt


def _events(ics: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_lists_the_doctors_appointments_without_medical_data(session, personas,
                                                                  doctors):
    b, _ = doctors
    booked = _appt(session, personas.patient_a, b, 2, mode="chat")
    cancelled = _appt(session, personas.patient_c, b, 3, status=S.CANCELLED)
    pending = _appt(session, personas.patient_a, b, 4, status=S.PENDING)
    recent = _appt(session, personas.patient_a, b, -20, status=S.COMPLETED)
    too_old = _appt(session, personas.patient_a, b, -31, status=S.COMPLETED)
    too_far = _appt(session, personas.patient_a, b, 61)
    secret = calendar_feeds.rotate(session, actor=personas.actor(personas.doctor_b))
    session.commit()
    assert secret.url.endswith(f"/api/v1/calendar/feeds/{secret.token}.ics")

    ics = calendar_feeds.render(session, token=secret.token)
    events = _events(ics)
    uid = "appointment-{}@odcp".format
    assert set(events) == {uid(booked.id), uid(cancelled.id), uid(pending.id), uid(recent.id)}
    assert uid(too_old.id) not in events and uid(too_far.id) not in events
    event = events[uid(booked.id)]
    assert event.decoded("DTSTART") == booked.starts_at
    assert event.decoded("DTEND") == booked.ends_at
    assert str(event["SUMMARY"]) == "Chat consultation · P. A."
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith("/doctor/calendar")
    assert str(events[uid(cancelled.id)]["STATUS"]) == "CANCELLED"
    assert str(events[uid(cancelled.id)]["SUMMARY"]).startswith("Cancelled: ")
    assert str(events[uid(pending.id)]["STATUS"]) == "TENTATIVE"
    for forbidden in ("migraine", "Patient A", "Patient C", "Doctor unwell",
                      personas.patient_a.email):
        assert forbidden not in ics


def test_the_token_is_stored_only_as_a_hash(engine, session, personas, doctors):
    secret = calendar_feeds.rotate(session, actor=personas.actor(personas.doctor_b))
    session.commit()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM calendar_feeds")).all()
    assert len(rows) == 1
    assert all(secret.token not in str(value) for value in rows[0])
    assert len(secret.token) >= 43  # 256 random bits


def test_rotating_kills_the_old_url_and_revoking_kills_the_feed(session, personas, doctors):
    doctor = personas.actor(personas.doctor_b)
    assert calendar_feeds.status(session, actor=doctor).active is False
    first = calendar_feeds.rotate(session, actor=doctor)
    session.commit()
    second = calendar_feeds.rotate(session, actor=doctor)
    session.commit()
    assert first.token != second.token
    with pytest.raises(NotFound):
        calendar_feeds.render(session, token=first.token)
    assert "BEGIN:VCALENDAR" in calendar_feeds.render(session, token=second.token)
    session.commit()
    status = calendar_feeds.status(session, actor=doctor)
    assert status.active and status.last_used_at is not None
    calendar_feeds.revoke(session, actor=doctor)
    session.commit()
    with pytest.raises(NotFound):
        calendar_feeds.render(session, token=second.token)
    with pytest.raises(NotFound, match="no calendar feed"):
        calendar_feeds.revoke(session, actor=doctor)
    assert calendar_feeds.status(session, actor=doctor).active is False
    actions = session.exec(select(AuditEntry.action).where(
        AuditEntry.action.startswith("calendar_feed."))).all()
    assert sorted(actions) == ["calendar_feed.create", "calendar_feed.revoke",
                               "calendar_feed.rotate"]
    with pytest.raises(NotFound):
        calendar_feeds.render(session, token="not-a-token")


def test_each_doctor_sees_only_their_own_appointments(session, personas, doctors):
    b, d = doctors
    mine = _appt(session, personas.patient_a, b, 2)
    theirs = _appt(session, personas.patient_c, d, 2)
    token_b = calendar_feeds.rotate(session, actor=personas.actor(personas.doctor_b)).token
    token_d = calendar_feeds.rotate(session, actor=personas.actor(personas.doctor_d)).token
    session.commit()
    assert set(_events(calendar_feeds.render(session, token=token_b))) == {
        f"appointment-{mine.id}@odcp"}
    assert set(_events(calendar_feeds.render(session, token=token_d))) == {
        f"appointment-{theirs.id}@odcp"}


def test_only_active_doctors_have_a_feed(session, personas, doctors):
    token = calendar_feeds.rotate(session, actor=personas.actor(personas.doctor_b)).token
    session.commit()
    with pytest.raises(Forbidden):
        calendar_feeds.rotate(session, actor=personas.actor(personas.patient_a))
    with pytest.raises(Forbidden):
        calendar_feeds.status(session, actor=personas.actor(personas.admin))
    personas.doctor_b.status = AccountStatus.SUSPENDED
    session.add(personas.doctor_b)
    session.commit()
    with pytest.raises(NotFound):
        calendar_feeds.render(session, token=token)


def test_the_database_allows_one_live_feed_per_doctor(session, doctors):
    b, _ = doctors
    session.add(CalendarFeed(doctor_id=b.id, token_hash="a" * 64))
    session.commit()
    session.add(CalendarFeed(doctor_id=b.id, token_hash="b" * 64))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(CalendarFeed(doctor_id=b.id, token_hash="c" * 64, revoked_at=NOW))
    session.commit()


@pytest.mark.parametrize(("name", "expected"), [
    ("Alice Patient", "A. P."), ("Jean-Luc van der Berg", "J. B."), ("Madonna", "M."),
    ("  ", "Patient"), ("Zoë Ölund", "Z. Ö."),
])
def test_initials(name, expected):
    assert calendar_feeds.initials(name) == expected
