"""The medical profile: validation, encryption at rest, who may read it, and the audit
trail a patient sees. Personas: patient A (owner), doctor B (treats A), doctor D (does
not), patient C, an admin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.audit import AuditEntry
from odcp.models.doctor import DoctorProfile, VerificationStatus
from odcp.models.patient import PatientProfile
from odcp.services import medical_profile as mp
from odcp.services.errors import Forbidden, Invalid

PROFILE = {
    "date_of_birth": "1984-03-09", "sex": "female", "blood_group": "AB-",
    "allergies": [{"substance": "Penicillin", "reaction": "Hives", "severity": "severe"},
                  {"substance": "", "reaction": "", "severity": ""}],
    "chronic_conditions": ["Asthma", "  "],
    "medications": [{"name": "Salbutamol", "dose": "100 mcg", "frequency": "as needed"}],
    "surgeries": [{"procedure": "Appendectomy", "year": "2003"}],
    "lifestyle": {"smoking": "never", "alcohol": "rarely", "exercise": "runs twice a week",
                  "diet": "vegetarian"},
    "family_history": "Father: type 2 diabetes.",
    "emergency_contact": {"name": "Sam Doe", "relation": "partner",
                          "phone": "+44 20 7946 0958"},
}


def book(session: Session, doctor, patient, status: AppointmentStatus) -> None:
    """Doctor and patient share an appointment (the rule in odcp.services.care)."""
    profile = session.exec(select(DoctorProfile).where(DoctorProfile.user_id == doctor.id)
                           ).first()
    if profile is None:
        profile = DoctorProfile(user_id=doctor.id, timezone="UTC",
                                verification_status=VerificationStatus.VERIFIED)
        session.add(profile)
        session.flush()
    taken = len(session.exec(select(Appointment.id)).all())
    start = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(hours=taken)
    session.add(Appointment(patient_id=patient.id, doctor_id=profile.id, starts_at=start,
                            ends_at=start + timedelta(minutes=30), mode="video",
                            status=status))
    session.commit()


def reads(session: Session, patient, outcome: str = "success") -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(
        AuditEntry.action == mp.READ_ACTION, AuditEntry.subject_user_id == patient.id,
        AuditEntry.outcome == outcome)).all())


@pytest.fixture
def saved(session, personas):
    """Patient A's saved profile; doctor B has a completed appointment with A."""
    a = personas.patient_a
    mp.update_own(session, actor=personas.actor(a), data=PROFILE)
    book(session, personas.doctor_b, a, AppointmentStatus.COMPLETED)
    return personas


def test_patient_saves_and_reads_back_own_profile(session, saved):
    profile = mp.get_own(session, actor=saved.actor(saved.patient_a))
    assert profile.date_of_birth == date(1984, 3, 9)
    assert [(a.substance, a.severity) for a in profile.allergies] == [("Penicillin", "severe")]
    assert profile.chronic_conditions == ["Asthma"]
    assert profile.surgeries[0].year == 2003
    assert profile.emergency_contact.phone == "+442079460958"
    own = mp.read_for(session, actor=saved.actor(saved.patient_a),
                      patient_user_id=saved.patient_a.id)
    assert own == profile
    assert reads(session, saved.patient_a) == []  # the patient's own reads are not logged


def test_stored_row_holds_no_plaintext(session, saved):
    raw = session.exec(text("SELECT medical_enc FROM patient_profiles WHERE user_id = :u")
                       .bindparams(u=saved.patient_a.id)).one()[0]
    assert raw
    for plain in ("Penicillin", "Asthma", "Salbutamol", "Sam Doe", "1984-03-09"):
        assert plain not in raw


def test_ciphertext_copied_to_another_patient_does_not_open(session, saved):
    c = saved.patient_c
    row = session.exec(select(PatientProfile).where(PatientProfile.user_id == saved.patient_a.id)
                       ).one()
    session.add(PatientProfile(user_id=c.id, medical_enc=row.medical_enc))
    session.commit()
    with pytest.raises(Exception, match="verify"):
        mp.get_own(session, actor=saved.actor(c))


def test_update_audit_names_sections_not_content(session, saved):
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "medical_profile.update")
                         ).one()
    assert entry.subject_user_id == saved.patient_a.id
    assert "allergies" in entry.detail["sections"]
    assert "Penicillin" not in str(entry.detail)


