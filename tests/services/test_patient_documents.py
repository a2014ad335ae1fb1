"""Patient documents: upload checks, encryption at rest, who may do what, signed links,
and the access list the patient sees."""

from datetime import timedelta

import pytest
from sqlmodel import select

from odcp.models import AppointmentStatus, AuditEntry, PatientDocument
from odcp.models.base import utcnow
from odcp.services import patient_documents as docs
from odcp.services import record_access, signed_links
from odcp.services.errors import Forbidden, Invalid, NotFound
from tests.clinical_helpers import appointment, clinic, raw_rows
from tests.doctor_helpers import image
from tests.records_helpers import SECRET_LINE, link_query, report_pdf, stored_files, upload


@pytest.fixture
def setup(session, personas):
    return clinic(session, personas)


def _open(session, personas, who, doc_id, path=None, now=None):
    link = path or docs.issue_link(session, actor=personas.actor(who), document_id=doc_id).path
    query = link_query(link)
    return docs.open_link(session, actor=personas.actor(who), document_id=doc_id,
                          exp=query["exp"], sig=query["sig"], now=now)


def test_patient_uploads_lists_renames_and_deletes(session, personas, setup):
    before = stored_files()
    doc = upload(session, personas, appointment_id=setup.appointment.id)
    assert (doc.title, doc.kind_label, doc.content_type) == ("Blood count, March", "Lab result",
                                                             "application/pdf")
    assert doc.appointment_id == setup.appointment.id and doc.file_name == "blood-count.pdf"
    assert len(stored_files() - before) == 1
    a = personas.actor(personas.patient_a)
    png = upload(session, personas, data=image("PNG"), title="Chest X-ray", kind="imaging",
                 report_date="2026-05-01", filename="xray.png")
    assert [d.title for d in docs.list_own(session, actor=a)] == ["Chest X-ray",
                                                                   "Blood count, March"]
    renamed = docs.update(session, actor=a, document_id=png.id, title="  Chest  X-ray, May ")
    assert renamed.title == "Chest X-ray, May"
    docs.delete(session, actor=a, document_id=doc.id)
    session.commit()
    assert [d.id for d in docs.list_own(session, actor=a)] == [png.id]
    assert len(stored_files() - before) == 1  # the deleted report's file is gone too
    assert docs.open_own(session, actor=a, document_id=png.id).data == image("PNG")


def test_title_file_name_and_bytes_are_encrypted_at_rest(session, personas, setup):
    before = stored_files()
    doc = upload(session, personas, title="Biopsy ZEBRA-TITLE result",
                 filename="zebra-file-name.pdf")
    raw = raw_rows(session, "patient_documents", "audit_entries")
    for plain in ("ZEBRA-TITLE", "zebra-file-name", SECRET_LINE.decode()):
        assert plain not in raw
    (stored,) = stored_files() - before
    blob = stored.read_bytes()
    assert SECRET_LINE not in blob and b"%PDF" not in blob and b"ZEBRA" not in blob
    got = docs.open_own(session, actor=personas.actor(personas.patient_a), document_id=doc.id)
    assert got.data == report_pdf() and got.name == "zebra-file-name.pdf"


def _refusals(personas, setup):
    pdf = report_pdf()
    other = {"who": personas.patient_c}
    return [
        (dict(data=b"GIF89a" + b"\0" * 100, filename="x.pdf"), Invalid, "PDF, PNG or JPEG"),
        (dict(data=image("WEBP"), filename="x.webp"), Invalid, "PDF, PNG or JPEG"),
        (dict(data=report_pdf(padding=docs.MAX_BYTES)), Invalid, "larger than 10 MB"),
        (dict(data=pdf.replace(b"%%EOF", b"")), Invalid, "damaged"),
        (dict(data=pdf.replace(b"/Type/Catalog", b"/Type/Catalog/JavaScript")), Invalid,
         "scripts"),
        (dict(data=b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, filename="x.png"), Invalid,
         "cannot be read"),
        (dict(data=b""), Invalid, "empty"),
        (dict(title="   "), Invalid, "title"),
        (dict(kind="selfie"), Invalid, "kind"),
        (dict(report_date=(utcnow() + timedelta(days=3)).date().isoformat()), Invalid,
         "future"),
        (dict(report_date="02/03/2026"), Invalid, "YYYY-MM-DD"),
        (dict(appointment_id=setup.appointment.id, **other), Invalid, "own appointments"),
        (dict(who=personas.doctor_b), Forbidden, "Only patients"),
        (dict(who=personas.admin), Forbidden, "Only patients"),
    ]


def test_refused_uploads_change_nothing(session, personas, setup):
    before = stored_files()
    for kwargs, error, words in _refusals(personas, setup):
        with pytest.raises(error) as caught:
            upload(session, personas, **kwargs)
            pytest.fail(f"accepted {sorted(kwargs)}")
        session.rollback()
        assert words in caught.value.message, (kwargs.keys(), caught.value.message)
    assert session.exec(select(PatientDocument)).all() == []
    assert stored_files() == before
    assert not session.exec(select(AuditEntry).where(
        AuditEntry.action == "patient_document.upload")).all()


def test_a_rolled_back_upload_leaves_no_file(session, personas, setup):
    before = stored_files()
    docs.upload(session, actor=personas.actor(personas.patient_a), data=image("JPEG"),
                filename="scan.jpg", title="Scan", kind="imaging", report_date="2026-01-01")
    assert len(stored_files() - before) == 1
    session.rollback()
    assert stored_files() == before and session.exec(select(PatientDocument)).all() == []


