"""FHIR R4 resources built from ODCP's rows, as plain JSON-ready dicts.

Why plain dicts: the export must run without the `fhir.resources` models (a test
dependency that validates what this module writes), and a dict is what goes on the wire.
Each resource gets a stable `urn:uuid` full URL derived from the clinic's public URL and
the row, so two exports of the same record reference the same resources.
Codes are the standard HL7 code systems; free text (medication names, conditions,
allergies) goes in CodeableConcept.text, since ODCP records no coded terminology.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

from odcp.models.appointment import Appointment
from odcp.models.record import DocumentKind
from odcp.models.user import User
from odcp.services.medical_profile import Allergy
from odcp.services.medication_rules import Medication
from odcp.services.patient_documents import DocumentView
from odcp.services.prescriptions import PrescriptionView
from odcp.services.timeline import Doctor

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
APPOINTMENT_STATUS = {"pending": "pending", "confirmed": "booked", "in_progress": "arrived",
                      "completed": "fulfilled", "cancelled": "cancelled", "no_show": "noshow"}
ENCOUNTER_STATUS = {"in_progress": "in-progress", "completed": "finished"}
MEDICATION_STATUS = {"active": "active", "expired": "completed", "cancelled": "cancelled"}
GENDER = {"female": "female", "male": "male", "intersex": "other", "undisclosed": "unknown"}
_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(.*)$")


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Refs:
    """Stable full URLs (urn:uuid) and reference objects for one clinic."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def url(self, kind: str, key: object) -> str:
        return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/fhir/{kind}/{key}"))

    def to(self, kind: str, key: object) -> dict:
        return {"reference": self.url(kind, key)}

    def system(self, name: str) -> str:
        return f"{self.base}/fhir/identifiers/{name}"


def patient(refs: Refs, user: User, birth_date: date | None, sex: str | None) -> dict:
    telecom = [{"system": "email", "value": user.email, "use": "home"}]
    if user.phone:
        telecom.append({"system": "phone", "value": user.phone, "use": "mobile"})
    found = {"resourceType": "Patient", "id": f"patient-{user.id}",
             "identifier": [{"system": refs.system("patient"), "value": str(user.id)}],
             "active": True, "name": [{"text": user.full_name}], "telecom": telecom,
             "gender": GENDER.get(sex or "", "unknown")}
    if birth_date:
        found["birthDate"] = birth_date.isoformat()
    return found


def practitioner(refs: Refs, doctor: Doctor) -> dict:
    found = {"resourceType": "Practitioner", "id": f"practitioner-{doctor.profile.id}",
             "name": [{"text": doctor.user.full_name}]}
    if doctor.profile.licence_number:
        found["identifier"] = [{"system": refs.system("doctor-registration"),
                                "value": doctor.profile.licence_number}]
    if doctor.profile.qualifications:
        found["qualification"] = [{"code": {"text": doctor.profile.qualifications}}]
    return found


def appointment(refs: Refs, appt: Appointment, reason: str) -> dict:
    found = {"resourceType": "Appointment", "id": f"appointment-{appt.id}",
             "status": APPOINTMENT_STATUS[str(appt.status)],
             "appointmentType": {"text": f"{appt.mode} consultation"},
             "start": instant(appt.starts_at), "end": instant(appt.ends_at),
             "created": instant(appt.created_at),
             "participant": [
                 {"actor": refs.to("Patient", appt.patient_id), "status": "accepted"},
                 {"actor": refs.to("Practitioner", appt.doctor_id), "status": "accepted"}]}
    if reason:
        found["reasonCode"] = [{"text": reason}]
    if appt.cancel_reason:
        found["cancelationReason"] = {"text": appt.cancel_reason}
    return found


def encounter(refs: Refs, appt: Appointment) -> dict:
    period = {"start": instant(appt.starts_at)}
    if str(appt.status) == "completed":
        period["end"] = instant(appt.ends_at)
    return {"resourceType": "Encounter", "id": f"encounter-{appt.id}",
            "status": ENCOUNTER_STATUS[str(appt.status)],
            "class": {"system": ACT_CODE, "code": "VR", "display": "virtual"},
            "type": [{"text": f"{appt.mode} consultation"}],
            "subject": refs.to("Patient", appt.patient_id),
            "participant": [{"individual": refs.to("Practitioner", appt.doctor_id)}],
            "appointment": [refs.to("Appointment", appt.id)], "period": period}


