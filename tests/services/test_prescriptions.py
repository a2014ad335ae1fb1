"""Prescriptions: who issues and reads, validation, status, encryption at rest, the PDF
(parsed back with pypdf, its QR image decoded with zxing-cpp) and the public check."""

import io
from datetime import date, timedelta

import pypdf
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from odcp.models import AppointmentStatus, AuditEntry, Prescription
from odcp.models.base import utcnow
from odcp.services import medical_profile, prescription_pdf, prescription_verify, prescriptions
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.clinical_helpers import AMOXICILLIN, IBUPROFEN, appointment, clinic, raw_rows


@pytest.fixture
def setup(session, personas):
    return clinic(session, personas)


def _issue(session, personas, appt_id, lines=(AMOXICILLIN, IBUPROFEN), who=None, **kw):
    view = prescriptions.issue(session, actor=personas.actor(who or personas.doctor_b),
                               appointment_id=appt_id, medications=list(lines), **kw)
    session.commit()
    return view


def _count(session) -> int:
    return len(session.exec(select(Prescription)).all())


def test_only_the_appointments_doctor_prescribes(session, personas, setup):
    appt_id = setup.appointment.id
    for who, error in ((personas.doctor_d, NotFound), (personas.patient_c, NotFound),
                       (personas.patient_a, Forbidden), (personas.admin, Forbidden)):
        with pytest.raises(error):
            _issue(session, personas, appt_id, who=who)
        session.rollback()
    assert _count(session) == 0
    rx = _issue(session, personas, appt_id, instructions="Drink plenty of fluids")
    assert [m.name for m in rx.medications] == ["Amoxicillin", "Ibuprofen"]
    assert rx.status == "active" and rx.doctor_registration == "REG-778899"
    assert rx.valid_until == utcnow().date() + timedelta(days=14)  # the longest course


@pytest.mark.parametrize("status,allowed", [
    (AppointmentStatus.PENDING, False), (AppointmentStatus.CONFIRMED, True),
    (AppointmentStatus.IN_PROGRESS, True), (AppointmentStatus.COMPLETED, True),
    (AppointmentStatus.CANCELLED, False), (AppointmentStatus.NO_SHOW, False)])
def test_only_on_confirmed_running_or_completed_visits(session, personas, setup, status,
                                                       allowed):
    appt = appointment(session, personas, setup.doctor_b, status=status, days=5)
    if allowed:
        assert _issue(session, personas, appt.id).status == "active"
    else:
        with pytest.raises(Conflict, match="confirmed, in-progress or completed"):
            _issue(session, personas, appt.id)


@pytest.mark.parametrize("lines,message", [
    ([], "Add at least one medication"),
    ([AMOXICILLIN, {**IBUPROFEN, "strength": " "}], "Medication 2, strength: this is required"),
    ([{**AMOXICILLIN, "route": "by mouth"}], "Medication 1, route: choose one of oral"),
    ([{**AMOXICILLIN, "duration": "a while"}], "Medication 1, duration: write a number"),
    ([{**AMOXICILLIN, "duration": "2 years"}], "Medication 1, duration"),
    ([{**AMOXICILLIN, "name": "x" * 121}], "Medication 1, name: at most 120 characters"),
    ([{**AMOXICILLIN, "colour": "red"}], "unknown field 'colour'"),
    ([AMOXICILLIN] * 21, "at most 20 medications"),
])
def test_bad_lines_are_refused_and_nothing_is_written(session, personas, setup, lines,
                                                      message):
    with pytest.raises(Invalid, match=message):
        _issue(session, personas, setup.appointment.id, lines=lines)
    session.rollback()
    assert _count(session) == 0


def test_valid_until_is_checked(session, personas, setup):
    today = utcnow().date()
    with pytest.raises(Invalid, match="past"):
        _issue(session, personas, setup.appointment.id, valid_until=today - timedelta(days=1))
    with pytest.raises(Invalid, match="at most 365 days"):
        _issue(session, personas, setup.appointment.id, valid_until=today + timedelta(days=400))
    rx = _issue(session, personas, setup.appointment.id, valid_until=today + timedelta(days=3))
    assert rx.valid_until == today + timedelta(days=3)


def test_status_active_expired_cancelled_and_the_patient_sees_all(session, personas, setup):
    appt_id, doctor = setup.appointment.id, personas.actor(personas.doctor_b)
    active = _issue(session, personas, appt_id)
    expired = _issue(session, personas, appt_id, lines=[IBUPROFEN])
    session.get(Prescription, expired.id).valid_until = utcnow().date() - timedelta(days=1)
    withdrawn = _issue(session, personas, appt_id, lines=[AMOXICILLIN])
    with pytest.raises(Invalid, match="reason"):
        prescriptions.cancel(session, actor=doctor, prescription_id=withdrawn.id, reason=" ")
    with pytest.raises(Forbidden):
        prescriptions.cancel(session, actor=personas.actor(personas.patient_a),
                             prescription_id=withdrawn.id, reason="I want to")
    with pytest.raises(NotFound):
        prescriptions.cancel(session, actor=personas.actor(personas.doctor_d),
                             prescription_id=withdrawn.id, reason="Not mine")
    prescriptions.cancel(session, actor=doctor, prescription_id=withdrawn.id,
                         reason="Wrong strength")
    session.commit()
    with pytest.raises(Conflict, match="already cancelled"):
        prescriptions.cancel(session, actor=doctor, prescription_id=withdrawn.id, reason="x")
    mine = prescriptions.list_for_patient(session, actor=personas.actor(personas.patient_a))
    assert {(r.id, r.status) for r in mine} == {
        (active.id, "active"), (expired.id, "expired"), (withdrawn.id, "cancelled")}
    assert next(r for r in mine if r.id == withdrawn.id).cancel_reason == "Wrong strength"
    assert prescriptions.list_for_patient(session,
                                          actor=personas.actor(personas.patient_c)) == []
    with pytest.raises(Forbidden):
        prescriptions.list_for_patient(session, actor=doctor)
    [entry] = session.exec(select(AuditEntry).where(
        AuditEntry.action == "prescription.cancel")).all()
    assert entry.actor_id == personas.doctor_b.id and "Wrong strength" not in repr(entry)


