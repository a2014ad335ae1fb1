"""Shared set-up for the chat tests (services, API, state): a private bus per test and a
chat appointment between doctor B and patient A."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from odcp.models import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.services.chat_bus import ChatBus, use_bus
from tests.doctor_helpers import listed_profile


@contextmanager
def private_bus() -> Iterator[ChatBus]:
    """A fresh in-process bus for one test, so no events cross between tests."""
    fresh = ChatBus()
    use_bus(fresh)
    try:
        yield fresh
    finally:
        use_bus(None)


def chat_appointment(session, personas, *, starts_at: datetime | None = None,
                     status: AppointmentStatus = AppointmentStatus.CONFIRMED) -> Appointment:
    """Patient A's 30-minute chat appointment with doctor B (listed for chat), committed;
    by default tomorrow."""
    doctor = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["chat"])
    start = starts_at or (utcnow() + timedelta(days=1)).replace(microsecond=0)
    found = Appointment(patient_id=personas.patient_a.id, doctor_id=doctor.id, mode="chat",
                        starts_at=start, ends_at=start + timedelta(minutes=30), status=status)
    session.add(found)
    session.commit()
    return found
