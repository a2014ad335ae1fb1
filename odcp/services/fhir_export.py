"""A patient's record as a FHIR R4 Bundle (type "collection"): the right of access.

Who: the patient (their own) and a doctor who treats them (audited as a record read, and
the medical profile read inside it is audited as such; both are shown to the patient).
What: Patient, Practitioner (every doctor in the record), Appointment, Encounter (for
consultations that were held: in progress or completed), Condition and
AllergyIntolerance (the medical profile), MedicationRequest (one per prescribed
medication) and DocumentReference (document metadata with a download URL: the patient's
own file URL, or for a doctor a link signed for that doctor, which is audited when used;
never the bytes). Resources are built in odcp.services.fhir_resources.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from odcp.models.appointment import AppointmentStatus
from odcp.models.base import utcnow
from odcp.services import fhir_resources as fr
from odcp.services import medical_profile, patient_documents, signed_links
from odcp.services.actor import Actor
from odcp.services.booking import reason_context
from odcp.services.crypto import decrypt_text
from odcp.services.record_access import require_reader, whose
from odcp.services.timeline import load_record
from odcp.settings import get_settings

MEDIA_TYPE = "application/fhir+json"
HELD = (AppointmentStatus.IN_PROGRESS, AppointmentStatus.COMPLETED)


def filename(today: date | None = None) -> str:
    return f"record-{(today or utcnow().date()).isoformat()}.json"


def _document_url(actor: Actor, part: str, doc_id: int) -> str:
    base = get_settings().public_url
    if part == "patient":
        return f"{base}{patient_documents.API_PATH}/{doc_id}/file"
    link = signed_links.sign(f"{patient_documents.API_PATH}/{doc_id}/download",
                             purpose=patient_documents.LINK_PURPOSE, subject=doc_id,
                             viewer_id=actor.user_id)
    return base + link.path


def export(session: Session, *, actor: Actor,
           patient_user_id: int | None = None) -> dict[str, Any]:
    """The Bundle as JSON-ready data (serialize with json.dumps)."""
    patient_id = whose(actor, patient_user_id)
    part = require_reader(session, actor=actor, patient_user_id=patient_id, what="fhir")
    profile = medical_profile.read_for(session, actor=actor, patient_user_id=patient_id)
    record = load_record(session, patient_id)
    refs = fr.Refs(get_settings().public_url)
    held = {a.id for a in record.appointments if a.status in HELD}

    resources: list[tuple[str, object, dict]] = [
        ("Patient", patient_id, fr.patient(refs, record.patient, profile.date_of_birth,
                                           profile.sex))]
    resources += [("Practitioner", pid, fr.practitioner(refs, doctor))
                  for pid, doctor in sorted(record.doctors.items())]
    for appt in record.appointments:
        reason = decrypt_text(appt.reason_enc, context=reason_context(patient_id)) \
            if appt.reason_enc else ""
        resources.append(("Appointment", appt.id, fr.appointment(refs, appt, reason)))
        if appt.id in held:
            resources.append(("Encounter", appt.id, fr.encounter(refs, appt)))
    resources += [("Condition", f"{patient_id}-{i}", fr.condition(refs, patient_id, i, name))
                  for i, name in enumerate(profile.chronic_conditions, start=1)]
    resources += [("AllergyIntolerance", f"{patient_id}-{i}",
                   fr.allergy(refs, patient_id, i, found))
                  for i, found in enumerate(profile.allergies, start=1)]
    for rx in record.prescriptions:
        resources += [("MedicationRequest", r["id"], r)
                      for r in fr.medication_requests(refs, rx, held)]
    for doc in record.documents:
        view = patient_documents.view_of(doc)
        resources.append(("DocumentReference", doc.id, fr.document_reference(
            refs, view, _document_url(actor, part, doc.id), held)))

    now = utcnow()
    return {"resourceType": "Bundle", "meta": {"lastUpdated": fr.instant(now)},
            "identifier": {"system": "urn:ietf:rfc:3986",
                           "value": refs.url("Bundle", f"{patient_id}-{now.timestamp()}")},
            "type": "collection", "timestamp": fr.instant(now),
            "entry": [{"fullUrl": refs.url(kind, key), "resource": resource}
                      for kind, key, resource in resources]}
