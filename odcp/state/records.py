"""/records: the patient's own record: upload reports, rename or delete them, see who
opened what, read the history timeline, download everything as FHIR.

What the page shows is flattened into string dicts here (times in the viewer's zone);
the document and user ids stay as strings the buttons send back, and every rule is the
service's. Files are served by the API (cookie-authenticated GET routes), so a 10 MB
report never travels through the page's websocket; the FHIR file (small) does.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.record import DocumentKind
from odcp.services import fhir_export, patient_documents, record_access, timeline
from odcp.services.errors import DomainError
from odcp.services.patient_documents import DocumentView
from odcp.services.record_access import Access
from odcp.services.timeline import TimelineEntry
from odcp.state.session import SessionState, api_url, full_page_redirect

UPLOAD_ID = "record-upload"
KIND_OPTIONS = [(k.value, k.label) for k in DocumentKind]
FILTERS = [("all", "All"), ("consultation", "Consultations"), ("note", "Notes"),
           ("prescription", "Prescriptions"), ("document", "Documents")]
_TYPE = {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image"}


def when(moment, zone: str, fmt: str = "%d %b %Y, %H:%M") -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


def size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else \
        f"{max(1, round(size / 1024))} KB"


def entry_row(e: TimelineEntry, zone: str) -> dict[str, str]:
    return {"kind": e.kind, "title": e.title, "detail": e.detail,
            "status": e.status.replace("_", " "), "ref_id": str(e.ref_id),
            "at": e.at.strftime("%d %b %Y") if e.all_day else when(e.at, zone,
                                                                   "%a %d %b %Y, %H:%M"),
            "appointment_id": str(e.appointment_id or "")}


def document_row(v: DocumentView, seen: list[str] | None = None) -> dict[str, str]:
    """`seen`: who else opened it, e.g. "Dr. Amara Okafor, 23 Nov 2026, 14:03"."""
    return {"id": str(v.id), "title": v.title, "kind": v.kind_label,
            "report_date": v.report_date.strftime("%d %b %Y"),
            "about": f"{_TYPE.get(v.content_type, v.content_type)} · {size_label(v.size_bytes)}",
            "file_name": v.file_name, "seen": "; ".join(seen or [])}


def access_row(a: Access, zone: str) -> dict[str, str]:
    return {"when": when(a.at, zone, "%d %b %Y, %H:%M %Z"), "who": a.viewer_name,
            "role": a.viewer_role.replace("_", " ").title(), "what": a.what}


def fhir_download(state: SessionState, patient_id: int | None):
    """The record as a FHIR file, through the page (the API's /records/fhir takes a Bearer
    token only, so no other site can make a signed-in browser fetch it)."""
    try:
        with session_scope() as session:
            bundle = fhir_export.export(session, actor=state.actor(session),
                                        patient_user_id=patient_id)
    except DomainError as exc:
        return rx.toast.error(exc.message)
    return rx.download(data=json.dumps(bundle, indent=2, ensure_ascii=False),
                       filename=fhir_export.filename(), mime_type=fhir_export.MEDIA_TYPE)


class RecordTimelineMixin(rx.State, mixin=True):
    """The timeline on both record pages; the filter works on what was loaded (no second
    read, so no second audit entry for a doctor)."""

    entries: list[dict[str, str]] = []
    entry_filter: str = "all"
    zone: str = "UTC"
    _all_entries: list[dict[str, str]] = []

    def _set_entries(self, found: list[TimelineEntry], zone: str) -> None:
        self.zone = zone
        self._all_entries = [entry_row(e, zone) for e in found]
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.entries = [e for e in self._all_entries
                        if self.entry_filter in ("all", e["kind"])]

    @rx.event
    def set_entry_filter(self, value: str):
        self.entry_filter = value if value in dict(FILTERS) else "all"
        self._apply_filter()


class RecordsState(RecordTimelineMixin, SessionState):
    is_patient: bool = False
    error: str = ""
    documents: list[dict[str, str]] = []
    access: list[dict[str, str]] = []
    appointment_options: list[list[str]] = []
    title: str = ""
    kind: str = "lab_result"
    report_date: str = ""
    appointment_id: str = ""
    upload_error: str = ""
    uploading: bool = False

    def _fill(self) -> None:
        with session_scope() as session:
            actor = self.actor(session)
            zone = actor.user.timezone
            docs = patient_documents.list_own(session, actor=actor)
            log = record_access.access_log(session, actor=actor)
            found = timeline.timeline(session, actor=actor)
        seen: dict[int, list[str]] = {}
        for a in log:
            if a.document_id is not None:
                seen.setdefault(a.document_id, []).append(
                    f"{a.viewer_name}, {when(a.at, zone, '%d %b %Y, %H:%M %Z')}")
        self.documents = [document_row(d, seen.get(d.id)) for d in docs]
        self.access = [access_row(a, zone) for a in log]
        self._set_entries(found, zone)
        self.appointment_options = [[str(e.ref_id), f"{e.title} · "
                                     f"{when(e.at, zone, '%d %b %Y')}"]
                                    for e in found if e.kind == "consultation"]

    @rx.event
    def load(self):
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
        self.report_date = self.report_date or datetime.now(
            ZoneInfo(actor.user.timezone)).date().isoformat()
        try:
            self._fill()
        except DomainError as exc:
            self.is_patient, self.error = False, exc.message
            return None
        self.is_patient, self.error = True, ""
        return None

    @rx.event
    def set_form(self, name: str, value: str):
        if name in ("title", "kind", "report_date", "appointment_id"):
            setattr(self, name, str(value)[:1000])

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        """Reads at most one byte past the limit: the service refuses larger files."""
        self.upload_error = ""
        if not files:
            self.upload_error = "Choose a PDF, PNG or JPEG file first."
            return None
        data = await files[0].read(patient_documents.MAX_BYTES + 1)
        with session_scope() as session:
            try:
                view = patient_documents.upload(
                    session, actor=self.actor(session), data=data,
                    filename=files[0].filename or "", title=self.title, kind=self.kind,
                    report_date=self.report_date, appointment_id=self.appointment_id or None)
            except DomainError as exc:
                self.upload_error = exc.message
                return None
        self.title, self.appointment_id = "", ""
        self._fill()
        return [rx.clear_selected_files(UPLOAD_ID),
                rx.toast.success(f"“{view.title}” is in your record.")]

    @rx.event
    def rename(self, form: dict):
        try:
            with session_scope() as session:
                patient_documents.update(session, actor=self.actor(session),
                                         document_id=int(form.get("document_id", "0")),
                                         title=form.get("title", ""))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._fill()
        return rx.toast.success("Renamed.")

    @rx.event
    def delete(self, document_id: str):
        try:
            with session_scope() as session:
                patient_documents.delete(session, actor=self.actor(session),
                                         document_id=int(document_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._fill()
        return rx.toast.success("Deleted from your record.")

    @rx.event
    def open_document(self, document_id: str):
        if not document_id.isdigit():
            return None
        return full_page_redirect(api_url(f"{patient_documents.API_PATH}/{document_id}/file"))

    @rx.event
    def download_fhir(self):
        return fhir_download(self, None)
