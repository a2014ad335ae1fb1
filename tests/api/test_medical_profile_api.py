"""/api/v1/me/medical-profile, /patients/{id}/medical-profile and /me/record-access: the
same rules as the page, per persona."""

import pytest

from odcp.models.appointment import AppointmentStatus
from tests.api.conftest import bearer
from tests.services.test_medical_profile import PROFILE, book


async def _headers(login, user) -> dict[str, str]:
    return bearer((await login(user))["access_token"])


@pytest.fixture
async def alice(client, session, personas, login):
    """Patient A saved a profile over the API; doctor B has an appointment with A."""
    headers = await _headers(login, personas.patient_a)
    saved = await client.put("/api/v1/me/medical-profile", headers=headers, json=PROFILE)
    assert saved.status_code == 200, saved.text
    book(session, personas.doctor_b, personas.patient_a, AppointmentStatus.CONFIRMED)
    return headers


async def test_patient_round_trip(client, personas, alice):
    got = await client.get("/api/v1/me/medical-profile", headers=alice)
    assert got.status_code == 200
    body = got.json()
    assert body["allergies"] == [{"substance": "Penicillin", "reaction": "Hives",
                                  "severity": "severe"}]
    assert body["blood_group"] == "AB-" and body["date_of_birth"] == "1984-03-09"
    assert body["emergency_contact"]["phone"] == "+442079460958"


async def test_bad_input_is_422_with_the_field_and_changes_nothing(client, alice):
    bad = await client.put("/api/v1/me/medical-profile", headers=alice, json={
        **PROFILE, "allergies": [{"substance": "Latex", "reaction": "", "severity": "fatal"}]})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "allergies.0.severity"
    assert "Allergy 1, severity" in bad.json()["error"]["message"]
    got = await client.get("/api/v1/me/medical-profile", headers=alice)
    assert got.json()["allergies"][0]["substance"] == "Penicillin"


async def test_treating_doctor_reads_and_patient_sees_it(client, personas, login, alice):
    doctor = await _headers(login, personas.doctor_b)
    url = f"/api/v1/patients/{personas.patient_a.id}/medical-profile"
    read = await client.get(url, headers=doctor)
    assert read.status_code == 200 and read.json()["medications"][0]["name"] == "Salbutamol"
    log = await client.get("/api/v1/me/record-access", headers=alice)
    assert log.status_code == 200
    [entry] = log.json()
    assert (entry["viewer_name"], entry["viewer_role"]) == ("Doctor B", "doctor")
    assert entry["at"]


@pytest.mark.parametrize("who", ["patient_c", "doctor_d", "admin"])
async def test_others_get_403_with_nothing_of_a(client, personas, login, alice, who):
    headers = await _headers(login, getattr(personas, who))
    url = f"/api/v1/patients/{personas.patient_a.id}/medical-profile"
    refused = await client.get(url, headers=headers)
    assert refused.status_code == 403
    assert "Penicillin" not in refused.text and "AB-" not in refused.text
    log = await client.get("/api/v1/me/record-access", headers=alice)
    assert log.json() == []
    admin = await _headers(login, personas.admin)
    audit = await client.get("/api/v1/audit", headers=admin, params={
        "action": "medical_profile.read", "subject_user_id": personas.patient_a.id})
    assert [(e["actor_id"], e["outcome"]) for e in audit.json()["entries"]] == [
        (getattr(personas, who).id, "failure")]


async def test_unknown_patient_is_refused_like_any_other(client, personas, login, alice):
    doctor = await _headers(login, personas.doctor_b)
    missing = await client.get("/api/v1/patients/999999/medical-profile", headers=doctor)
    assert missing.status_code == 403


async def test_doctor_has_no_own_profile_and_anonymous_gets_401(client, personas, login,
                                                                alice):
    doctor = await _headers(login, personas.doctor_b)
    assert (await client.get("/api/v1/me/medical-profile", headers=doctor)).status_code == 403
    assert (await client.get("/api/v1/me/record-access", headers=doctor)).status_code == 403
    assert (await client.get("/api/v1/me/medical-profile")).status_code == 401
    url = f"/api/v1/patients/{personas.patient_a.id}/medical-profile"
    assert (await client.get(url)).status_code == 401
