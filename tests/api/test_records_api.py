"""/api/v1/records per persona: documents CRUD and upload, signed links and downloads (by
Bearer token or browser cookie), the access list, the timeline and the FHIR export."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fhir.resources.R4B.bundle import Bundle

from odcp.models.base import utcnow
from odcp.services import auth, patient_documents, signed_links
from odcp.services.actor import Actor
from tests.api.conftest import bearer
from tests.clinical_helpers import clinic
from tests.doctor_helpers import image
from tests.records_helpers import clinical_history, report_pdf

URL = "/api/v1/records"
FORM = {"title": "Lipid panel", "kind": "lab_result", "report_date": "2026-02-14"}
PEOPLE = ("patient_a", "patient_c", "doctor_b", "doctor_d", "admin")


@pytest.fixture
def setup(session, personas):
    return clinic(session, personas)


@pytest.fixture
async def tokens(personas, login):
    return {n: bearer((await login(getattr(personas, n)))["access_token"]) for n in PEOPLE}


async def _upload(client, headers, data=None, name="lipids.pdf", **form):
    return await client.post(f"{URL}/documents", headers=headers, data={**FORM, **form},
                             files={"file": (name, report_pdf() if data is None else data,
                                             "application/pdf")})


async def test_patient_uploads_lists_renames_and_deletes(client, setup, tokens):
    me = tokens["patient_a"]
    made = await _upload(client, me, appointment_id=str(setup.appointment.id))
    assert made.status_code == 201, made.text
    doc = made.json()
    assert (doc["title"], doc["kind"], doc["file_name"]) == ("Lipid panel", "lab_result",
                                                             "lipids.pdf")
    assert doc["appointment_id"] == setup.appointment.id
    listed = await client.get(f"{URL}/documents", headers=me)
    assert [d["id"] for d in listed.json()] == [doc["id"]]
    renamed = await client.patch(f"{URL}/documents/{doc['id']}", headers=me,
                                 json={"title": "Cholesterol, February", "kind": "letter"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Cholesterol, February"
    assert renamed.json()["report_date"] == "2026-02-14"  # left out: unchanged
    own = await client.get(f"{URL}/documents/{doc['id']}/file", headers=me)
    assert own.status_code == 200 and own.content == report_pdf()
    assert (await client.delete(f"{URL}/documents/{doc['id']}", headers=me)).status_code == 204
    assert (await client.get(f"{URL}/documents/{doc['id']}", headers=me)).status_code == 404


async def test_refused_uploads_say_why_and_store_nothing(client, setup, tokens):
    me = tokens["patient_a"]
    cases = [(dict(data=b"MZ\x90\x00 not a report", name="x.pdf"), 422, "PDF, PNG or JPEG"),
             (dict(data=report_pdf(padding=patient_documents.MAX_BYTES)), 422, "10 MB"),
             (dict(data=b"\xff\xd8\xff" + b"junk" * 100, name="x.jpg"), 422, "cannot be read"),
             (dict(report_date="tomorrow"), 422, "YYYY-MM-DD"),
             (dict(kind=""), 422, "kind")]
    for kwargs, status, words in cases:
        refused = await _upload(client, me, **kwargs)
        assert refused.status_code == status and words in refused.json()["error"]["message"]
    assert (await _upload(client, tokens["doctor_b"])).status_code == 403
    assert (await _upload(client, {})).status_code == 401
    assert (await client.get(f"{URL}/documents", headers=me)).json() == []


async def test_every_document_action_per_persona(client, personas, setup, tokens):
    doc = (await _upload(client, tokens["patient_a"], data=image("JPEG"), name="scan.jpg",
                         kind="imaging")).json()
    one = f"{URL}/documents/{doc['id']}"
    expected = {  # action -> status for patient_a, patient_c, doctor_b, doctor_d, admin
        ("GET", one): (200, 404, 200, 404, 404),
        ("PATCH", one): (200, 404, 403, 404, 404),
        ("POST", one + "/link"): (200, 404, 200, 404, 404),
        ("GET", one + "/file"): (200, 404, 403, 404, 404),
        ("GET", f"{URL}/documents?patient_id={personas.patient_a.id}"): (200, 403, 200, 403,
                                                                         403),
        ("GET", f"{URL}/access"): (200, 200, 403, 403, 403),
    }
    for (method, url), statuses in expected.items():
        for who, status in zip(PEOPLE, statuses, strict=True):
            got = await client.request(method, url, headers=tokens[who],
                                       json={"title": "Renamed"} if method == "PATCH" else None)
            assert got.status_code == status, (method, url, who, got.text)
    for who in ("patient_c", "doctor_b", "doctor_d", "admin"):
        assert (await client.delete(one, headers=tokens[who])).status_code in (403, 404)
    assert (await client.get(one, headers=tokens["patient_a"])).json()["title"] == "Renamed"
    assert (await client.delete(one, headers=tokens["patient_a"])).status_code == 204


async def test_treating_doctor_opens_a_signed_link_and_the_patient_sees_it(
        client, session, personas, setup, tokens):
    doc = (await _upload(client, tokens["patient_a"])).json()
    issued = await client.post(f"{URL}/documents/{doc['id']}/link", headers=tokens["doctor_b"])
    assert issued.status_code == 200
    link = urlsplit(issued.json()["url"])
    path = f"{link.path}?{link.query}"
    assert (await client.get(path)).status_code == 401  # a link alone is not enough
    assert (await client.get(path, headers=tokens["doctor_d"])).status_code == 403
    assert (await client.get(path, headers=tokens["patient_a"])).status_code == 403
    tampered = path.replace("exp=", "exp=9")
    assert (await client.get(tampered, headers=tokens["doctor_b"])).status_code == 403
    got = await client.get(path, headers=tokens["doctor_b"])
    assert got.status_code == 200 and got.content == report_pdf()
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''lipids.pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in got.headers["cache-control"]
    # The browser's session cookie works as well as a Bearer token.
    browser = auth.start_session(session, user=personas.doctor_b, actor=Actor(), kind="browser")
    session.commit()
    by_cookie = await client.get(path, cookies={"odcp_session": browser.token})
    assert by_cookie.status_code == 200 and by_cookie.content == report_pdf()
    # The export takes a Bearer token only: another site cannot make the browser fetch it.
    assert (await client.get(f"{URL}/fhir?patient_id={personas.patient_a.id}",
                             cookies={"odcp_session": browser.token})).status_code == 401
    log = (await client.get(f"{URL}/access", headers=tokens["patient_a"])).json()
    assert [(a["viewer_name"], a["what"], a["document_id"]) for a in log] == [
        ("Doctor B", "Lipid panel", doc["id"])] * 2


async def test_an_expired_link_answers_gone(client, personas, setup, tokens):
    doc = (await _upload(client, tokens["patient_a"])).json()
    old = signed_links.sign(f"{URL}/documents/{doc['id']}/download",
                            purpose=patient_documents.LINK_PURPOSE, subject=doc["id"],
                            viewer_id=personas.doctor_b.id, ttl=timedelta(minutes=10),
                            now=utcnow() - timedelta(minutes=11))
    gone = await client.get(old.path, headers=tokens["doctor_b"])
    assert gone.status_code == 410 and "expired" in gone.json()["error"]["message"]


async def test_timeline_and_fhir_export(client, session, personas, tokens):
    clinical_history(session, personas)
    a_id = personas.patient_a.id
    mine = await client.get(f"{URL}/timeline", headers=tokens["patient_a"])
    assert [e["kind"] for e in mine.json()] == ["consultation", "prescription", "note",
                                                "consultation", "document"]
    docs_only = await client.get(f"{URL}/timeline?kinds=document,prescription",
                                 headers=tokens["patient_a"])
    assert [e["kind"] for e in docs_only.json()] == ["prescription", "document"]
    assert (await client.get(f"{URL}/timeline?kinds=selfie",
                             headers=tokens["patient_a"])).status_code == 422
    theirs = await client.get(f"{URL}/timeline?patient_id={a_id}", headers=tokens["doctor_b"])
    assert theirs.status_code == 200 and len(theirs.json()) == 5
    for who in ("doctor_d", "patient_c", "admin"):
        for url in (f"{URL}/timeline?patient_id={a_id}", f"{URL}/fhir?patient_id={a_id}"):
            assert (await client.get(url, headers=tokens[who])).status_code == 403, (who, url)
    export = await client.get(f"{URL}/fhir", headers=tokens["patient_a"])
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("application/fhir+json")
    assert export.headers["content-disposition"] == \
        f'attachment; filename="record-{utcnow().date().isoformat()}.json"'
    bundle = Bundle.model_validate_json(export.content)
    assert bundle.type == "collection" and bundle.entry[0].resource.get_resource_type() == \
        "Patient"
    doctor_export = await client.get(f"{URL}/fhir?patient_id={a_id}", headers=tokens["doctor_b"])
    assert doctor_export.status_code == 200
    Bundle.model_validate_json(doctor_export.content)
