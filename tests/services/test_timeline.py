"""The medical history timeline: order, content and filters per viewer, the notes policy,
and the treating doctor's audited read."""

import pytest
from sqlmodel import select

from odcp.models import AuditEntry, ClinicPolicy
from odcp.services import record_access, timeline
from odcp.services.errors import Forbidden, Invalid
from tests.records_helpers import clinical_history


@pytest.fixture
def history(session, personas):
    return clinical_history(session, personas)


def _kinds(entries):
    return [e.kind for e in entries]


def test_patient_sees_their_history_newest_first(session, personas, history):
    setup, past = history
    entries = timeline.timeline(session, actor=personas.actor(personas.patient_a))
    assert _kinds(entries) == ["consultation", "prescription", "note", "consultation",
                               "document"]
    upcoming, rx, note, held, doc = entries
    assert upcoming.ref_id == setup.appointment.id and upcoming.status == "confirmed"
    assert upcoming.title == "Video consultation with Doctor B"
    assert rx.title == "Prescription: Amoxicillin 500 mg" and rx.status == "active"
    assert note.title == "Consultation notes signed by Doctor B"
    assert "Iron deficiency anaemia" in note.detail and note.appointment_id == past.id
    assert held.ref_id == past.id and held.status == "completed"
    assert doc.title == "Full blood count" and doc.all_day and doc.detail == "Lab result"
    assert all("DRAFT-ONLY" not in e.detail for e in entries)  # drafts stay with the doctor
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_filters_by_kind(session, personas, history):
    a = personas.actor(personas.patient_a)
    assert _kinds(timeline.timeline(session, actor=a, kinds=["document", "prescription"])) == [
        "prescription", "document"]
    assert _kinds(timeline.timeline(session, actor=a, kinds=["consultation"])) == [
        "consultation", "consultation"]
    with pytest.raises(Invalid):
        timeline.timeline(session, actor=a, kinds=["x-ray"])


def test_notes_follow_the_clinic_policy_for_patients_only(session, personas, history):
    session.add(ClinicPolicy(share_notes_with_patient=False))
    session.commit()
    assert "note" not in _kinds(timeline.timeline(session,
                                                  actor=personas.actor(personas.patient_a)))
    doctor_view = timeline.timeline(session, actor=personas.actor(personas.doctor_b),
                                    patient_user_id=personas.patient_a.id)
    assert "note" in _kinds(doctor_view)


def test_treating_doctors_read_is_audited_and_shown_to_the_patient(session, personas,
                                                                  history):
    mine = timeline.timeline(session, actor=personas.actor(personas.patient_a))
    theirs = timeline.timeline(session, actor=personas.actor(personas.doctor_b),
                               patient_user_id=personas.patient_a.id)
    session.commit()
    assert [(e.kind, e.ref_id) for e in theirs] == [(e.kind, e.ref_id) for e in mine]
    log = record_access.access_log(session, actor=personas.actor(personas.patient_a))
    assert ("Doctor B", "Medical history timeline") in [(a.viewer_name, a.what) for a in log]


def test_nobody_else_reads_the_timeline(session, personas, history):
    for who in (personas.doctor_d, personas.patient_c, personas.admin):
        with pytest.raises(Forbidden):
            timeline.timeline(session, actor=personas.actor(who),
                              patient_user_id=personas.patient_a.id)
        session.rollback()
    refused = session.exec(select(AuditEntry).where(
        AuditEntry.action == "patient_record.read", AuditEntry.outcome == "failure")).all()
    assert {e.actor_id for e in refused} == {personas.doctor_d.id, personas.patient_c.id,
                                             personas.admin.id}
    with pytest.raises(Invalid):  # a doctor must say whose record
        timeline.timeline(session, actor=personas.actor(personas.doctor_b))
    # Patient C's own (empty) history is theirs alone.
    assert timeline.timeline(session, actor=personas.actor(personas.patient_c)) == []
