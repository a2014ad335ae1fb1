"""/api/v1/admin/appointments and the clinic policy over HTTP: the same rules as the admin
pages (permission per sub-role, validation, reassign refusals) and the public policy."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from odcp.models import Appointment, AuditEntry, AvailabilityRule, ClinicPolicy, DoctorProfile
from odcp.services import booking
from tests.api.conftest import bearer
from tests.doctor_helpers import listed_profile

LIST = "/api/v1/admin/appointments"
POLICY = "/api/v1/admin/clinic-policy"


def _doctor(session, user, modes) -> DoctorProfile:
    profile = listed_profile(session, user, timezone="UTC", modes=modes)
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(8),
                                     end_time=time(18), slot_minutes=30) for d in range(7))
    return profile


@pytest.fixture
def booked(session, personas) -> tuple[Appointment, DoctorProfile, DoctorProfile]:
    """Patient A's video visit with doctor B in three days; doctor D is free then."""
    b = _doctor(session, personas.doctor_b, ["video"])
    d = _doctor(session, personas.doctor_d, ["video", "audio"])
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    day = datetime.now(UTC).date() + timedelta(days=3)
    appt = booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=b.id, mode="video",
                             starts_at=datetime.combine(day, time(9), tzinfo=UTC))
    return appt, b, d


async def _as(login, user) -> dict[str, str]:
    return bearer((await login(user))["access_token"])


async def test_admin_lists_filters_and_reassigns(client, login, session, personas, booked):
    appt, b, d = booked
    admin = await _as(login, personas.admin)
    listed = (await client.get(LIST, params={"patient": "patient a", "status": "confirmed"},
                               headers=admin)).json()
    assert listed["total"] == 1 and listed["pages"] == 1
    row = listed["appointments"][0]
    assert (row["id"], row["patient_name"], row["doctor_name"], row["mode"]) == (
        appt.id, "Patient A", "Doctor B", "video")
    assert row["can_reassign"] and row["can_cancel"]
    since = (appt.starts_at + timedelta(hours=1)).isoformat()
    assert (await client.get(LIST, params={"since": since}, headers=admin)).json()["total"] == 0
    assert (await client.get(LIST, params={"doctor_id": d.id},
                             headers=admin)).json()["total"] == 0

    choices = (await client.get(f"{LIST}/{appt.id}/doctors", headers=admin)).json()
    assert choices == [{"doctor_id": d.id, "name": "Doctor D", "specialty": "General",
                        "free": True, "note": ""}]
    moved = await client.post(f"{LIST}/{appt.id}/reassign", headers=admin,
                              json={"doctor_id": d.id, "reason": "Doctor B is unwell"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["doctor_id"], moved.json()["starts_at"]) == (
        d.id, appt.starts_at.isoformat().replace("+00:00", "Z"))
    session.expire_all()
    assert session.get(Appointment, appt.id).doctor_id == d.id

    again = await client.post(f"{LIST}/{appt.id}/reassign", headers=admin,
                              json={"doctor_id": d.id, "reason": "Doctor B is unwell"})
    assert again.status_code == 422 and "already with this doctor" in again.text
    cancelled = await client.post(f"/api/v1/appointments/{appt.id}/cancel", headers=admin,
                                  json={"reason": "Clinic closed for a power cut"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    late = await client.post(f"{LIST}/{appt.id}/reassign", headers=admin,
                             json={"doctor_id": b.id, "reason": "Back again"})
    assert late.status_code == 409


async def test_reassign_refusals_map_to_statuses(client, login, session, personas, booked):
    appt, b, d = booked
    admin = await _as(login, personas.admin)
    cases = [({"doctor_id": d.id, "reason": ""}, 422, "reason"),
             ({"doctor_id": 999, "reason": "Doctor B away"}, 404, "not taking bookings"),
             ({"doctor_id": d.id}, 422, "not valid")]
    for body, status, says in cases:
        response = await client.post(f"{LIST}/{appt.id}/reassign", json=body, headers=admin)
        assert response.status_code == status and says in response.text, response.text
    booking.book_slot(session, actor=personas.actor(personas.patient_c), doctor_id=d.id,
                      starts_at=appt.starts_at, mode="video")
    taken = await client.post(f"{LIST}/{appt.id}/reassign", headers=admin,
                              json={"doctor_id": d.id, "reason": "Doctor B away"})
    assert taken.status_code == 409 and "not free" in taken.text
    for params in ({"status": "lost"}, {"order": "random"}, {"page_size": 1000},
                   {"since": "2026-01-01T00:00:00"}):
        assert (await client.get(LIST, params=params, headers=admin)).status_code == 422
    session.expire_all()
    assert session.get(Appointment, appt.id).doctor_id == b.id


@pytest.mark.parametrize(("subrole", "allowed"), [(None, True), ("appointments", True),
                                                  ("finance", False), ("support", False)])
async def test_sub_roles(client, login, session, personas, booked, subrole, allowed):
    appt, _, d = booked
    personas.admin.admin_subrole = subrole
    session.commit()
    admin = await _as(login, personas.admin)
    calls = [("GET", LIST, None), ("GET", f"{LIST}/{appt.id}/doctors", None),
             ("GET", POLICY, None), ("PUT", POLICY, {"cancel_cutoff_hours": 12}),
             ("POST", f"{LIST}/{appt.id}/reassign", {"doctor_id": d.id, "reason": "Away"})]
    for method, url, body in calls:
        response = await client.request(method, url, json=body, headers=admin)
        assert response.status_code == (200 if allowed else 403), (method, url, response.text)


async def test_patients_doctors_and_strangers_are_kept_out(client, login, personas, booked):
    appt, _, d = booked
    for user in (personas.patient_a, personas.doctor_b):
        headers = await _as(login, user)
        for method, url, body in [("GET", LIST, None), ("GET", POLICY, None),
                                  ("PUT", POLICY, {"cancel_cutoff_hours": 1}),
                                  ("POST", f"{LIST}/{appt.id}/reassign",
                                   {"doctor_id": d.id, "reason": "Mine now"})]:
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 403, (user.email, method, url)
    assert (await client.get(LIST)).status_code == 401


async def test_policy_read_and_change(client, login, session, personas):
    public = (await client.get("/api/v1/clinic-policy")).json()
    assert public["booking_horizon_days"] == 60 and public["cancel_cutoff_hours"] == 24
    admin = await _as(login, personas.admin)
    assert (await client.get(POLICY, headers=admin)).json()["updated_by"] is None
    changed = await client.put(POLICY, headers=admin, json={
        "booking_horizon_days": 90, "reschedule_cutoff_hours": 6, "requires_approval": True})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["booking_horizon_days"], body["reschedule_cutoff_hours"],
            body["requires_approval"], body["cancel_cutoff_hours"]) == (90, 6, True, 24)
    assert body["updated_by"] == "Admin E"
    assert (await client.get("/api/v1/clinic-policy")).json()["booking_horizon_days"] == 90
    for bad, says in (({"booking_horizon_days": 400}, "between 1 and 365"),
                      ({"min_notice_minutes": 200_000}, "Minimum notice"),
                      ({"booking_horizon_days": 1, "min_notice_minutes": 2000}, "shorter"),
                      ({"cancel_cutoff_hours": "soon"}, "not valid")):
        refused = await client.put(POLICY, headers=admin, json=bad)
        assert refused.status_code == 422 and says in refused.text, refused.text
    session.expire_all()
    assert session.get(ClinicPolicy, 1).booking_horizon_days == 90
    entries = session.exec(select(AuditEntry).where(
        AuditEntry.action == "clinic_policy.update")).all()
    assert len(entries) == 1
