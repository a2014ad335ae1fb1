"""Appointment .ics files parse back with the icalendar package and keep the instants."""

from datetime import UTC, datetime

import icalendar

from odcp.models import Appointment, AppointmentStatus
from odcp.services import calendar_files


def _appt(**kw) -> Appointment:
    base = dict(id=7, patient_id=1, doctor_id=2, mode="video",
                starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
                ends_at=datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
                status=AppointmentStatus.CONFIRMED, created_at=datetime(2026, 3, 1, tzinfo=UTC),
                updated_at=datetime(2026, 3, 2, tzinfo=UTC))
    return Appointment(**(base | kw))


def test_ics_round_trip_with_escaping_and_folding():
    title = "Consultation with Dr. Zoë Müller-Lüdenscheidt; cardiology, follow-up " * 2
    text = calendar_files.calendar(
        [calendar_files.event_lines(_appt(), title=title, description="line 1\nline 2")],
        name="Appointments")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("DTSTART") == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == "line 1\nline 2"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_cancelled_appointments_say_so():
    text = calendar_files.calendar(
        [calendar_files.event_lines(_appt(status=AppointmentStatus.CANCELLED), title="x",
                                    description="")], name="A")
    event = next(iter(icalendar.Calendar.from_ical(text).walk("VEVENT")))
    assert str(event["STATUS"]) == "CANCELLED"
