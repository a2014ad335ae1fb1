"""Time off blocks slots, is the doctor's own, and reports clashing appointments."""

from datetime import UTC, datetime, time, timedelta

import pytest

from odcp.models import AvailabilityRule, ClinicPolicy
from odcp.services import booking, slots, time_off
from odcp.services.errors import Forbidden, Invalid, NotFound
from tests.doctor_helpers import listed_profile


def test_time_off_blocks_slots_and_counts_clashes(session, personas):
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"],)
    session.add(profile)
    session.flush()
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(9),
                                     end_time=time(11), slot_minutes=60) for d in range(7))
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    day = datetime.combine(datetime.now(UTC).date() + timedelta(days=3), time(0), tzinfo=UTC)
    booking.book_slot(session, actor=personas.actor(personas.patient_a), doctor_id=profile.id,
                      starts_at=day + timedelta(hours=9), mode="video")
    doctor = personas.actor(personas.doctor_b)
    row, clashes = time_off.add(session, actor=doctor, starts_at=day,
                                ends_at=day + timedelta(days=1), reason="Conference")
    session.commit()
    assert clashes == 1
    assert slots.open_slots(session, doctor_id=profile.id, start=day,
                            end=day + timedelta(days=1)) == []
    assert [t.id for t in time_off.upcoming(session, actor=doctor)] == [row.id]
    other = listed_profile(session, personas.doctor_d, timezone="UTC",)
    session.add(other)
    session.commit()
    with pytest.raises(NotFound):
        time_off.remove(session, actor=personas.actor(personas.doctor_d), time_off_id=row.id)
    with pytest.raises(Invalid):
        time_off.add(session, actor=doctor, starts_at=day, ends_at=day - timedelta(hours=1))
    with pytest.raises(Forbidden):
        time_off.add(session, actor=personas.actor(personas.patient_a), starts_at=day,
                     ends_at=day + timedelta(hours=1))
    time_off.remove(session, actor=doctor, time_off_id=row.id)
    session.commit()
    assert len(slots.open_slots(session, doctor_id=profile.id, start=day,
                                end=day + timedelta(days=1))) == 1  # the 10:00 slot
