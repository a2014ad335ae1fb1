"""Helpers for the booking and appointment tests: a slot time N days ahead, and a doctor
open 08:00-18:00 UTC every day, so every slot those tests book is one the rules offer."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from odcp.models import AvailabilityRule


def utc_at(days_ahead: int, hour: int = 9) -> datetime:
    """`hour`:00 UTC on the day `days_ahead` days from today (UTC)."""
    day = datetime.now(UTC).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def open_all_week(session: Session, doctor_id: int, slot_minutes: int = 30) -> None:
    """Weekly availability 08:00-18:00 every day (added, not flushed)."""
    session.add_all(AvailabilityRule(doctor_id=doctor_id, weekday=d, start_time=time(8),
                                     end_time=time(18), slot_minutes=slot_minutes)
                    for d in range(7))
