"""/api/v1/doctor/profile and /api/v1/admin/verification: a pending doctor completes the
profile over HTTP, an admin reviews it; the same rules as the pages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from odcp.models.notification import OutboxMessage
from odcp.models.user import AccountStatus
from tests.api.conftest import bearer
from tests.doctor_helpers import PDF, image, make_specialties, new_doctor

PROFILE = "/api/v1/doctor/profile"
QUEUE = "/api/v1/admin/verification"


@pytest.fixture
def specs(session):
    found = make_specialties(session)
    session.commit()
    return found


def _body(specialty_id: int, **changes) -> dict:
    body = {"specialty_id": specialty_id, "qualifications": "MBBS, MD",
            "licence_number": "GMC 7654321", "years_experience": 12, "languages": ["en"],
            "modes": ["video", "audio"], "fees_by_mode": {"video": 7000, "audio": 5000},
            "currency": "GBP", "bio": "General physician with twelve years of practice in "
            "family medicine and chronic care.", "conditions_treated": "asthma, diabetes",
            "timezone": "Europe/London"}
    return {**body, **changes}


async def _headers(login, user) -> dict[str, str]:
    return bearer((await login(user))["access_token"])


async def test_a_pending_doctor_completes_and_submits_over_the_api(client, login, session,
                                                                   specs):
    doctor = new_doctor(session)
    headers = await _headers(login, doctor)
    got = await client.get(PROFILE, headers=headers)
    assert got.status_code == 200, got.text
    assert got.json()["verification_status"] == "draft"
    assert "your main specialty" in got.json()["missing"]

    early = await client.post(f"{PROFILE}/submit", headers=headers)
    assert early.status_code == 422 and "Still missing" in early.json()["error"]["message"]

    bad = await client.put(PROFILE, headers=headers,
                           json=_body(specs["Cardiology"].id, fees_by_mode={"video": 7000}))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "fee_audio"
    saved = await client.put(PROFILE, headers=headers, json=_body(specs["Cardiology"].id))
    assert saved.status_code == 200 and saved.json()["fee_cents"] == 5000
    assert saved.json()["missing"] == ["a copy of your licence (PDF, PNG or JPEG)"]

    fake = await client.post(f"{PROFILE}/licence", headers=headers,
                             files={"file": ("licence.pdf", b"not a pdf", "application/pdf")})
    assert fake.status_code == 422
    upload = await client.post(f"{PROFILE}/licence", headers=headers,
                               files={"file": ("licence.pdf", PDF, "application/pdf")})
    assert upload.status_code == 200, upload.text
    assert upload.json()["licence_document"] == {"name": "licence.pdf",
                                                 "content_type": "application/pdf"}
    photo = await client.post(f"{PROFILE}/photo", headers=headers,
                              files={"file": ("me.jpg", image("JPEG"), "image/jpeg")})
    assert photo.status_code == 200 and photo.json()["has_photo"] is True

    submitted = await client.post(f"{PROFILE}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.json()["verification_status"] == \
        "submitted"
    again = await client.post(f"{PROFILE}/submit", headers=headers)
    assert again.status_code == 409


async def test_the_admin_reviews_rejects_then_approves(client, login, session, personas, specs):
    doctor = new_doctor(session)
    doc_headers = await _headers(login, doctor)
    await client.put(PROFILE, headers=doc_headers, json=_body(specs["Neurology"].id))
    await client.post(f"{PROFILE}/licence", headers=doc_headers,
                      files={"file": ("scan.png", image("PNG"), "image/png")})
    profile_id = (await client.post(f"{PROFILE}/submit", headers=doc_headers)).json()["id"]
    admin = await _headers(login, personas.admin)

    queue = await client.get(QUEUE, headers=admin)
    assert [row["id"] for row in queue.json()] == [profile_id]
    assert queue.json()[0]["specialty"] == "Neurology"
    licence = await client.get(f"{QUEUE}/{profile_id}/licence", headers=admin)
    assert licence.status_code == 200 and licence.content == image("PNG")
    assert licence.headers["content-type"] == "image/png"
    assert licence.headers["cache-control"] == "no-store"
    assert licence.headers["content-disposition"].startswith("attachment;")

    no_reason = await client.post(f"{QUEUE}/{profile_id}/reject", headers=admin,
                                  json={"reason": ""})
    assert no_reason.status_code == 422
    reason = "Licence number does not match the register."
    rejected = await client.post(f"{QUEUE}/{profile_id}/reject", headers=admin,
                                 json={"reason": reason})
    assert rejected.status_code == 200 and rejected.json()["verification_status"] == "rejected"
    mine = (await client.get(PROFILE, headers=doc_headers)).json()
    assert (mine["verification_status"], mine["rejection_reason"]) == ("rejected", reason)

    await client.put(PROFILE, headers=doc_headers,
                     json=_body(specs["Neurology"].id, licence_number="GMC 7654322"))
    await client.post(f"{PROFILE}/submit", headers=doc_headers)
    approved = await client.post(f"{QUEUE}/{profile_id}/approve", headers=admin)
    assert approved.status_code == 200, approved.text
    assert approved.json()["account_status"] == AccountStatus.ACTIVE
    assert (await client.get(QUEUE, headers=admin)).json() == []
    session.expire_all()
    kinds = session.exec(select(OutboxMessage.kind).where(
        OutboxMessage.to_address == doctor.email)).all()
    assert {"doctor_rejected", "doctor_approved"} <= set(kinds)


@pytest.mark.parametrize("who", ["anonymous", "patient_a", "doctor_b"])
async def test_only_admins_reach_the_queue(client, login, session, personas, specs, who):
    doctor = new_doctor(session)
    headers = {} if who == "anonymous" else await _headers(login, getattr(personas, who))
    expected = 401 if who == "anonymous" else 403
    profile_id = (await client.get(PROFILE, headers=await _headers(login, doctor))).json()["id"]
    for method, url, body in [("GET", QUEUE, None), ("GET", f"{QUEUE}/{profile_id}", None),
                              ("GET", f"{QUEUE}/{profile_id}/licence", None),
                              ("POST", f"{QUEUE}/{profile_id}/approve", None),
                              ("POST", f"{QUEUE}/{profile_id}/reject",
                               {"reason": "Looks fake to me, sorry"})]:
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == expected, (method, url, response.text)


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("patient_a", 403),
                                             ("admin", 403)])
async def test_only_doctors_have_a_profile(client, login, personas, who, status):
    headers = {} if who == "anonymous" else await _headers(login, getattr(personas, who))
    assert (await client.get(PROFILE, headers=headers)).status_code == status
    assert (await client.post(f"{PROFILE}/licence", headers=headers,
                              files={"file": ("l.pdf", PDF, "application/pdf")})
            ).status_code == status


async def test_an_unconfirmed_doctor_cannot_sign_in(client, session, specs):
    doctor = new_doctor(session)
    doctor.email_verified_at = None
    session.commit()
    response = await client.post("/api/v1/auth/login", json={
        "email": doctor.email, "password": "correct horse battery staple"})
    assert response.status_code == 403
    assert "confirm your email" in response.json()["error"]["message"]
