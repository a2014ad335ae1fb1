"""Findings of the privacy review that live in the services: what the patient is told
about who read their medical data."""

from __future__ import annotations

import pytest

from odcp.models import Appointment
from odcp.services import chat, record_access
from tests.chat_helpers import chat_appointment, private_bus
from tests.doctor_helpers import PDF


@pytest.fixture(autouse=True)
def bus():
    with private_bus() as fresh:
        yield fresh


@pytest.fixture
def appt(session, personas) -> Appointment:
    return chat_appointment(session, personas)


def test_an_administrators_reads_of_the_chat_are_on_the_patients_access_list(
        session, personas, appt):
    """Finding: an appointments administrator may read a consultation's chat and its
    attachments (audited), but, unlike their reads of notes and prescriptions, the patient's
    "who opened my record" list did not show it."""
    patient = personas.actor(personas.patient_a)
    sent = chat.post_attachment(session, actor=patient, appointment_id=appt.id, data=PDF,
                                filename="rash.pdf", text="my rash")
    session.commit()
    admin = personas.actor(personas.admin)
    chat.history(session, actor=admin, appointment_id=appt.id)
    chat.attachment(session, actor=admin, appointment_id=appt.id,
                    attachment_id=sent.attachment.id)
    # The parties' own reads are not someone else reading the patient's data.
    chat.history(session, actor=personas.actor(personas.doctor_b), appointment_id=appt.id)
    session.commit()
    seen = record_access.access_log(session, actor=patient)
    assert [(a.viewer_name, a.what) for a in seen] == [
        ("Admin E", "Chat attachment"), ("Admin E", "Consultation chat")]