def condition(refs: Refs, patient_id: int, index: int, name: str) -> dict:
    return {"resourceType": "Condition", "id": f"condition-{patient_id}-{index}",
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
            "category": [{"coding": [{"system": CONDITION_CATEGORY,
                                      "code": "problem-list-item",
                                      "display": "Problem List Item"}]}],
            "code": {"text": name}, "subject": refs.to("Patient", patient_id)}


def allergy(refs: Refs, patient_id: int, index: int, found: Allergy) -> dict:
    severity = str(found.severity)
    resource = {"resourceType": "AllergyIntolerance", "id": f"allergy-{patient_id}-{index}",
                "clinicalStatus": {"coding": [{"system": ALLERGY_CLINICAL,
                                               "code": "active"}]},
                "criticality": "high" if severity in ("severe", "life-threatening") else "low",
                "code": {"text": found.substance}, "patient": refs.to("Patient", patient_id),
                "note": [{"text": f"Severity as recorded by the patient: {severity}."}]}
    if found.reaction:
        resource["reaction"] = [{"manifestation": [{"text": found.reaction}],
                                 "severity": "severe" if severity == "life-threatening"
                                 else severity}]
    return resource


def _dispense(rx: PrescriptionView, med: Medication) -> dict:
    found = {"validityPeriod": {"start": rx.issued_at.date().isoformat(),
                                "end": rx.valid_until.isoformat()}}
    amount = _QUANTITY.match(med.quantity)
    if amount:
        found["quantity"] = {"value": float(amount.group(1)), "unit": amount.group(2) or "unit"}
    return found


def medication_requests(refs: Refs, rx: PrescriptionView, held: set[int]) -> list[dict]:
    """One MedicationRequest per medication line, grouped by the prescription's reference."""
    ident = {"system": refs.system("prescription"), "value": rx.reference}
    out = []
    for position, med in enumerate(rx.medications, start=1):
        dosage = {"text": f"{med.frequency} for {med.duration} ({med.quantity})",
                  "route": {"text": med.route}}
        if med.instructions:
            dosage["patientInstruction"] = med.instructions
        found = {"resourceType": "MedicationRequest", "id": f"medreq-{rx.id}-{position}",
                 "identifier": [ident], "groupIdentifier": ident,
                 "status": MEDICATION_STATUS.get(rx.status, "unknown"), "intent": "order",
                 "medicationCodeableConcept": {"text": f"{med.name} {med.strength}"},
                 "subject": refs.to("Patient", rx.patient_id),
                 "authoredOn": instant(rx.issued_at),
                 "requester": refs.to("Practitioner", rx.doctor_id),
                 "dosageInstruction": [dosage], "dispenseRequest": _dispense(rx, med)}
        if rx.appointment_id in held:
            found["encounter"] = refs.to("Encounter", rx.appointment_id)
        if rx.instructions:
            found["note"] = [{"text": rx.instructions}]
        if rx.cancel_reason:
            found["statusReason"] = {"text": rx.cancel_reason}
        out.append(found)
    return out


def document_reference(refs: Refs, doc: DocumentView, url: str, held: set[int]) -> dict:
    """Metadata and an authorized download URL, never the bytes."""
    found = {"resourceType": "DocumentReference", "id": f"document-{doc.id}",
             "status": "current", "type": {"text": DocumentKind(doc.kind).label},
             "category": [{"text": "Report provided by the patient"}],
             "subject": refs.to("Patient", doc.patient_id), "date": instant(doc.uploaded_at),
             "description": doc.title,
             "content": [{"attachment": {"contentType": doc.content_type, "url": url,
                                         "size": doc.size_bytes, "title": doc.file_name,
                                         "creation": doc.report_date.isoformat()}}]}
    if doc.appointment_id in held:
        found["context"] = {"encounter": [refs.to("Encounter", doc.appointment_id)]}
    return found
