"""Booking through the API: slots, book, the race loser's alternatives, lifecycle."""

from datetime import UTC, datetime, time, timedelta

import pytest

from odcp.models import AvailabilityRule, ClinicPolicy, DoctorProfile
from tests.api.conftest import bearer
from tests.doctor_helpers import listed_profile


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    profile = listed_profile(session, personas.doctor_b, timezone="Europe/London",
                            modes=["video"],)
    session.add(profile)
    session.flush()
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(9),
                                     end_time=time(10), slot_minutes=30) for d in range(7))
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    return profile


async def test_book_from_open_slots_then_cancel(client, personas, doctor, login):
    now = datetime.now(UTC)
    params = {"doctor_id": doctor.id, "start": (now + timedelta(days=2)).isoformat(),
              "end": (now + timedelta(days=4)).isoformat()}
    free = (await client.get("/api/v1/slots", params=params)).json()
    assert len(free) >= 2
    patient = bearer((await login(personas.patient_a))["access_token"])
    other = bearer((await login(personas.patient_c))["access_token"])
    body = {"doctor_id": doctor.id, "starts_at": free[0]["starts_at"], "mode": "video",
            "reason": "rash on my arm"}
    booked = await client.post("/api/v1/appointments", json=body, headers=patient)
    assert booked.status_code == 201 and booked.json()["status"] == "confirmed"
    assert "reason" not in booked.json() and "rash" not in booked.text
    lost = await client.post("/api/v1/appointments", json=body, headers=other)
    assert lost.status_code == 409 and lost.json()["error"]["alternatives"]
    after = (await client.get("/api/v1/slots", params=params)).json()
    assert free[0]["starts_at"] not in [s["starts_at"] for s in after]
    appt_id = booked.json()["id"]
    assert (await client.get(f"/api/v1/appointments/{appt_id}", headers=other)).status_code \
        == 404
    cancelled = await client.post(f"/api/v1/appointments/{appt_id}/cancel", json={},
                                  headers=patient)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


async def test_naive_times_and_strangers_are_refused(client, personas, doctor, login):
    naive = await client.get("/api/v1/slots", params={"doctor_id": doctor.id,
                                                      "start": "2026-03-30T09:00:00",
                                                      "end": "2026-03-31T09:00:00"})
    assert naive.status_code == 422 and "time zone" in naive.json()["error"]["message"]
    doc = bearer((await login(personas.doctor_d))["access_token"])
    refused = await client.post("/api/v1/appointments", headers=doc, json={
        "doctor_id": doctor.id, "starts_at": "2030-01-07T09:00:00Z", "mode": "video"})
    assert refused.status_code == 403
    assert (await client.post("/api/v1/appointments", json={})).status_code in (401, 422)


async def test_the_follow_up_advice_reaches_the_patient(client, personas, doctor, login):
    now = datetime.now(UTC)
    free = (await client.get("/api/v1/slots", params={
        "doctor_id": doctor.id, "start": (now + timedelta(days=2)).isoformat(),
        "end": (now + timedelta(days=4)).isoformat()})).json()
    patient = bearer((await login(personas.patient_a))["access_token"])
    medic = bearer((await login(personas.doctor_b))["access_token"])
    appt_id = (await client.post("/api/v1/appointments", headers=patient, json={
        "doctor_id": doctor.id, "starts_at": free[0]["starts_at"], "mode": "video"})).json()["id"]
    advised = await client.post(f"/api/v1/appointments/{appt_id}/follow-up", headers=medic,
                                json={"after_days": 14, "note": "Recheck blood pressure"})
    assert advised.status_code == 200, advised.text
    seen = (await client.get(f"/api/v1/appointments/{appt_id}", headers=patient)).json()
    assert (seen["follow_up_after_days"], seen["follow_up_note"]) == (
        14, "Recheck blood pressure")
    refused = await client.post(f"/api/v1/appointments/{appt_id}/follow-up", headers=patient,
                                json={"after_days": 14})
    assert refused.status_code == 403
