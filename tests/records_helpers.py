"""Shared setup for the records tests: a real (small) PDF report with a recognisable
sentence inside, uploading it as patient A, and reading a signed link's query."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from odcp.models import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.services import notes, patient_documents, prescriptions
from odcp.settings import get_settings
from tests.clinical_helpers import AMOXICILLIN, Clinic, appointment, clinic
from tests.conftest import Personas

SECRET_LINE = b"Haemoglobin 9.1 g/dL CONFIDENTIAL-MARKER-7731"


def report_pdf(line: bytes = SECRET_LINE, padding: int = 0) -> bytes:
    """A one-page PDF whose content stream holds `line` in clear text (plus `padding`
    bytes of comment, to make big files)."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + line + b") Tj ET"
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream
            + b"\nendstream endobj\n")
    if padding:
        body += b"%" + b"x" * padding + b"\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def upload(session: Session, personas: Personas, *, data: bytes | None = None,
           title: str = "Blood count, March", kind: str = "lab_result",
           report_date: str = "2026-03-02", filename: str = "blood-count.pdf",
           who=None, appointment_id=None) -> patient_documents.DocumentView:
    view = patient_documents.upload(
        session, actor=personas.actor(who or personas.patient_a),
        data=report_pdf() if data is None else data,
        filename=filename, title=title, kind=kind, report_date=report_date,
        appointment_id=appointment_id)
    session.commit()
    return view


def link_query(path: str) -> dict[str, str]:
    """exp and sig of a signed link path."""
    found = parse_qs(urlsplit(path).query, keep_blank_values=True)
    return {k: v[0] for k, v in found.items()}


def stored_files() -> set[Path]:
    folder = get_settings().instance_dir / patient_documents.FOLDER
    return set(folder.glob("*")) if folder.exists() else set()


def clinical_history(session: Session, personas: Personas) -> tuple[Clinic, Appointment]:
    """Tomorrow's visit with doctor B (confirmed, with a draft note), a visit held 10 days
    ago with signed notes and a prescription, a cancelled one, and a report dated 12 days
    ago. Returns the clinic and the held visit."""
    setup = clinic(session, personas)
    b = personas.actor(personas.doctor_b)
    past = appointment(session, personas, setup.doctor_b, AppointmentStatus.COMPLETED, days=-10)
    appointment(session, personas, setup.doctor_b, AppointmentStatus.CANCELLED, days=-5)
    notes.save_draft(session, actor=b, appointment_id=past.id, version=0,
                     sections={"assessment": "Iron deficiency anaemia",
                               "plan": "Ferrous sulfate for three months"})
    notes.sign(session, actor=b, appointment_id=past.id)
    notes.save_draft(session, actor=b, appointment_id=setup.appointment.id, version=0,
                     sections={"subjective": "DRAFT-ONLY words"})
    prescriptions.issue(session, actor=b, appointment_id=past.id, medications=[AMOXICILLIN])
    session.commit()
    upload(session, personas, title="Full blood count",
           report_date=(utcnow() - timedelta(days=12)).date().isoformat())
    return setup, past
