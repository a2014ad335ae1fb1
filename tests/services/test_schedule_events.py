"""Open booking pages hear of a doctor's changed free times after the commit, never for
a change that rolled back, and only for that doctor."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from odcp.models import AvailabilityRule, TimeOff
from odcp.services import booking, schedule_events
from tests.doctor_helpers import listed_profile


def _doctor(session, user):
    profile = listed_profile(session, user, timezone="UTC", modes=["video"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(8),
                                     end_time=time(18), slot_minutes=30) for d in range(7))
    session.commit()
    return profile


async def test_a_committed_booking_is_announced_to_its_doctor_only(session, personas):
    doctor_b, doctor_d = _doctor(session, personas.doctor_b), _doctor(session, personas.doctor_d)
    day = datetime.now(UTC).date() + timedelta(days=3)
    async with schedule_events.watch(doctor_b.id) as heard, \
            schedule_events.watch(doctor_d.id) as other:
        session.add(TimeOff(doctor_id=doctor_b.id, starts_at=datetime.combine(day, time(8), UTC),
                            ends_at=datetime.combine(day, time(9), UTC)))
        session.flush()
        session.rollback()
        assert await heard.get(timeout=0.3) is None  # rolled back: nothing to hear

        def book() -> None:  # from another thread, as a request handler would
            booking.book_slot(session, actor=personas.actor(personas.patient_a),
                              doctor_id=doctor_b.id, mode="video",
                              starts_at=datetime.combine(day, time(10), UTC))

        await asyncio.to_thread(book)
        assert await heard.get(timeout=2) == schedule_events.CHANGED
        assert await other.get(timeout=0.3) is None
