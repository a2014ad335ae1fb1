"""GET /api/v1/audit: only admins read the log; sign-ins, failed or not, are in it."""

from __future__ import annotations

import json

import pytest

from odcp.services import audit
from odcp.services.actor import SYSTEM
from tests.api.conftest import bearer
from tests.conftest import PASSWORD

AUDIT = "/api/v1/audit"


async def _admin_headers(login, personas) -> dict[str, str]:
    return bearer((await login(personas.admin))["access_token"])


async def test_anonymous_gets_401(client, engine):
    response = await client.get(AUDIT)
    assert response.status_code == 401
    assert response.json()["error"]["message"]
    assert "entries" not in response.text


@pytest.mark.parametrize("who", ["patient_a", "patient_c", "doctor_b", "doctor_d"])
async def test_patients_and_doctors_get_403(client, personas, login, who):
    tokens = await login(getattr(personas, who))
    response = await client.get(AUDIT, headers=bearer(tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Only clinic administrators may do this."
    assert "entries" not in response.text


async def test_admin_reads_the_log(client, personas, login):
    response = await client.get(AUDIT, headers=await _admin_headers(login, personas))
    assert response.status_code == 200
    body = response.json()
    assert body["page"] == 1 and body["page_size"] == 50
    # At least the admin's own sign-in is there.
    assert any(e["action"] == "auth.sign_in" and e["actor_id"] == personas.admin.id
               for e in body["entries"])


def _add_entries(session, n: int) -> None:
    for i in range(n):
        audit.record(session, actor=SYSTEM, action=f"test.event.{i:02d}", target_type="thing",
                     target_id=i)
    session.commit()


async def test_paging_is_newest_first_and_covers_every_entry_once(client, personas, login,
                                                                  session):
    _add_entries(session, 7)
    headers = await _admin_headers(login, personas)
    seen = []
    for page in (1, 2, 3, 4):
        response = await client.get(AUDIT, headers=headers,
                                    params={"action": "test.", "page": page, "page_size": 3})
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == 7 and body["pages"] == 3 and body["page"] == page
        seen += [e["action"] for e in body["entries"]]
    assert seen == [f"test.event.{i:02d}" for i in reversed(range(7))]


async def test_action_filter_is_a_prefix(client, personas, login, session):
    _add_entries(session, 3)
    headers = await _admin_headers(login, personas)
    auth_only = (await client.get(AUDIT, headers=headers, params={"action": "auth."})).json()
    assert auth_only["total"] >= 1
    assert all(e["action"].startswith("auth.") for e in auth_only["entries"])
    one = (await client.get(AUDIT, headers=headers, params={"action": "test.event.01"})).json()
    assert [e["action"] for e in one["entries"]] == ["test.event.01"]


async def test_actor_and_subject_filters(client, personas, login):
    await login(personas.patient_a)
    await login(personas.doctor_b)
    headers = await _admin_headers(login, personas)
    body = (await client.get(AUDIT, headers=headers,
                             params={"actor_id": personas.patient_a.id})).json()
    assert body["total"] == 1
    assert body["entries"][0]["subject_user_id"] == personas.patient_a.id
    body = (await client.get(AUDIT, headers=headers,
                             params={"subject_user_id": personas.doctor_b.id})).json()
    assert {e["actor_id"] for e in body["entries"]} == {personas.doctor_b.id}


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 201},
                                    {"since": "yesterday"}])
async def test_bad_paging_is_a_422(client, personas, login, params):
    response = await client.get(AUDIT, headers=await _admin_headers(login, personas),
                                params=params)
    assert response.status_code == 422
    assert response.json()["error"]["problems"]


async def test_failed_and_successful_logins_are_audited_with_ip(client, personas, login):
    wrong = "Wrong-password-9876"
    assert (await client.post("/api/v1/auth/login", json={
        "email": personas.patient_a.email, "password": wrong})).status_code == 401
    assert (await client.post("/api/v1/auth/login", json={
        "email": "ghost@test.example", "password": wrong})).status_code == 401
    await login(personas.patient_a)
    headers = await _admin_headers(login, personas)

    response = await client.get(AUDIT, headers=headers, params={"action": "auth.sign_in"})
    entries = response.json()["entries"]
    failures = [e for e in entries if e["outcome"] == "failure"]
    successes = [e for e in entries if e["outcome"] == "success"]

    assert len(failures) == 2, "both refused sign-ins must be in the audit log"
    assert {f["target_id"] for f in failures} == {str(personas.patient_a.id), None}
    assert all(f["ip"] == "127.0.0.1" and f["actor_id"] is None for f in failures)
    assert all(f["detail"] == {"reason": "bad_credentials"} for f in failures)

    patient = [e for e in successes if e["actor_id"] == personas.patient_a.id]
    assert len(patient) == 1
    assert patient[0]["ip"] == "127.0.0.1"
    assert patient[0]["actor_role"] == "patient"

    dumped = json.dumps(entries)
    assert wrong not in dumped and PASSWORD not in dumped
    assert "password" not in dumped.lower()


async def test_suspended_sign_in_attempt_is_audited(client, personas, login, session):
    from odcp.models.user import AccountStatus

    personas.doctor_d.status = AccountStatus.SUSPENDED
    session.add(personas.doctor_d)
    session.commit()
    response = await client.post("/api/v1/auth/login",
                                 json={"email": personas.doctor_d.email, "password": PASSWORD})
    assert response.status_code == 403
    headers = await _admin_headers(login, personas)
    entries = (await client.get(AUDIT, headers=headers,
                                params={"action": "auth.sign_in"})).json()["entries"]
    refused = [e for e in entries if e["target_id"] == str(personas.doctor_d.id)]
    assert len(refused) == 1
    assert refused[0]["outcome"] == "failure"
    assert refused[0]["detail"] == {"reason": "suspended"}


async def test_refresh_replay_is_audited(client, personas, login):
    tokens = await login(personas.patient_c)
    await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    headers = await _admin_headers(login, personas)
    entries = (await client.get(AUDIT, headers=headers,
                                params={"action": "auth.refresh_reuse"})).json()["entries"]
    assert len(entries) == 1
    assert entries[0]["subject_user_id"] == personas.patient_c.id
    assert entries[0]["outcome"] == "failure" and entries[0]["ip"] == "127.0.0.1"
    assert tokens["refresh_token"] not in json.dumps(entries)


async def test_logout_is_audited(client, personas, login):
    tokens = await login(personas.doctor_b)
    await client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"]))
    headers = await _admin_headers(login, personas)
    entries = (await client.get(AUDIT, headers=headers,
                                params={"action": "auth.sign_out"})).json()["entries"]
    assert [e["actor_id"] for e in entries] == [personas.doctor_b.id]
