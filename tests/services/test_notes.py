"""SOAP notes: who writes and reads, autosave versions, signing, addenda, encryption."""

import pytest
from sqlmodel import select

from odcp.models import AppointmentStatus, AuditEntry, ConsultationNote
from odcp.services import appointments, clinic_policy, notes
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.clinical_helpers import appointment, clinic, raw_rows

SOAP = {"subjective": "Sore throat for three days", "objective": "Temperature 38.4 C",
        "assessment": "Streptococcal pharyngitis", "plan": "Amoxicillin, review in a week"}


@pytest.fixture
def setup(session, personas):
    return clinic(session, personas)


def _save(session, personas, appt_id, sections=SOAP, version=0, who=None):
    view = notes.save_draft(session, actor=personas.actor(who or personas.doctor_b),
                            appointment_id=appt_id, sections=sections, version=version)
    session.commit()
    return view


def _actions(session, action):
    return session.exec(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_only_the_appointments_doctor_writes(session, personas, setup):
    appt = setup.appointment
    for who, error in ((personas.doctor_d, NotFound), (personas.patient_c, NotFound),
                       (personas.patient_a, Forbidden), (personas.admin, Forbidden)):
        with pytest.raises(error):
            _save(session, personas, appt.id, who=who)
        session.rollback()
    assert session.exec(select(ConsultationNote)).all() == []
    view = _save(session, personas, appt.id)
    assert view.version == 1 and view.sections == SOAP and view.status == "draft"
    assert len(_actions(session, "consultation_note.create")) == 1


def test_autosave_is_idempotent_and_refuses_a_stale_version(session, personas, setup):
    appt_id = setup.appointment.id
    first = _save(session, personas, appt_id)
    again = _save(session, personas, appt_id, version=first.version)
    assert again.version == first.version == 1  # same text: nothing new written
    newer = _save(session, personas, appt_id, {**SOAP, "plan": "Penicillin V instead"}, 1)
    assert newer.version == 2
    with pytest.raises(Conflict, match="changed elsewhere"):
        _save(session, personas, appt_id, {**SOAP, "plan": "stale tab text"}, version=1)
    session.rollback()
    stored = notes.read(session, actor=personas.actor(personas.doctor_b), appointment_id=appt_id)
    assert stored.sections["plan"] == "Penicillin V instead" and stored.version == 2
    # a stale tab that sends what is already stored loses nothing and learns the version
    assert _save(session, personas, appt_id, stored.sections, version=1).version == 2


def test_a_first_save_must_start_from_version_zero(session, personas, setup):
    with pytest.raises(Conflict):
        _save(session, personas, setup.appointment.id, version=3)


def test_bad_sections_are_refused_with_the_field_named(session, personas, setup):
    with pytest.raises(Invalid, match="Plan is too long") as exc:
        _save(session, personas, setup.appointment.id, {"plan": "x" * 20_001})
    assert exc.value.field == "plan"
    with pytest.raises(Invalid, match="Unknown note section"):
        _save(session, personas, setup.appointment.id, {"diagnosis": "flu"})


@pytest.mark.parametrize("status", [AppointmentStatus.PENDING, AppointmentStatus.CANCELLED,
                                    AppointmentStatus.NO_SHOW])
def test_no_notes_on_unconfirmed_or_cancelled_visits(session, personas, setup, status):
    appt = appointment(session, personas, setup.doctor_b, status=status, days=3)
    with pytest.raises(Conflict, match="confirmed"):
        _save(session, personas, appt.id)


def test_signing_locks_the_note_and_only_addenda_follow(session, personas, setup):
    appt_id, doctor = setup.appointment.id, personas.actor(personas.doctor_b)
    with pytest.raises(Invalid, match="Write the note"):
        notes.sign(session, actor=doctor, appointment_id=appt_id)
    _save(session, personas, appt_id)
    with pytest.raises(Conflict, match="signed notes"):
        notes.add_addendum(session, actor=doctor, appointment_id=appt_id, text="early")
    signed = notes.sign(session, actor=doctor, appointment_id=appt_id)
    session.commit()
    assert signed.signed and signed.signed_by_name == "Doctor B" and signed.signed_at
    with pytest.raises(Conflict, match="signed and locked"):
        _save(session, personas, appt_id, {**SOAP, "plan": "changed"}, signed.version)
    with pytest.raises(Conflict, match="already signed"):
        notes.sign(session, actor=doctor, appointment_id=appt_id)
    with pytest.raises(Invalid):
        notes.add_addendum(session, actor=doctor, appointment_id=appt_id, text="   ")
    with pytest.raises(Forbidden):
        notes.add_addendum(session, actor=personas.actor(personas.patient_a),
                           appointment_id=appt_id, text="I disagree")
    view = notes.add_addendum(session, actor=doctor, appointment_id=appt_id,
                              text="Throat swab came back positive")
    session.commit()
    assert view.sections == SOAP
    assert [(a.author_name, a.text) for a in view.addenda] == [
        ("Doctor B", "Throat swab came back positive")]
    assert view.addenda[0].created_at >= signed.signed_at


def test_completing_the_consultation_signs_the_draft(session, personas, setup):
    appt_id, doctor = setup.appointment.id, personas.actor(personas.doctor_b)
    _save(session, personas, appt_id)
    appointments.complete(session, actor=doctor, appointment_id=appt_id)
    session.commit()
    view = notes.read(session, actor=doctor, appointment_id=appt_id)
    assert view.signed
    assert [e.detail["how"] for e in _actions(session, "consultation_note.sign")] == [
        "completion"]
    other = appointment(session, personas, setup.doctor_b, days=4)
    appointments.complete(session, actor=doctor, appointment_id=other.id)  # no note: fine
    session.commit()
    assert notes.read(session, actor=doctor, appointment_id=other.id).version == 0


def test_the_patient_reads_signed_notes_as_the_clinic_allows(session, personas, setup):
    appt_id, patient = setup.appointment.id, personas.actor(personas.patient_a)
    _save(session, personas, appt_id)
    with pytest.raises(NotFound, match="not signed"):
        notes.read(session, actor=patient, appointment_id=appt_id)
    notes.sign(session, actor=personas.actor(personas.doctor_b), appointment_id=appt_id)
    session.commit()
    assert notes.read(session, actor=patient, appointment_id=appt_id).sections == SOAP
    for stranger in (personas.patient_c, personas.doctor_d):
        with pytest.raises(NotFound):
            notes.read(session, actor=personas.actor(stranger), appointment_id=appt_id)
    clinic_policy.update(session, actor=personas.actor(personas.admin),
                         changes={"share_notes_with_patient": "off"})  # as the form sends it
    session.commit()
    with pytest.raises(Forbidden, match="does not share"):
        notes.read(session, actor=patient, appointment_id=appt_id)
    assert notes.read(session, actor=personas.actor(personas.doctor_b),
                      appointment_id=appt_id).sections == SOAP


def test_only_reads_by_others_than_author_and_patient_are_audited(session, personas, setup):
    appt_id = setup.appointment.id
    _save(session, personas, appt_id)
    notes.sign(session, actor=personas.actor(personas.doctor_b), appointment_id=appt_id)
    for who in (personas.doctor_b, personas.patient_a):
        notes.read(session, actor=personas.actor(who), appointment_id=appt_id)
    session.commit()
    assert _actions(session, "consultation_note.read") == []
    view = notes.read(session, actor=personas.actor(personas.admin), appointment_id=appt_id)
    session.commit()
    assert view.sections == SOAP
    [entry] = _actions(session, "consultation_note.read")
    assert entry.actor_id == personas.admin.id and entry.subject_user_id == personas.patient_a.id


def test_notes_and_addenda_are_encrypted_at_rest(session, personas, setup):
    appt_id, doctor = setup.appointment.id, personas.actor(personas.doctor_b)
    _save(session, personas, appt_id)
    notes.sign(session, actor=doctor, appointment_id=appt_id)
    notes.add_addendum(session, actor=doctor, appointment_id=appt_id,
                       text="Penicillin allergy reported later")
    session.commit()
    raw = raw_rows(session, "consultation_notes", "note_addenda", "audit_entries")
    assert "consultation_note" in raw  # the audit rows are there...
    for secret in (*SOAP.values(), "Penicillin allergy"):
        assert secret not in raw  # ...but no clinical text anywhere
