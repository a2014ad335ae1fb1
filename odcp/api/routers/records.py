"""/api/v1/records: a patient's documents, the signed links doctors open them with, who
accessed the record, the history timeline and the FHIR export. Every rule lives in
odcp.services.patient_documents / record_access / timeline / fhir_export.

Files leave only through two GET routes that accept the browser's session cookie as well
as a Bearer token, so the web app can link to them (a page cannot set an Authorization
header on a download): the patient's own file, and a signed link, which a cross-site page
cannot forge. They are never cached, never sniffed and sandboxed if opened. A doctor's
download needs a signed link issued to that doctor (POST .../link), and the doctor signed
in as well: a link passed to anyone else fails. The FHIR export takes a Bearer token only
(the web app builds its copy through the page).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from odcp.api.deps import DB, BrowserOrBearer, SignedIn
from odcp.api.schema import model_of
from odcp.services import fhir_export, record_access, timeline
from odcp.services import patient_documents as docs
from odcp.services.errors import Invalid
from odcp.settings import get_settings

router = APIRouter(prefix="/records", tags=["records"])
_MULTIPART_SLACK = 64 * 1024
_CHUNK = 256 * 1024
NO_STORE = {"Cache-Control": "no-store, private", "Pragma": "no-cache",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": "default-src 'none'; sandbox"}


DocumentOut = model_of(docs.DocumentView, "DocumentOut",
                       kind="lab_result, imaging, letter or other")


def _document_out(view: docs.DocumentView):
    return DocumentOut(**view.__dict__)


class DocumentPatch(BaseModel):
    title: str | None = Field(default=None, max_length=1000)
    kind: str | None = None
    report_date: str | None = Field(default=None, description="YYYY-MM-DD")


class LinkOut(BaseModel):
    url: str
    expires_at: datetime


class AccessOut(BaseModel):
    at: datetime
    viewer_name: str
    viewer_role: str
    what: str
    document_id: int | None


class EntryOut(BaseModel):
    kind: str = Field(description="consultation, note, prescription or document")
    at: datetime
    all_day: bool = Field(description="a document: only the date of `at` means anything")
    title: str
    detail: str
    status: str
    doctor_name: str
    ref_id: int
    appointment_id: int | None


Viewer = BrowserOrBearer  # downloads are links on the records page


def _file(found: docs.Download) -> StreamingResponse:
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(found.data), _CHUNK):
            yield found.data[start:start + _CHUNK]

    return StreamingResponse(chunks(), media_type=found.content_type, headers={
        **NO_STORE, "Content-Length": str(len(found.data)),
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}"})


@router.post("/documents", status_code=201)
def upload(request: Request, session: DB, actor: SignedIn, file: UploadFile,
           title: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
           report_date: Annotated[str, Form(description="YYYY-MM-DD")] = "",
           appointment_id: Annotated[str, Form()] = "") -> DocumentOut:
    """Multipart: `file` (PDF, PNG or JPEG up to 10 MB, checked by content), `title`,
    `kind` (lab_result, imaging, letter, other), `report_date`, optional `appointment_id`
    (one of the patient's own appointments). Missing fields get the service's message."""
    if int(request.headers.get("content-length") or 0) > docs.MAX_BYTES + _MULTIPART_SLACK:
        raise Invalid("The file is larger than 10 MB.", field="file")
    data = file.file.read(docs.MAX_BYTES + 1)  # one byte over the limit is enough to refuse
    return _document_out(docs.upload(
        session, actor=actor, data=data, filename=file.filename or "", title=title,
        kind=kind, report_date=report_date, appointment_id=appointment_id or None))


@router.get("/documents")
def list_documents(session: DB, actor: SignedIn,
                   patient_id: int | None = None) -> list[DocumentOut]:
    """Your own documents, or (treating doctor, audited) a patient's: ?patient_id=."""
    patient = record_access.whose(actor, patient_id)
    return [_document_out(v) for v in docs.list_for(session, actor=actor,
                                                     patient_user_id=patient)]


@router.get("/documents/{document_id}")
def get_document(document_id: int, session: DB, actor: SignedIn) -> DocumentOut:
    return _document_out(docs.get(session, actor=actor, document_id=document_id))


@router.patch("/documents/{document_id}")
def update_document(document_id: int, body: DocumentPatch, session: DB,
                    actor: SignedIn) -> DocumentOut:
    """The patient renames or re-files their document; fields left out stay as they are."""
    return _document_out(docs.update(session, actor=actor, document_id=document_id,
                                      **body.model_dump(exclude_none=True)))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: int, session: DB, actor: SignedIn) -> Response:
    docs.delete(session, actor=actor, document_id=document_id)
    return Response(status_code=204)


@router.post("/documents/{document_id}/link")
def issue_link(document_id: int, session: DB, actor: SignedIn) -> LinkOut:
    """A short-lived download URL for you alone (the patient or a treating doctor)."""
    link = docs.issue_link(session, actor=actor, document_id=document_id)
    return LinkOut(url=get_settings().public_url + link.path, expires_at=link.expires_at)


@router.get("/documents/{document_id}/download", response_class=StreamingResponse)
def download(document_id: int, session: DB, actor: Viewer, exp: str = "",
             sig: str = "") -> StreamingResponse:
    """The file behind a signed link, for the signed-in user it was issued to: 403 for an
    altered link or someone else's, 410 once expired; a doctor's read is audited."""
    return _file(docs.open_link(session, actor=actor, document_id=document_id, exp=exp,
                                sig=sig))


@router.get("/documents/{document_id}/file", response_class=StreamingResponse)
def own_file(document_id: int, session: DB, actor: Viewer) -> StreamingResponse:
    """The patient's own file (doctors use a signed link)."""
    return _file(docs.open_own(session, actor=actor, document_id=document_id))


@router.get("/access")
def access(session: DB, actor: SignedIn) -> list[AccessOut]:
    """Who opened your record (documents, timeline, export, medical profile), newest
    first; times in UTC."""
    return [AccessOut(**a.__dict__) for a in record_access.access_log(session, actor=actor)]


@router.get("/timeline")
def history(session: DB, actor: SignedIn, patient_id: int | None = None,
            kinds: str = "") -> list[EntryOut]:
    """Newest first. `kinds`: comma-separated consultation, note, prescription, document
    (all when empty). A treating doctor names the patient (audited)."""
    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    return [EntryOut(**e.__dict__) for e in timeline.timeline(
        session, actor=actor, patient_user_id=patient_id, kinds=wanted)]


@router.get("/fhir", response_class=Response,
            responses={200: {"content": {fhir_export.MEDIA_TYPE: {}}}})
def fhir(session: DB, actor: SignedIn, patient_id: int | None = None) -> Response:
    """Your record as a FHIR R4 Bundle (type collection), or a patient's for a treating
    doctor (audited): record-<date>.json."""
    bundle = fhir_export.export(session, actor=actor, patient_user_id=patient_id)
    return Response(json.dumps(bundle, indent=2, ensure_ascii=False),
                    media_type=fhir_export.MEDIA_TYPE, headers={
                        **NO_STORE, "Content-Disposition":
                            f'attachment; filename="{fhir_export.filename()}"'})
