"""Doctors edit their weekly hours and date overrides: validated, all or nothing, own
schedule only (or an appointments admin), audited, and clashes with bookings reported."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from odcp.models import (
    Appointment,
    AppointmentStatus,
    AuditEntry,
    AvailabilityRule,
    ClinicPolicy,
    DateOverride,
    DoctorProfile,
)
from odcp.models.user import AdminSubrole
from odcp.services import availability, availability_rules, booking, slots
from odcp.services.availability_rules import OverrideInput, Window
from odcp.services.errors import Forbidden, Invalid, NotFound
from tests.doctor_helpers import listed_profile, new_doctor

TZ = "America/New_York"
MORNING = (time(9), time(12))


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    """Doctor B in New York, video and audio, every day 09:00-12:00 in 30-minute slots."""
    profile = listed_profile(session, personas.doctor_b, timezone=TZ, modes=["video", "audio"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=MORNING[0],
                                     end_time=MORNING[1], slot_minutes=30,
                                     modes=["video", "audio"]) for d in range(7))
    session.add(ClinicPolicy(min_notice_minutes=0, booking_horizon_days=90))
    session.commit()
    return profile


def _ahead(days: int) -> date:
    return datetime.now(ZoneInfo(TZ)).date() + timedelta(days=days)


def _local_slots(session, profile, day: date) -> list[str]:
    tz = ZoneInfo(profile.timezone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    found = slots.open_slots(session, doctor_id=profile.id, start=start,
                             end=start + timedelta(days=1))
    return [s.starts_at.astimezone(tz).strftime("%H:%M") for s in found]


def _week(session, profile) -> list[tuple]:
    session.expire_all()
    return sorted((r.weekday, r.start_time, r.end_time, r.slot_minutes, r.buffer_minutes,
                   tuple(r.modes)) for r in session.exec(select(AvailabilityRule).where(
                       AvailabilityRule.doctor_id == profile.id)).all())


def _audits(session, action: str) -> int:
    return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


def _book(session, personas, profile, day: date, at: time, mode="video") -> Appointment:
    return booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=profile.id, mode=mode,
                             starts_at=datetime.combine(day, at, tzinfo=ZoneInfo(TZ)))


def test_doctor_reads_and_replaces_the_week(session, personas, doctor):
    me = personas.actor(personas.doctor_b)
    seen = availability.read(session, actor=me)
    assert (seen.timezone, seen.offered_modes, len(seen.rules)) == (TZ, ("video", "audio"), 7)
    day = _ahead(5)
    rules, clashes = availability.replace_week(session, actor=me, windows=[
        Window(day.weekday(), time(14), time(16), 45, 15, ("audio", "video")),
        Window(day.weekday(), time(22), time(0), 60, 0, ("video",)),  # until midnight
    ])
    session.commit()
    assert clashes == 0 and len(rules) == 2
    assert rules[0].modes == ["video", "audio"]  # in the profile's order
    assert _local_slots(session, doctor, day) == ["14:00", "15:00", "22:00", "23:00"]
    assert _local_slots(session, doctor, day + timedelta(days=1)) == []
    entry = session.exec(select(AuditEntry).where(
        AuditEntry.action == "schedule.rules_replace")).one()
    assert entry.actor_id == personas.doctor_b.id and entry.detail["windows"] == 2
    assert entry.subject_user_id == personas.doctor_b.id


BAD_WEEKS = {
    "end before start": ([Window(0, time(12), time(9))], "after the start"),
    "overlap": ([Window(0, time(9), time(12)), Window(0, time(11), time(13))], "overlap"),
    "slot too short": ([Window(0, time(9), time(12), slot_minutes=4)], "5 to 240"),
    "slot too long": ([Window(0, time(0), time(0), slot_minutes=241)], "5 to 240"),
    "buffer too long": ([Window(0, time(9), time(12), buffer_minutes=121)], "0 to 120"),
    "negative buffer": ([Window(0, time(9), time(12), buffer_minutes=-5)], "0 to 120"),
    "shorter than a slot": ([Window(0, time(9), time(9, 20))], "shorter than one"),
    "no modes": ([Window(0, time(9), time(12), modes=())], "at least one"),
    "mode not offered": ([Window(0, time(9), time(12), modes=("chat",))], "chat"),
    "bad weekday": ([Window(7, time(9), time(12), modes=("video",))], "weekday"),
    "seconds": ([Window(0, time(9, 0, 30), time(12), modes=("video",))], "whole minutes"),
    "seven windows": ([Window(2, time(h), time(h + 1), modes=("video",)) for h in range(7)],
                      "at most 6"),
}


@pytest.mark.parametrize("case", BAD_WEEKS)
def test_every_refused_week_changes_nothing(session, personas, doctor, case):
    windows, message = BAD_WEEKS[case]
    windows = [w if w.modes or case == "no modes" else
               Window(w.weekday, w.start, w.end, w.slot_minutes, w.buffer_minutes, ("video",))
               for w in windows]
    before = _week(session, doctor)
    with pytest.raises(Invalid, match=message):
        availability.replace_week(session, actor=personas.actor(personas.doctor_b),
                                  windows=windows)
    session.rollback()
    assert _week(session, doctor) == before
    assert _audits(session, "schedule.rules_replace") == 0


def test_touching_windows_and_an_empty_week_are_fine(session, personas, doctor):
    me = personas.actor(personas.doctor_b)
    availability.replace_week(session, actor=me, windows=[
        Window(0, time(9), time(12), modes=("video",)),
        Window(0, time(12), time(13), modes=("video",))])
    assert len(_week(session, doctor)) == 2
    availability.replace_week(session, actor=me, windows=[])
    session.commit()
    assert _week(session, doctor) == []


def test_closed_override_removes_that_days_slots_and_other_hours_replace_them(
        session, personas, doctor):
    me = personas.actor(personas.doctor_b)
    day = _ahead(4)
    assert len(_local_slots(session, doctor, day)) == 6
    closed, clashes = availability.set_override(session, actor=me,
                                                data=OverrideInput(on_date=day))
    session.commit()
    assert clashes == 0 and closed.start_time is None
    assert _local_slots(session, doctor, day) == []
    assert _local_slots(session, doctor, day + timedelta(days=1)) != []
    again, _ = availability.set_override(session, actor=me, data=OverrideInput(
        on_date=day, start=time(16), end=time(17, 30), slot_minutes=45, modes=("audio",)))
    session.commit()
    assert again.id == closed.id  # one override per date: replaced, not added
    assert _local_slots(session, doctor, day) == ["16:00", "16:45"]
    assert [o.id for o in availability.read(session, actor=me).overrides] == [again.id]
    availability.remove_override(session, actor=me, override_id=again.id)
    session.commit()
    assert len(_local_slots(session, doctor, day)) == 6
    assert [_audits(session, f"schedule.override_{a}") for a in ("add", "remove")] == [2, 1]


@pytest.mark.parametrize(("data", "message"), [
    (OverrideInput(on_date=date(2020, 1, 1)), "already passed"),
    (OverrideInput(on_date=date(2100, 1, 1)), "two years"),
    (OverrideInput(on_date=None, start=time(9)), "both a start and an end"),
    (OverrideInput(on_date=None, start=time(12), end=time(9), modes=("video",)), "after"),
    (OverrideInput(on_date=None, start=time(9), end=time(12), modes=()), "at least one"),
    (OverrideInput(on_date=None, start=time(9), end=time(12), slot_minutes=300,
                   modes=("video",)), "5 to 240"),
])
def test_every_refused_override_changes_nothing(session, personas, doctor, data, message):
    if data.on_date is None:
        data = OverrideInput(_ahead(3), data.start, data.end, data.slot_minutes, data.modes)
    with pytest.raises(Invalid, match=message):
        availability.set_override(session, actor=personas.actor(personas.doctor_b), data=data)
    session.rollback()
    assert session.exec(select(DateOverride)).all() == []
    assert _audits(session, "schedule.override_add") == 0


def test_only_the_doctor_or_an_appointments_admin_edits(session, personas, doctor):
    week = [Window(0, time(9), time(10), modes=("video",))]
    closed = OverrideInput(on_date=_ahead(2))
    other = listed_profile(session, personas.doctor_d, timezone="UTC", modes=["video"])
    session.commit()
    for stranger in (personas.patient_a, personas.doctor_d):
        with pytest.raises(Forbidden):
            availability.replace_week(session, actor=personas.actor(stranger), windows=week,
                                      doctor_id=doctor.id)
        with pytest.raises(Forbidden):
            availability.read(session, actor=personas.actor(stranger), doctor_id=doctor.id)
    with pytest.raises(Forbidden):  # a patient has no schedule of their own
        availability.read(session, actor=personas.actor(personas.patient_a))
    pending = new_doctor(session)
    with pytest.raises(Forbidden, match="approval"):
        availability.replace_week(session, actor=personas.actor(pending), windows=week)
    mine, _ = availability.set_override(session, actor=personas.actor(personas.doctor_b),
                                        data=closed)
    with pytest.raises(NotFound):
        availability.remove_override(session, actor=personas.actor(personas.doctor_d),
                                     override_id=mine.id)
    session.rollback()
    assert len(_week(session, doctor)) == 7 and len(_week(session, other)) == 0
    admin = personas.actor(personas.admin)
    with pytest.raises(Forbidden):  # admins say whose schedule they mean
        availability.read(session, actor=admin)
    availability.replace_week(session, actor=admin, windows=week, doctor_id=doctor.id)
    session.commit()
    assert len(_week(session, doctor)) == 1
    personas.admin.admin_subrole = AdminSubrole.FINANCE
    session.commit()
    with pytest.raises(Forbidden, match="finance"):
        availability.replace_week(session, actor=admin, windows=[], doctor_id=doctor.id)
    personas.admin.admin_subrole = AdminSubrole.APPOINTMENTS
    with pytest.raises(NotFound):
        availability.read(session, actor=admin, doctor_id=99_999)


def test_changes_report_appointments_left_outside_the_hours(session, personas, doctor):
    me = personas.actor(personas.doctor_b)
    day = _ahead(3)
    appt = _book(session, personas, doctor, day, time(9))
    _book(session, personas, doctor, day + timedelta(days=1), time(11), mode="audio")
    keep_day = [Window(d, *MORNING, modes=("video", "audio")) for d in range(7)]
    _, clashes = availability.replace_week(session, actor=me, windows=keep_day)
    assert clashes == 0
    no_day = [w for w in keep_day if w.weekday != day.weekday()]
    _, clashes = availability.replace_week(session, actor=me, windows=no_day)
    assert clashes == 1
    video_only = [Window(d, *MORNING, modes=("video",)) for d in range(7)]
    _, clashes = availability.replace_week(session, actor=me, windows=video_only)
    assert clashes == 1  # the audio appointment no longer fits a window offering audio
    availability.replace_week(session, actor=me, windows=keep_day)
    row, clashes = availability.set_override(session, actor=me,
                                             data=OverrideInput(on_date=day))
    assert clashes == 1
    row, clashes = availability.set_override(session, actor=me, data=OverrideInput(
        on_date=day, start=time(8), end=time(10), modes=("video",)))
    assert clashes == 0
    assert availability.remove_override(session, actor=me, override_id=row.id) == 0
    session.commit()
    assert session.get(Appointment, appt.id).status == AppointmentStatus.CONFIRMED


def test_parse_time_reads_hh_mm_and_midnight_as_an_end():
    assert availability_rules.parse_time("09:30", field="start") == time(9, 30)
    assert availability_rules.parse_time("24:00", field="end", end=True) == time(0)
    for bad in ("9.30", "25:00", "", "noon", "24:00", "9:5"):
        with pytest.raises(Invalid, match="HH:MM"):
            availability_rules.parse_time(bad, field="start")
    assert availability_rules.hhmm(datetime(2026, 1, 1, 7, 5, tzinfo=UTC).time()) == "07:05"
