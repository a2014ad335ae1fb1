"""/doctor/patients/[patient_id]: a treating doctor reads a patient's record: the medical
profile at a glance, the history timeline and the patient's documents, each opened
through a link signed for this doctor.

Loading the page is two audited reads (the timeline, with the documents; the medical
profile), and
each document opened is another, which the patient sees on /records. The patient's id
stays in a backend var; a doctor who does not treat the patient gets the service's
refusal, and nothing else.
"""

from __future__ import annotations

import reflex as rx

from odcp.db import session_scope
from odcp.models.base import utcnow
from odcp.models.user import User
from odcp.services import medical_profile, patient_documents, profile_summary, timeline
from odcp.services.errors import DomainError
from odcp.state.records import RecordTimelineMixin, document_row, fhir_download
from odcp.state.session import SessionState, api_url, full_page_redirect


def patient_id_from(path: str) -> int | None:
    """12 in /doctor/patients/12 (None for anything that is not a plain number)."""
    parts = path.strip("/").split("/")
    raw = parts[2] if len(parts) >= 3 else ""
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


class PatientRecordState(RecordTimelineMixin, SessionState):
    _patient_id: int | None = None
    patient_name: str = ""
    documents: list[dict[str, str]] = []
    health_summary: list[dict[str, str]] = []
    error: str = ""
    loaded: bool = False

    @rx.event
    def load(self):
        self.loaded, self.error, self.patient_name, self.documents = False, "", "", []
        self.health_summary = []
        self._all_entries, self.entries, self.entry_filter = [], [], "all"
        self._patient_id = patient_id_from(self.router.url.path)
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            if self._patient_id is None:
                self.error = "No such patient."
                return None
            try:
                found = timeline.timeline(session, actor=actor,
                                          patient_user_id=self._patient_id)
            except DomainError as exc:
                self.error = exc.message
                return None
            profile = medical_profile.read_for(session, actor=actor,
                                               patient_user_id=self._patient_id)
            self.health_summary = [
                {"topic": line.topic, "text": line.text, "warn": "yes" if line.warn else ""}
                for line in profile_summary.summary(profile, today=utcnow().date())]
            rows = patient_documents.rows_for_reader(session, self._patient_id)
            self.documents = [document_row(patient_documents.view_of(d)) for d in rows]
            self.patient_name = session.get(User, self._patient_id).full_name
            zone = actor.user.timezone
        self._set_entries(found, zone)
        self.loaded = True
        return None

    @rx.event
    def open_document(self, document_id: str):
        """Issue a link for this doctor and this document, then follow it: the download
        re-checks the care rule and is audited."""
        with session_scope() as session:
            try:
                link = patient_documents.issue_link(session, actor=self.actor(session),
                                                    document_id=int(document_id))
            except (DomainError, ValueError) as exc:
                return rx.toast.error(getattr(exc, "message", "No such document."))
        return full_page_redirect(api_url(link.path))

    @rx.event
    def download_fhir(self):
        return None if self._patient_id is None else fhir_download(self, self._patient_id)
