"""Open slots across daylight-saving changes, for doctors and viewers in other zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from odcp.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    ClinicPolicy,
    DateOverride,
    DoctorProfile,
    TimeOff,
    VerificationStatus,
)
from odcp.services import slots
from odcp.services.errors import Invalid

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)  # "now" for tests that look at 2026 dates


def _doctor(session, user, tz: str, rules: list[tuple[int, time, time]], minutes=30,
            buffer=0) -> DoctorProfile:
    profile = DoctorProfile(user_id=user.id, timezone=tz, modes=["video", "chat"],
                            verification_status=VerificationStatus.VERIFIED)
    session.add(profile)
    session.flush()
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=s, end_time=e,
                                     slot_minutes=minutes, buffer_minutes=buffer)
                    for d, s, e in rules)
    session.add(ClinicPolicy(booking_horizon_days=365, min_notice_minutes=0))
    session.commit()
    return profile


def _day(session, profile, day: date, now=LONG_AGO) -> list[slots.Slot]:
    tz = ZoneInfo(profile.timezone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    return slots.open_slots(session, doctor_id=profile.id, start=start,
                            end=start + timedelta(days=1), now=now)


def _local(found, tz: str) -> list[str]:
    return [s.starts_at.astimezone(ZoneInfo(tz)).strftime("%H:%M %Z") for s in found]


def test_spring_forward_in_new_york_skips_the_missing_hour(session, personas):
    # 2026-03-08 is a Sunday: clocks go from 02:00 EST to 03:00 EDT.
    doc = _doctor(session, personas.doctor_b, "America/New_York", [(6, time(1), time(4))])
    found = _day(session, doc, date(2026, 3, 8))
    assert _local(found, "America/New_York") == ["01:00 EST", "01:30 EST", "03:00 EDT",
                                                 "03:30 EDT"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in found)


def test_fall_back_in_new_york_has_the_repeated_hour_once_per_real_instant(session, personas):
    # 2026-11-01 is a Sunday: clocks go from 02:00 EDT back to 01:00 EST.
    doc = _doctor(session, personas.doctor_b, "America/New_York", [(6, time(1), time(4))])
    found = _day(session, doc, date(2026, 11, 1))
    assert len(found) == 8  # four real hours
    assert len({s.starts_at for s in found}) == 8
    assert found[0].starts_at == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert found[-1].ends_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_weekly_hours_follow_local_time_across_the_change_in_london(session, personas):
    # Mondays 09:00-10:00 in London: 09:00 UTC in winter, 08:00 UTC after 2026-03-29.
    doc = _doctor(session, personas.doctor_b, "Europe/London", [(0, time(9), time(10))])
    before = _day(session, doc, date(2026, 3, 23))
    after = _day(session, doc, date(2026, 3, 30))
    assert [s.starts_at.hour for s in before] == [9, 9]
    assert [s.starts_at.hour for s in after] == [8, 8]


def test_viewer_in_a_third_zone_sees_the_same_instants(session, personas):
    doc = _doctor(session, personas.doctor_b, "Europe/London", [(0, time(9), time(10))])
    found = _day(session, doc, date(2026, 3, 30))
    assert _local(found, "Asia/Tokyo") == ["17:00 JST", "17:30 JST"]
    assert _local(found, "America/Los_Angeles") == ["01:00 PDT", "01:30 PDT"]


def test_taken_slots_time_off_overrides_and_buffers(session, personas):
    doc = _doctor(session, personas.doctor_b, "UTC", [(0, time(9), time(11))], minutes=30,
                  buffer=10)
    day = date(2026, 3, 30)
    assert _local(_day(session, doc, day), "UTC") == ["09:00 UTC", "09:40 UTC", "10:20 UTC"]
    session.add(Appointment(patient_id=personas.patient_a.id, doctor_id=doc.id, mode="video",
                            starts_at=datetime(2026, 3, 30, 9, 40, tzinfo=UTC),
                            ends_at=datetime(2026, 3, 30, 10, 10, tzinfo=UTC),
                            status=AppointmentStatus.CONFIRMED))
    session.add(Appointment(patient_id=personas.patient_c.id, doctor_id=doc.id, mode="video",
                            starts_at=datetime(2026, 3, 30, 10, 20, tzinfo=UTC),
                            ends_at=datetime(2026, 3, 30, 10, 50, tzinfo=UTC),
                            status=AppointmentStatus.CANCELLED))
    session.add(TimeOff(doctor_id=doc.id, starts_at=datetime(2026, 3, 30, 9, tzinfo=UTC),
                        ends_at=datetime(2026, 3, 30, 9, 30, tzinfo=UTC)))
    session.commit()
    assert _local(_day(session, doc, day), "UTC") == ["10:20 UTC"]
    session.add(DateOverride(doctor_id=doc.id, on_date=day))  # closed that day
    session.commit()
    assert _day(session, doc, day) == []


def test_minimum_notice_and_horizon(session, personas):
    doc = _doctor(session, personas.doctor_b, "UTC", [(d, time(9), time(17)) for d in range(7)])
    policy = session.get(ClinicPolicy, 1)
    policy.min_notice_minutes, policy.booking_horizon_days = 120, 2
    session.commit()
    now = datetime(2026, 3, 30, 9, 5, tzinfo=UTC)
    found = slots.open_slots(session, doctor_id=doc.id, start=now,
                             end=now + timedelta(days=10), now=now)
    assert found[0].starts_at == datetime(2026, 3, 30, 11, 30, tzinfo=UTC)
    assert found[-1].starts_at < now + timedelta(days=2)


def test_bad_ranges_are_refused(session, personas):
    doc = _doctor(session, personas.doctor_b, "UTC", [(0, time(9), time(10))])
    with pytest.raises(Invalid):
        slots.open_slots(session, doctor_id=doc.id, start=datetime(2026, 1, 1),
                         end=datetime(2026, 1, 2))
    with pytest.raises(Invalid):
        slots.open_slots(session, doctor_id=doc.id, start=LONG_AGO,
                         end=LONG_AGO + timedelta(days=200))


def test_a_start_inside_a_window_keeps_the_windows_own_steps(session, personas):
    """Slots step from the window's start (with buffers), whatever time one asks from."""
    doc = _doctor(session, personas.doctor_b, "UTC", [(0, time(9), time(11))], minutes=30,
                  buffer=10)
    asked = datetime(2026, 3, 30, 9, 41, tzinfo=UTC)
    found = slots.open_slots(session, doctor_id=doc.id, start=asked,
                             end=asked + timedelta(hours=3), now=LONG_AGO)
    assert _local(found, "UTC") == ["10:20 UTC"]
    exact = datetime(2026, 3, 30, 9, 40, tzinfo=UTC)
    assert slots.is_open(session, doctor_id=doc.id, starts_at=exact, mode="video",
                         now=LONG_AGO).starts_at == exact
    assert slots.is_open(session, doctor_id=doc.id, starts_at=asked, mode="video",
                         now=LONG_AGO) is None
