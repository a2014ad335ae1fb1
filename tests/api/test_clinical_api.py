"""Notes, prescriptions, PDFs and the public check through the API, per persona."""

import io

import pypdf
import pytest

from tests.api.conftest import bearer
from tests.clinical_helpers import AMOXICILLIN, IBUPROFEN, clinic

SOAP = {"subjective": "Cough at night", "objective": "Clear chest",
        "assessment": "Post-viral cough", "plan": "Honey and rest"}


@pytest.fixture
def setup(session, personas):
    return clinic(session, personas)


@pytest.fixture
async def tokens(personas, login):
    names = ("patient_a", "patient_c", "doctor_b", "doctor_d", "admin")
    return {n: bearer((await login(getattr(personas, n)))["access_token"]) for n in names}


async def test_notes_autosave_sign_and_addenda(client, setup, tokens):
    url = f"/api/v1/appointments/{setup.appointment.id}/notes"
    doctor = tokens["doctor_b"]
    empty = await client.get(url, headers=doctor)
    assert empty.status_code == 200 and empty.json()["version"] == 0
    saved = await client.put(url, json={**SOAP, "version": 0}, headers=doctor)
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = await client.put(url, json={**SOAP, "plan": "other", "version": 0}, headers=doctor)
    assert stale.status_code == 409 and "changed elsewhere" in stale.json()["error"]["message"]
    for who, status in (("doctor_d", 404), ("patient_c", 404), ("patient_a", 403),
                        ("admin", 403)):
        refused = await client.put(url, json={**SOAP, "version": 1}, headers=tokens[who])
        assert refused.status_code == status, who
    assert (await client.get(url, headers=tokens["patient_a"])).status_code == 404  # draft
    signed = await client.post(url + "/sign", headers=doctor)
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    locked = await client.put(url, json={**SOAP, "plan": "x", "version": 2}, headers=doctor)
    assert locked.status_code == 409
    added = await client.post(url + "/addenda", json={"text": "X-ray normal"}, headers=doctor)
    assert added.status_code == 201 and added.json()["addenda"][0]["text"] == "X-ray normal"
    seen = await client.get(url, headers=tokens["patient_a"])
    assert seen.status_code == 200 and seen.json()["plan"] == "Honey and rest"
    assert (await client.get(url, headers=tokens["doctor_d"])).status_code == 404
    assert (await client.get(url)).status_code == 401


async def test_prescriptions_issue_list_cancel_and_pdf(client, setup, tokens):
    appt_id = setup.appointment.id
    body = {"medications": [AMOXICILLIN, IBUPROFEN], "instructions": "Rest"}
    post = f"/api/v1/appointments/{appt_id}/prescriptions"
    assert (await client.post(post, json=body, headers=tokens["doctor_d"])).status_code == 404
    assert (await client.post(post, json=body, headers=tokens["patient_a"])).status_code == 403
    bad = await client.post(post, headers=tokens["doctor_b"], json={
        "medications": [{**AMOXICILLIN, "quantity": ""}]})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"] == "Medication 1, quantity: this is required."
    made = await client.post(post, json=body, headers=tokens["doctor_b"])
    assert made.status_code == 201, made.text
    rx = made.json()
    assert rx["status"] == "active" and rx["medications"][0]["name"] == "Amoxicillin"
    assert rx["verify_url"].endswith("/verify/" + rx["reference"])
    mine = (await client.get("/api/v1/prescriptions", headers=tokens["patient_a"])).json()
    assert [p["id"] for p in mine] == [rx["id"]]
    assert (await client.get("/api/v1/prescriptions", headers=tokens["patient_c"])).json() == []
    by_appt = await client.get("/api/v1/prescriptions", params={"appointment_id": appt_id},
                               headers=tokens["doctor_b"])
    assert [p["id"] for p in by_appt.json()] == [rx["id"]]
    assert (await client.get("/api/v1/prescriptions", params={"appointment_id": appt_id},
                             headers=tokens["doctor_d"])).status_code == 404

    pdf_url = f"/api/v1/prescriptions/{rx['id']}/pdf"
    for who in ("patient_a", "doctor_b", "admin"):
        got = await client.get(pdf_url, headers=tokens[who])
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
        assert "attachment" in got.headers["content-disposition"]
        text = pypdf.PdfReader(io.BytesIO(got.content)).pages[0].extract_text()
        assert "Amoxicillin" in text and "Doctor B" in text
    for who in ("patient_c", "doctor_d"):
        assert (await client.get(pdf_url, headers=tokens[who])).status_code == 404
    assert (await client.get(pdf_url)).status_code == 401

    cancel = f"/api/v1/prescriptions/{rx['id']}/cancel"
    assert (await client.post(cancel, json={"reason": "no"},
                              headers=tokens["patient_a"])).status_code == 403
    assert (await client.post(cancel, json={"reason": ""},
                              headers=tokens["doctor_b"])).status_code == 422
    done = await client.post(cancel, json={"reason": "Allergy"}, headers=tokens["doctor_b"])
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    again = await client.get(f"/api/v1/prescriptions/{rx['id']}", headers=tokens["patient_a"])
    assert again.json()["cancel_reason"] == "Allergy"


async def test_public_verification_genuine_and_forged(client, setup, tokens):
    made = await client.post(f"/api/v1/appointments/{setup.appointment.id}/prescriptions",
                             json={"medications": [AMOXICILLIN]}, headers=tokens["doctor_b"])
    reference = made.json()["reference"]
    genuine = await client.get(f"/api/v1/verify/{reference}")  # no sign-in
    assert genuine.status_code == 200
    body = genuine.json()
    assert body["genuine"] is True and body["doctor_name"] == "Doctor B"
    assert body["status"] == "active" and body["patient_initials"] == "P.A."
    assert "Amoxicillin" not in genuine.text and "Patient A" not in genuine.text
    forged = reference[:-2] + ("AA" if reference[-2:] != "AA" else "BB")
    for bad in (forged, "not-a-reference", "A" * 32):
        answer = await client.get(f"/api/v1/verify/{bad}")
        assert answer.status_code == 200 and answer.json()["genuine"] is False
        assert answer.json()["doctor_name"] == ""
