"""A generated clinic for bench.booking (not a benchmark itself: `make bench` runs
bench/[a-z]*.py only).

On top of bench._search_data's doctors: patients, weekly rules in twelve zones (mornings
and afternoons on weekdays, some Saturdays, some 20-minute slots with 10-minute
buffers), a week of time off for 2% of doctors, about 10% of the next two weeks' slots
booked, and 3% of doctors booked out for the whole first week. Rows go in with bulk
INSERTs; the stored next free slots are then computed by next_slot.refresh_all, as the
app does at startup.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, text

from bench._search_data import populate
from odcp.models.appointment import Appointment
from odcp.models.base import utcnow
from odcp.models.schedule import AvailabilityRule, ClinicPolicy, TimeOff
from odcp.models.user import User

ZONES = ["UTC", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo",
         "Europe/London", "Europe/Berlin", "Africa/Lagos", "Asia/Kolkata", "Asia/Singapore",
         "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"]
BACKGROUND_PATIENTS = 500  # who holds the generated bookings
BOOKED_SHARE = 0.10
BOOKED_OUT_SHARE = 0.03
TIME_OFF_SHARE = 0.02


def _rules(doctor_id: int, rnd: random.Random) -> list[dict]:
    minutes, buffer = rnd.choice([(30, 0), (30, 0), (20, 10), (45, 15)])
    days = list(range(5)) + ([5] if rnd.random() < 0.3 else [])
    rules = []
    for day in days:
        for start, end in ((time(9), time(12)), (time(13), time(17))):
            rules.append({"doctor_id": doctor_id, "weekday": day, "start_time": start,
                          "end_time": end, "slot_minutes": minutes,
                          "buffer_minutes": buffer, "modes": []})
    return rules


def _slot_starts(rules: list[dict], tz: ZoneInfo, first: datetime, days: int):
    """(start, end) in UTC of every slot of `rules` on the next `days` local dates."""
    today = first.astimezone(tz).date()
    for offset in range(days):
        day = today + timedelta(days=offset)
        for rule in (r for r in rules if r["weekday"] == day.weekday()):
            cursor = datetime.combine(day, rule["start_time"], tzinfo=tz).astimezone(UTC)
            end = datetime.combine(day, rule["end_time"], tzinfo=tz).astimezone(UTC)
            length = timedelta(minutes=rule["slot_minutes"])
            while cursor + length <= end:
                if cursor >= first:
                    yield cursor, cursor + length
                cursor += length + timedelta(minutes=rule["buffer_minutes"])


def build_clinic(engine: Engine, doctors: int, patients: int, seed: int = 11) -> list[int]:
    """Doctors 1..`doctors` (via bench._search_data) with availability and bookings, and
    `patients` patients with no appointments yet; returns their user ids."""
    populate(engine, doctors, seed=seed)
    rnd = random.Random(seed)
    now = utcnow()
    patient_ids = list(range(doctors + 1, doctors + patients + 1))
    background = list(range(doctors + patients + 1,
                            doctors + patients + BACKGROUND_PATIENTS + 1))
    users = [{"id": i, "email": f"patient{i}@bench.example", "password_hash": "x",
              "full_name": f"Patient {i}", "role": "patient", "status": "active",
              "timezone": "UTC", "language": "en", "created_at": now, "updated_at": now}
             for i in patient_ids + background]
    rules, appointments, time_off, zones = [], [], [], {}
    for doctor_id in range(1, doctors + 1):
        zones[doctor_id] = rnd.choice(ZONES)
        mine = _rules(doctor_id, rnd)
        rules += mine
        booked_out = rnd.random() < BOOKED_OUT_SHARE
        share = 1.0 if booked_out else BOOKED_SHARE
        horizon = 8 if booked_out else 14
        for start, end in _slot_starts(mine, ZoneInfo(zones[doctor_id]),
                                       now + timedelta(hours=2), horizon):
            if rnd.random() < share:
                appointments.append({
                    "patient_id": rnd.choice(background), "doctor_id": doctor_id,
                    "starts_at": start, "ends_at": end, "mode": "video",
                    "status": "confirmed", "reason_enc": "", "fee_cents": 5000,
                    "currency": "USD", "created_at": now, "updated_at": now})
        if rnd.random() < TIME_OFF_SHARE:
            off = now + timedelta(days=rnd.randrange(0, 10))
            time_off.append({"doctor_id": doctor_id, "starts_at": off,
                             "ends_at": off + timedelta(days=7), "reason": "holiday",
                             "created_at": now})
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), users)
        conn.execute(insert(ClinicPolicy.__table__), [{
            "id": 1, "booking_horizon_days": 60, "min_notice_minutes": 60,
            "cancel_cutoff_hours": 24, "reschedule_cutoff_hours": 24,
            "requires_approval": False, "room_opens_minutes_before": 10,
            "chat_open_days_after": 7, "updated_at": now}])
        conn.execute(insert(AvailabilityRule.__table__), rules)
        conn.execute(text("UPDATE doctor_profiles SET timezone = :z WHERE id = :d"),
                     [{"z": zone, "d": doctor_id} for doctor_id, zone in zones.items()])
        if appointments:
            conn.execute(insert(Appointment.__table__), appointments)
        if time_off:
            conn.execute(insert(TimeOff.__table__), time_off)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return patient_ids