def test_treating_doctor_reads_and_is_audited(session, saved):
    b = saved.doctor_b
    profile = mp.read_for(session, actor=saved.actor(b), patient_user_id=saved.patient_a.id)
    session.commit()
    assert profile.allergies[0].substance == "Penicillin"
    [entry] = reads(session, saved.patient_a)
    assert (entry.actor_id, entry.actor_role, entry.ip) == (b.id, "doctor", "127.0.0.1")
    assert "Penicillin" not in str(entry.detail)
    log = mp.access_log(session, actor=saved.actor(saved.patient_a))
    assert [(a.viewer_name, a.viewer_role) for a in log] == [("Doctor B", "doctor")]


@pytest.mark.parametrize("who", ["patient_c", "doctor_d", "admin"])
def test_others_see_nothing_and_the_attempt_is_audited(session, saved, who):
    intruder = getattr(saved, who)
    with pytest.raises(Forbidden):
        mp.read_for(session, actor=saved.actor(intruder), patient_user_id=saved.patient_a.id)
    session.rollback()  # what every caller does on an error: the refusal is still on record
    [entry] = reads(session, saved.patient_a, outcome="failure")
    assert entry.actor_id == intruder.id
    assert reads(session, saved.patient_a) == []
    assert mp.access_log(session, actor=saved.actor(saved.patient_a)) == []


@pytest.mark.parametrize("status", [AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
def test_cancelled_appointment_gives_no_access(session, saved, status):
    book(session, saved.doctor_d, saved.patient_a, status)
    with pytest.raises(Forbidden):
        mp.read_for(session, actor=saved.actor(saved.doctor_d),
                    patient_user_id=saved.patient_a.id)


def test_doctor_of_one_patient_cannot_read_another(session, saved):
    mp.update_own(session, actor=saved.actor(saved.patient_c), data={"sex": "male"})
    with pytest.raises(Forbidden):
        mp.read_for(session, actor=saved.actor(saved.doctor_b),
                    patient_user_id=saved.patient_c.id)


def test_only_patients_have_a_profile_or_an_access_log(session, saved):
    for user in (saved.doctor_b, saved.admin):
        with pytest.raises(Forbidden):
            mp.get_own(session, actor=saved.actor(user))
        with pytest.raises(Forbidden):
            mp.update_own(session, actor=saved.actor(user), data={})
        with pytest.raises(Forbidden):
            mp.access_log(session, actor=saved.actor(user))


def test_access_log_newest_first_and_only_own(session, saved):
    book(session, saved.doctor_d, saved.patient_a, AppointmentStatus.CONFIRMED)
    for doctor in (saved.doctor_b, saved.doctor_d):
        mp.read_for(session, actor=saved.actor(doctor), patient_user_id=saved.patient_a.id)
        session.commit()
    names = [a.viewer_name for a in mp.access_log(session, actor=saved.actor(saved.patient_a))]
    assert names == ["Doctor D", "Doctor B"]
    assert mp.access_log(session, actor=saved.actor(saved.patient_c)) == []


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"date_of_birth": (date.today() + timedelta(days=3)).isoformat()}, "date_of_birth",
     "future"),
    ({"date_of_birth": "1880-01-01"}, "date_of_birth", "130 years"),
    ({"allergies": [{"substance": "Latex", "severity": ""}]}, "allergies.0.severity",
     "Allergy 1, severity"),
    ({"allergies": [{"substance": "Latex", "severity": "deadly"}]}, "allergies.0.severity",
     "life-threatening"),
    ({"blood_group": "C+"}, "blood_group", "AB+"),
    ({"surgeries": [{"procedure": "Knee", "year": "next year"}]}, "surgeries.0.year",
     "four-digit year"),
    ({"emergency_contact": {"name": "Sam", "phone": "12345"}}, "emergency_contact.phone",
     "international form"),
    ({"emergency_contact": {"name": "Sam", "phone": ""}}, "emergency_contact", "phone number"),
    ({"medications": [{"name": "", "dose": "5 mg"}]}, "medications.0.name", "required"),
])
def test_bad_input_is_named_and_changes_nothing(session, saved, change, field, words):
    with pytest.raises(Invalid) as caught:
        mp.update_own(session, actor=saved.actor(saved.patient_a), data={**PROFILE, **change})
    assert caught.value.field == field
    assert words in caught.value.message
    session.rollback()
    assert mp.get_own(session, actor=saved.actor(saved.patient_a)).blood_group == "AB-"
