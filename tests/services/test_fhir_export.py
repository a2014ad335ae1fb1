"""The FHIR R4 export: a Bundle the `fhir.resources` models accept (R4B, the R4-compatible
release they ship), with every resource the record holds, references that resolve inside
the Bundle, document URLs instead of bytes, and the usual access rule."""

import json
from collections import Counter

import pytest
from fhir.resources.R4B.bundle import Bundle

from odcp.services import fhir_export, medical_profile, patient_documents, record_access
from odcp.services.errors import Forbidden
from tests.records_helpers import SECRET_LINE, clinical_history, link_query, report_pdf

PROFILE = {"date_of_birth": "1984-06-30", "sex": "female",
           "chronic_conditions": ["Asthma", "Hypothyroidism"],
           "allergies": [{"substance": "Penicillin", "reaction": "Hives",
                          "severity": "life-threatening"},
                         {"substance": "Peanuts", "reaction": "", "severity": "mild"}]}


@pytest.fixture
def record(session, personas):
    setup, past = clinical_history(session, personas)
    medical_profile.update_own(session, actor=personas.actor(personas.patient_a), data=PROFILE)
    session.commit()
    return setup, past


def _export(session, personas, who, patient_id=None) -> tuple[dict, Bundle]:
    data = fhir_export.export(session, actor=personas.actor(who), patient_user_id=patient_id)
    session.commit()
    text = json.dumps(data)  # what the download holds
    return json.loads(text), Bundle.model_validate_json(text)


def _resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_patient_export_is_a_valid_bundle_with_the_whole_record(session, personas, record):
    _, past = record
    data, bundle = _export(session, personas, personas.patient_a)
    assert bundle.type == "collection" and len(bundle.entry) == len(data["entry"])
    assert Counter(e["resource"]["resourceType"] for e in data["entry"]) == {
        "Patient": 1, "Practitioner": 1, "Appointment": 3, "Encounter": 1, "Condition": 2,
        "AllergyIntolerance": 2, "MedicationRequest": 1, "DocumentReference": 1}
    (patient,) = _resources(data, "Patient")
    assert (patient["name"][0]["text"], patient["gender"], patient["birthDate"]) == (
        "Patient A", "female", "1984-06-30")
    (doctor,) = _resources(data, "Practitioner")
    assert doctor["identifier"][0]["value"] == "REG-778899"
    statuses = {a["id"]: a["status"] for a in _resources(data, "Appointment")}
    assert sorted(statuses.values()) == ["booked", "cancelled", "fulfilled"]
    (encounter,) = _resources(data, "Encounter")
    assert encounter["status"] == "finished" and encounter["id"] == f"encounter-{past.id}"
    assert [c["code"]["text"] for c in _resources(data, "Condition")] == ["Asthma",
                                                                         "Hypothyroidism"]
    penicillin, peanuts = _resources(data, "AllergyIntolerance")
    assert penicillin["criticality"] == "high" and penicillin["reaction"][0]["severity"] == \
        "severe"
    assert "reaction" not in peanuts and peanuts["criticality"] == "low"
    (med,) = _resources(data, "MedicationRequest")
    assert med["medicationCodeableConcept"]["text"] == "Amoxicillin 500 mg"
    assert (med["status"], med["intent"]) == ("active", "order")
    assert med["dispenseRequest"]["quantity"] == {"value": 21.0, "unit": "capsules"}
    assert med["encounter"]["reference"] == _full_url(data, encounter)


def _full_url(data: dict, resource: dict) -> str:
    return next(e["fullUrl"] for e in data["entry"] if e["resource"] is resource
                or e["resource"] == resource)


def test_every_reference_resolves_inside_the_bundle(session, personas, record):
    data, _ = _export(session, personas, personas.patient_a)
    urls = {e["fullUrl"] for e in data["entry"]}
    assert len(urls) == len(data["entry"])
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "reference" in node:
                found.append(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["entry"])
    assert found and set(found) <= urls


def test_documents_are_linked_not_embedded(session, personas, record):
    data, _ = _export(session, personas, personas.patient_a)
    (ref,) = _resources(data, "DocumentReference")
    attachment = ref["content"][0]["attachment"]
    assert "data" not in attachment and attachment["contentType"] == "application/pdf"
    assert attachment["url"].endswith(f"/api/v1/records/documents/{ref['id'][9:]}/file")
    assert ref["description"] == "Full blood count"
    assert SECRET_LINE.decode() not in json.dumps(data)


def test_treating_doctor_export_is_audited_and_links_are_theirs(session, personas, record):
    data, _ = _export(session, personas, personas.doctor_b, personas.patient_a.id)
    (ref,) = _resources(data, "DocumentReference")
    query = link_query(ref["content"][0]["attachment"]["url"])
    doc_id = int(ref["id"].removeprefix("document-"))
    got = patient_documents.open_link(session, actor=personas.actor(personas.doctor_b),
                                      document_id=doc_id, exp=query["exp"], sig=query["sig"])
    session.commit()
    assert got.data == report_pdf()
    seen = [a.what for a in record_access.access_log(
        session, actor=personas.actor(personas.patient_a)) if a.viewer_name == "Doctor B"]
    assert {"Full record export (FHIR)", "Medical profile", "Full blood count"} <= set(seen)


def test_only_the_patient_and_treating_doctors_export(session, personas, record):
    for who in (personas.doctor_d, personas.patient_c, personas.admin):
        with pytest.raises(Forbidden):
            fhir_export.export(session, actor=personas.actor(who),
                               patient_user_id=personas.patient_a.id)
        session.rollback()
    assert fhir_export.filename().startswith("record-") and fhir_export.filename().endswith(
        ".json")