def test_who_may_do_what(session, personas, setup):
    doc = upload(session, personas)
    actor = personas.actor
    # The patient: everything on their own document.
    assert docs.get(session, actor=actor(personas.patient_a), document_id=doc.id).id == doc.id
    # The treating doctor: reads (list, details, link) but never changes.
    b = actor(personas.doctor_b)
    assert [d.id for d in docs.list_for(session, actor=b,
                                        patient_user_id=personas.patient_a.id)] == [doc.id]
    assert docs.get(session, actor=b, document_id=doc.id).title == "Blood count, March"
    assert docs.issue_link(session, actor=b, document_id=doc.id).path.startswith(
        f"/api/v1/records/documents/{doc.id}/download?exp=")
    for change in (lambda: docs.update(session, actor=b, document_id=doc.id, title="x"),
                   lambda: docs.delete(session, actor=b, document_id=doc.id),
                   lambda: docs.open_own(session, actor=b, document_id=doc.id)):
        with pytest.raises(Forbidden):
            change()
        session.rollback()
    # Everyone else learns nothing: another doctor, another patient, an administrator.
    for who in (personas.doctor_d, personas.patient_c, personas.admin):
        for act in (lambda w: docs.get(session, actor=actor(w), document_id=doc.id),
                    lambda w: docs.issue_link(session, actor=actor(w), document_id=doc.id),
                    lambda w: docs.update(session, actor=actor(w), document_id=doc.id,
                                          title="x"),
                    lambda w: docs.delete(session, actor=actor(w), document_id=doc.id),
                    lambda w: docs.open_own(session, actor=actor(w), document_id=doc.id)):
            with pytest.raises(NotFound):
                act(who)
            session.rollback()
        with pytest.raises(Forbidden):
            docs.list_for(session, actor=actor(who), patient_user_id=personas.patient_a.id)
        session.rollback()
    assert docs.get(session, actor=actor(personas.patient_a), document_id=doc.id).title == \
        "Blood count, March"
    refusals = session.exec(select(AuditEntry).where(AuditEntry.outcome == "failure")).all()
    assert {e.actor_id for e in refusals} == {personas.doctor_d.id, personas.patient_c.id,
                                              personas.admin.id}


def test_signed_link_read_by_the_treating_doctor_is_shown_to_the_patient(session, personas,
                                                                        setup):
    doc = upload(session, personas)
    got = _open(session, personas, personas.doctor_b, doc.id)
    session.commit()
    assert got.data == report_pdf() and got.content_type == "application/pdf"
    log = record_access.access_log(session, actor=personas.actor(personas.patient_a))
    assert [(a.viewer_name, a.what, a.document_id) for a in log] == [
        ("Doctor B", "Blood count, March", doc.id)]
    # The patient's own reads are not "access by someone else".
    _open(session, personas, personas.patient_a, doc.id)
    session.commit()
    assert len(record_access.access_log(session, actor=personas.actor(personas.patient_a))) == 1
    with pytest.raises(Forbidden):
        record_access.access_log(session, actor=personas.actor(personas.doctor_b))


def test_signed_links_expire_and_cannot_be_altered_or_shared(session, personas, setup):
    doc = upload(session, personas)
    b, d = personas.doctor_b, personas.doctor_d
    path = docs.issue_link(session, actor=personas.actor(b), document_id=doc.id,
                           ttl=timedelta(minutes=5)).path
    q = link_query(path)
    with pytest.raises(signed_links.LinkExpired) as expired:
        _open(session, personas, b, doc.id, path, now=utcnow() + timedelta(minutes=6))
    assert expired.value.status_code == 410
    tampered = [f"?exp={int(q['exp']) + 3600}&sig={q['sig']}",  # a longer life
                f"?exp={q['exp']}&sig={q['sig'][:-2]}AA",  # another signature
                f"?exp=soon&sig={q['sig']}", "?exp=&sig="]
    for query in tampered:
        with pytest.raises(Forbidden):
            _open(session, personas, b, doc.id, path.split("?")[0] + query)
    with pytest.raises(Forbidden):  # the right link, another document
        _open(session, personas, b, doc.id + 1, path)
    for someone_else in (d, personas.patient_c, personas.admin, personas.patient_a):
        with pytest.raises(Forbidden):  # the link was issued to doctor B only
            _open(session, personas, someone_else, doc.id, path)
    assert _open(session, personas, b, doc.id, path).data == report_pdf()
    session.commit()
    failures = session.exec(select(AuditEntry).where(
        AuditEntry.action == "patient_document.read", AuditEntry.outcome == "failure")).all()
    assert len(failures) >= 7


def test_losing_the_care_relationship_ends_a_valid_link(session, personas, setup):
    doc = upload(session, personas)
    path = docs.issue_link(session, actor=personas.actor(personas.doctor_b),
                           document_id=doc.id).path
    setup.appointment.status = AppointmentStatus.CANCELLED
    session.add(setup.appointment)
    session.commit()
    with pytest.raises(NotFound):
        _open(session, personas, personas.doctor_b, doc.id, path)
    session.rollback()
    # A new appointment (even a past, completed one) makes doctor D a treating doctor.
    appointment(session, personas, setup.doctor_d, AppointmentStatus.COMPLETED, days=-30)
    assert _open(session, personas, personas.doctor_d, doc.id).data == report_pdf()
