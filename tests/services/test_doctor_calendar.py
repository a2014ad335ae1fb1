"""The doctor's week: local week bounds across a daylight-saving change, every status,
time off touching the week, and hours widened to show every appointment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from odcp.models import Appointment, AppointmentStatus, AvailabilityRule, TimeOff
from odcp.services import doctor_calendar
from odcp.services.errors import Forbidden
from tests.doctor_helpers import listed_profile

BERLIN = ZoneInfo("Europe/Berlin")
DST_MONDAY = date(2026, 3, 23)  # clocks go forward on Sunday 29 March 2026


@pytest.fixture
def doctor(session, personas):
    personas.doctor_b.timezone = "Europe/Berlin"
    session.add(personas.doctor_b)
    profile = listed_profile(session, personas.doctor_b, timezone="Europe/Berlin",
                             modes=["video"])
    session.add(AvailabilityRule(doctor_id=profile.id, weekday=0, start_time=time(9),
                                 end_time=time(17, 30)))
    session.commit()
    return profile


def _at(session, patient, doctor, local: datetime, status=AppointmentStatus.CONFIRMED):
    starts = local.replace(tzinfo=BERLIN).astimezone(UTC)
    appt = Appointment(patient_id=patient.id, doctor_id=doctor.id, starts_at=starts,
                       ends_at=starts + timedelta(minutes=30), mode="video", status=status)
    session.add(appt)
    session.commit()
    return appt


def test_week_bounds_are_local_midnights_across_dst(session, personas, doctor):
    first = _at(session, personas.patient_a, doctor, datetime(2026, 3, 23, 0, 30))
    sunday = _at(session, personas.patient_a, doctor, datetime(2026, 3, 29, 8, 0),
                 status=AppointmentStatus.CANCELLED)
    _at(session, personas.patient_a, doctor, datetime(2026, 3, 30, 0, 30))  # next week
    _at(session, personas.patient_a, doctor, datetime(2026, 3, 22, 23, 0))  # last week
    session.add(TimeOff(doctor_id=doctor.id, starts_at=datetime(2026, 3, 26, 12, tzinfo=UTC),
                        ends_at=datetime(2026, 3, 27, 12, tzinfo=UTC), reason="Congress"))
    session.commit()
    week = doctor_calendar.week(session, actor=personas.actor(personas.doctor_b),
                                monday=date(2026, 3, 25))  # any day picks its Monday
    assert week.monday == DST_MONDAY and week.zone == "Europe/Berlin"
    assert [a.id for a, _ in week.appointments] == [first.id, sunday.id]
    assert week.appointments[0][1] == "Patient A"
    assert [t.reason for t in week.time_off] == ["Congress"]
    assert (week.first_hour, week.last_hour) == (0, 18)  # 00:30 widens; rule ends 17:30


def test_default_hours_and_doctors_only(session, personas, doctor):
    week = doctor_calendar.week(session, actor=personas.actor(personas.doctor_b),
                                monday=DST_MONDAY)
    assert week.appointments == [] and (week.first_hour, week.last_hour) == (8, 18)
    with pytest.raises(Forbidden):
        doctor_calendar.week(session, actor=personas.actor(personas.patient_a),
                             monday=DST_MONDAY)
