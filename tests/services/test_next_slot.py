"""Next available: the batch equals slots.next_available doctor by doctor (rules, overrides,
time off, bookings, DST), and the stored value follows every change in the same commit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import Session, select

from odcp.models import (
    AccountStatus,
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    ClinicPolicy,
    DateOverride,
    DoctorProfile,
    DoctorSearchDocument,
    Role,
    TimeOff,
    VerificationStatus,
)
from odcp.scheduler import NextSlotSweeps
from odcp.services import appointments, booking, next_slot, next_slot_sync, slots
from odcp.services.accounts import build_user
from odcp.services.search_index import index_doctor
from tests.doctor_helpers import listed_profile

HORIZON = 30
WEEKDAYS = range(5)


def _doctor(session, user, tz: str, rules=(), minutes=30, buffer=0, modes=None):
    profile = DoctorProfile(user_id=user.id, timezone=tz, modes=["video", "chat"],
                            verification_status=VerificationStatus.VERIFIED)
    session.add(profile)
    session.flush()
    for day, start, end in rules:
        session.add(AvailabilityRule(doctor_id=profile.id, weekday=day, start_time=start,
                                     end_time=end, slot_minutes=minutes,
                                     buffer_minutes=buffer, modes=modes or []))
    index_doctor(session, doctor_id=profile.id)
    return profile


def _book(session, doctor, patient, at: datetime, minutes=30, status="confirmed"):
    session.add(Appointment(patient_id=patient.id, doctor_id=doctor.id, mode="video",
                            starts_at=at, ends_at=at + timedelta(minutes=minutes),
                            status=AppointmentStatus(status)))


@pytest.fixture
def varied(session, personas, password_hash):
    """Doctors in five zones: DST nights, buffers, overrides, time off, a booked-out week,
    an end at midnight, one with no hours at all and one with an override only."""
    users = [build_user(session, email=f"doc{i}@next.example", password="",
                        full_name=f"Doctor {i}", role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                        password_hash=password_hash) for i in range(9)]
    session.add(ClinicPolicy(min_notice_minutes=90, booking_horizon_days=HORIZON))
    patient = personas.patient_a
    night = [(6, time(1), time(4)), *[(d, time(9), time(12)) for d in WEEKDAYS]]
    docs = {
        "new_york_dst": _doctor(session, users[0], "America/New_York", night),
        "london": _doctor(session, users[1], "Europe/London", [(0, time(9), time(10))]),
        "kolkata_buffer": _doctor(session, users[2], "Asia/Kolkata",
                                  [(d, time(14), time(18)) for d in range(7)], minutes=45,
                                  buffer=15),
        "booked_week": _doctor(session, users[3], "UTC", [(d, time(9), time(10))
                                                          for d in range(7)]),
        "time_off": _doctor(session, users[4], "Europe/Berlin",
                            [(d, time(8), time(16)) for d in WEEKDAYS]),
        "midnight": _doctor(session, users[5], "Pacific/Auckland",
                            [(d, time(22), time(0)) for d in range(7)], modes=["chat"]),
        "no_hours": _doctor(session, users[6], "UTC"),
        "override_only": _doctor(session, users[7], "America/Sao_Paulo"),
        "closed_days": _doctor(session, users[8], "Australia/Sydney",  # later hours first
                               [*[(d, time(15), time(16)) for d in range(7)],
                                *[(d, time(10), time(11)) for d in range(7)]]),
    }
    session.flush()
    return docs, patient


def _per_doctor(session, ids, now):
    found = {}
    for doctor_id in ids:
        slot = slots.next_available(session, doctor_id=doctor_id, now=now,
                                    within_days=HORIZON)
        found[doctor_id] = slot.starts_at if slot else None
    return found


# Around both 2026 changes in New York (8 Mar, 1 Nov), Europe (29 Mar, 25 Oct) and
# Sydney/Auckland (5 Apr, 27 Sep), and an ordinary day.
NOWS = [datetime(2026, 3, 7, 23, 10, tzinfo=UTC), datetime(2026, 3, 28, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 4, 45, tzinfo=UTC), datetime(2026, 4, 4, 12, 0, tzinfo=UTC),
        datetime(2026, 6, 17, 9, 59, tzinfo=UTC)]


@pytest.mark.parametrize("now", NOWS, ids=[n.strftime("%Y-%m-%d") for n in NOWS])
def test_batch_equals_next_available_per_doctor(session, varied, now):
    docs, patient = varied
    # bookings: the first two days of one doctor's early slots, the whole first 8 days of
    # another; a cancelled booking frees nothing twice
    booked = docs["booked_week"]
    for day in range(9):
        _book(session, booked, patient, datetime.combine(now.date() + timedelta(days=day),
                                                         time(9), tzinfo=UTC), minutes=60)
    ny_first = slots.next_available(session, doctor_id=docs["new_york_dst"].id, now=now,
                                    within_days=HORIZON)
    _book(session, docs["new_york_dst"], patient, ny_first.starts_at)
    _book(session, docs["new_york_dst"], patient, ny_first.starts_at + timedelta(hours=1),
          status="cancelled")
    session.add(TimeOff(doctor_id=docs["time_off"].id, starts_at=now - timedelta(days=1),
                        ends_at=now + timedelta(days=10, hours=5)))
    sydney = docs["closed_days"]
    for day in range(4):  # closed for four local days, then a long Sunday
        session.add(DateOverride(doctor_id=sydney.id, on_date=now.date() + timedelta(days=day)))
    session.add(DateOverride(doctor_id=docs["override_only"].id,
                             on_date=now.date() + timedelta(days=12), start_time=time(23),
                             end_time=time(0), slot_minutes=20))
    session.commit()
    ids = [d.id for d in docs.values()]

    batch = next_slot.first_free_slots(session, ids, now=now)

    assert batch == _per_doctor(session, ids, now)
    assert batch[docs["no_hours"].id] is None
    assert batch[docs["override_only"].id] is not None
    assert batch[booked.id] >= now + timedelta(days=8)  # found in the second look
    assert batch[docs["time_off"].id] >= now + timedelta(days=10, hours=5)
    assert batch[docs["new_york_dst"].id] != ny_first.starts_at
    assert sum(v is not None for v in batch.values()) >= 7


def test_nothing_within_the_horizon_is_none(session, varied):
    docs, _ = varied
    policy = session.get(ClinicPolicy, 1)
    policy.booking_horizon_days = 1
    session.commit()
    london = docs["london"].id
    monday_noon = datetime(2026, 6, 15, 12, tzinfo=UTC)  # Monday's hour is gone
    assert next_slot.first_free_slots(session, [london], now=monday_noon) == {london: None}
    assert next_slot.first_free_slots(session, [], now=monday_noon) == {}


# --- the stored value follows each change in the same commit ------------------------


def _today_at(hour: int, days: int = 1) -> datetime:
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=days), time(hour),
                            tzinfo=UTC)


def _stored(engine, doctor_id: int) -> datetime | None:
    with Session(engine) as fresh:  # another connection: what others see committed
        return fresh.get(DoctorSearchDocument, doctor_id).next_slot_at


@pytest.fixture
def listed(session, personas):
    """A listed UTC doctor whose whole horizon (3 days) holds one slot: tomorrow 10:00."""
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"])
    index_doctor(session, doctor_id=profile.id)
    session.add(ClinicPolicy(min_notice_minutes=0, booking_horizon_days=3))
    session.add(DateOverride(doctor_id=profile.id, on_date=_today_at(0).date(),
                             start_time=time(10), end_time=time(10, 30)))
    session.commit()
    return profile


def test_booking_the_only_free_slot_clears_it_in_the_same_commit(engine, session, personas,
                                                                 listed):
    assert _stored(engine, listed.id) == _today_at(10)
    appt = booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=listed.id, starts_at=_today_at(10), mode="video")
    assert _stored(engine, listed.id) is None
    appointments.cancel(session, actor=personas.actor(personas.patient_a),
                        appointment_id=appt.id, now=_today_at(0, days=0))
    session.commit()
    assert _stored(engine, listed.id) == _today_at(10)


def test_a_lost_race_leaves_the_stored_slot_alone(engine, session, personas, listed):
    """A booking rolled back (the slot was taken) must not leave a wrong value behind."""
    with Session(engine) as other:
        _book(other, listed, personas.patient_c, _today_at(10))
        other.commit()
    assert _stored(engine, listed.id) is None
    with pytest.raises(booking.SlotTaken):
        booking.book_slot(session, actor=personas.actor(personas.patient_a),
                          doctor_id=listed.id, starts_at=_today_at(10), mode="video")
    assert _stored(engine, listed.id) is None
    assert session.info.get(next_slot_sync._DOCTORS) in (None, set())


def test_rules_overrides_and_time_off_move_it(engine, session, listed):
    override = session.exec(select(DateOverride)).one()
    override.start_time, override.end_time = time(8), time(9)
    session.commit()
    assert _stored(engine, listed.id) == _today_at(8)
    session.add(TimeOff(doctor_id=listed.id, starts_at=_today_at(8),
                        ends_at=_today_at(8) + timedelta(minutes=30)))
    session.commit()
    assert _stored(engine, listed.id) == _today_at(8) + timedelta(minutes=30)
    session.delete(override)
    session.add(AvailabilityRule(doctor_id=listed.id, weekday=_today_at(0, days=2).weekday(),
                                 start_time=time(15), end_time=time(16)))
    session.commit()
    assert _stored(engine, listed.id) == _today_at(15, days=2)
    session.delete(session.exec(select(AvailabilityRule)).one())
    session.commit()
    assert _stored(engine, listed.id) is None


def test_a_rolled_back_change_stores_nothing(engine, session, listed):
    session.add(TimeOff(doctor_id=listed.id, starts_at=_today_at(0),
                        ends_at=_today_at(0, days=3)))
    session.flush()
    session.rollback()
    assert _stored(engine, listed.id) == _today_at(10)
    assert not session.info.get(next_slot_sync._DOCTORS)


def test_moving_an_appointment_to_another_doctor_updates_both(engine, session, personas,
                                                              listed, password_hash):
    user = build_user(session, email="second@next.example", password="",
                      full_name="Doctor Two", role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                      password_hash=password_hash)
    second = listed_profile(session, user, timezone="UTC", modes=["video"])
    index_doctor(session, doctor_id=second.id)
    session.add(DateOverride(doctor_id=second.id, on_date=_today_at(0).date(),
                             start_time=time(10), end_time=time(10, 30)))
    _book(session, listed, personas.patient_a, _today_at(10))
    session.commit()
    assert (_stored(engine, listed.id), _stored(engine, second.id)) == (None, _today_at(10))
    appt = session.exec(select(Appointment)).one()
    appt.doctor_id = second.id  # an admin reassigns it
    session.commit()
    assert (_stored(engine, listed.id), _stored(engine, second.id)) == (_today_at(10), None)


def test_bulk_statements_are_followed_too(engine, session, personas, listed, password_hash):
    """An ORM `update(Appointment)` (as the admin's reassign uses) and `delete(TimeOff)`."""
    user = build_user(session, email="third@next.example", password="",
                      full_name="Doctor Three", role=Role.DOCTOR, status=AccountStatus.ACTIVE,
                      password_hash=password_hash)
    other = listed_profile(session, user, timezone="UTC", modes=["video"])
    index_doctor(session, doctor_id=other.id)
    session.add(DateOverride(doctor_id=other.id, on_date=_today_at(0).date(),
                             start_time=time(10), end_time=time(10, 30)))
    _book(session, listed, personas.patient_a, _today_at(10))
    session.commit()
    session.execute(update(Appointment).where(Appointment.doctor_id == listed.id)
                    .values(doctor_id=other.id))
    session.commit()
    assert (_stored(engine, listed.id), _stored(engine, other.id)) == (_today_at(10), None)
    session.add(TimeOff(doctor_id=listed.id, starts_at=_today_at(0), ends_at=_today_at(23)))
    session.commit()
    assert _stored(engine, listed.id) is None
    session.execute(delete(TimeOff).where(TimeOff.doctor_id == listed.id))
    session.commit()
    assert _stored(engine, listed.id) == _today_at(10)


def test_a_policy_change_refreshes_every_doctor(engine, session, listed):
    policy = session.get(ClinicPolicy, 1)
    policy.booking_horizon_days = 1  # tomorrow 10:00 may now be too far
    session.commit()
    expected = _today_at(10) if _today_at(10) < datetime.now(UTC) + timedelta(days=1) else None
    assert _stored(engine, listed.id) == expected


def test_a_large_clinic_refreshes_after_the_commit(engine, session, listed, monkeypatch):
    monkeypatch.setattr(next_slot_sync, "INLINE_FULL_REFRESH", 0)
    session.get(ClinicPolicy, 1).min_notice_minutes = 3 * 24 * 60  # nothing is bookable
    session.commit()
    assert next_slot.wait_for_background(30)
    assert _stored(engine, listed.id) is None


# --- sweeps: values time has overtaken ------------------------------------------------


def test_the_stale_sweep_recomputes_values_time_has_overtaken(engine, session, listed):
    with engine.begin() as conn:  # as if the stored slot had been stored an hour ago
        conn.execute(update(DoctorSearchDocument).values(
            next_slot_at=datetime.now(UTC) - timedelta(minutes=5)))
    assert next_slot.refresh_stale(engine) == 1
    assert _stored(engine, listed.id) == _today_at(10)
    assert next_slot.refresh_stale(engine) == 0  # nothing stale any more


def test_the_empty_sweep_finds_time_that_came_into_the_horizon(engine, session, listed):
    with engine.begin() as conn:
        conn.execute(text("UPDATE doctor_search_documents SET next_slot_at = NULL"))
    assert next_slot.refresh_stale(engine) == 0  # None is not "overtaken by time"
    assert next_slot.refresh_stale(engine, include_empty=True) == 1
    assert _stored(engine, listed.id) == _today_at(10)


def test_the_scheduler_sweep_notices_a_policy_change(engine, session, listed):
    sweeps = NextSlotSweeps()
    sweeps._full()
    with engine.begin() as conn:  # a change the session events did not see
        conn.execute(update(ClinicPolicy).values(min_notice_minutes=3 * 24 * 60))
    assert sweeps._stale() == 1
    assert _stored(engine, listed.id) is None


def test_startup_refresh_fills_every_document(engine, session, listed):
    with engine.begin() as conn:
        conn.execute(text("UPDATE doctor_search_documents SET next_slot_at = NULL"))
    assert next_slot.refresh_all(engine) == 1
    assert next_slot.stored(session, [listed.id, 999]) == {listed.id: _today_at(10),
                                                           999: None}


def test_far_horizon_local_dates(session, varied):
    """The batch reads overrides across the whole horizon in every zone."""
    docs, _ = varied
    now = datetime(2026, 6, 17, 9, tzinfo=UTC)
    only = docs["override_only"]
    session.add(DateOverride(doctor_id=only.id, on_date=date(2026, 7, 16), start_time=time(0),
                             end_time=time(0, 20), slot_minutes=20))
    session.commit()
    found = next_slot.first_free_slots(session, [only.id], now=now)
    assert found == _per_doctor(session, [only.id], now)
    assert found[only.id] == datetime(2026, 7, 16, 3, tzinfo=UTC)  # 00:00 in São Paulo