def test_reads_per_persona_and_admin_reads_are_audited(session, personas, setup):
    rx = _issue(session, personas, setup.appointment.id)
    for who in (personas.patient_a, personas.doctor_b, personas.admin):
        assert prescriptions.get(session, actor=personas.actor(who),
                                 prescription_id=rx.id).medications == rx.medications
    for who in (personas.patient_c, personas.doctor_d):
        with pytest.raises(NotFound, match="No such prescription"):
            prescriptions.get(session, actor=personas.actor(who), prescription_id=rx.id)
        with pytest.raises(NotFound):
            prescriptions.list_for_appointment(session, actor=personas.actor(who),
                                               appointment_id=setup.appointment.id)
    session.commit()
    audited = session.exec(select(AuditEntry).where(
        AuditEntry.action == "prescription.read")).all()
    assert [e.actor_id for e in audited] == [personas.admin.id]
    assert [r.id for r in prescriptions.list_for_appointment(
        session, actor=personas.actor(personas.doctor_b),
        appointment_id=setup.appointment.id)] == [rx.id]


def test_medication_data_is_encrypted_at_rest(session, personas, setup):
    rx = _issue(session, personas, setup.appointment.id, instructions="Avoid alcohol")
    prescriptions.cancel(session, actor=personas.actor(personas.doctor_b),
                         prescription_id=rx.id, reason="Switching to azithromycin")
    session.commit()
    raw = raw_rows(session, "prescriptions", "prescription_lines", "audit_entries")
    assert "prescription.issue" in raw
    for secret in ("Amoxicillin", "500 mg", "three times daily", "Take with food",
                   "Ibuprofen", "Avoid alcohol", "azithromycin", "Patient A"):
        assert secret not in raw


def _qr_payloads(pdf: pypdf.PdfReader) -> list[str]:
    found = []
    for image in pdf.pages[0].images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        found += [r.text for r in zxingcpp.read_barcodes(picture)]
    return found


def test_the_pdf_shows_the_prescription_and_its_qr_leads_to_the_check(session, personas,
                                                                        setup):
    medical_profile.update_own(session, actor=personas.actor(personas.patient_a),
                               data={"date_of_birth": "1984-02-29"})
    session.commit()
    rx = _issue(session, personas, setup.appointment.id, instructions="Rest at home")
    assert rx.patient_birth_date == date(1984, 2, 29)
    reader = pypdf.PdfReader(io.BytesIO(prescription_pdf.render(rx, clinic_name="Test Clinic")))
    page_text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Test Clinic", "Doctor B", "REG-778899", "Patient A", "29 February 1984",
                     "Amoxicillin 500 mg", "three times daily", "21 capsules", "Ibuprofen",
                     "Take with food", "Rest at home", "Electronically signed by Doctor B"):
        assert expected in page_text, expected
    url = prescription_verify.verify_url(rx.reference)
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert url in links
    assert _qr_payloads(reader) == [url]


def test_a_cancelled_prescription_pdf_says_do_not_dispense(session, personas, setup):
    rx = _issue(session, personas, setup.appointment.id)
    rx = prescriptions.cancel(session, actor=personas.actor(personas.doctor_b),
                              prescription_id=rx.id, reason="Duplicate")
    text = pypdf.PdfReader(io.BytesIO(prescription_pdf.render(rx))).pages[0].extract_text()
    assert "CANCELLED" in text and "Do not dispense" in text


def test_verification_of_genuine_and_forged_references(session, personas, setup):
    rx = _issue(session, personas, setup.appointment.id)
    public = Actor(ip="198.51.100.7")
    found = prescription_verify.verify(session, actor=public, reference=rx.reference)
    assert found.genuine and found.doctor_name == "Doctor B" and found.status == "active"
    assert found.doctor_registration == "REG-778899" and found.patient_initials == "P.A."
    assert found.issued_on == rx.issued_at.date()
    assert "Amoxicillin" not in repr(found) and "Patient A" not in repr(found)
    flipped = rx.reference[:5] + ("A" if rx.reference[5] != "A" else "B") + rx.reference[6:]
    other_tag = rx.reference[:16] + prescription_verify.reference_for(
        prescription_verify.new_public_id())[16:]
    for forged in (flipped, other_tag, rx.reference[:-1], "", "x" * 32, rx.reference + "A",
                   prescription_verify.reference_for(prescription_verify.new_public_id())):
        assert prescription_verify.verify(session, actor=public, reference=forged) == \
            prescription_verify.Verification(genuine=False), forged
    prescriptions.cancel(session, actor=personas.actor(personas.doctor_b),
                         prescription_id=rx.id, reason="Duplicate")
    assert prescription_verify.verify(session, actor=public,
                                      reference=rx.reference).status == "cancelled"
