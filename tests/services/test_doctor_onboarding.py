"""A doctor's self-registration and onboarding: who may sign in, what the profile accepts,
the licence file, and submission for review."""

from __future__ import annotations

import pytest
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.doctor import DoctorSearchDocument, DoctorSpecialty, VerificationStatus
from odcp.models.notification import OutboxMessage
from odcp.models.user import AccountStatus, Role
from odcp.services import auth, doctor_documents, doctor_profiles, passwords_flow
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid
from tests.conftest import PASSWORD
from tests.doctor_helpers import (
    PDF,
    complete_input,
    complete_profile,
    image,
    make_specialties,
    new_doctor,
)


@pytest.fixture
def specs(session):
    found = make_specialties(session)
    session.commit()
    return found


def _actor(user):
    return Actor(user=user, ip="127.0.0.1", user_agent="pytest")


def test_a_registered_doctor_signs_in_only_after_confirming_the_email(session, specs):
    anon = Actor(ip="127.0.0.1")
    user = doctor_profiles.register_doctor(session, actor=anon, email="Dr.New@Test.example",
                                           password=PASSWORD, full_name="Dr. New Doctor")
    passwords_flow.send_verification(session, user=user)
    session.commit()
    assert (user.role, user.status) == (Role.DOCTOR, AccountStatus.PENDING)
    profile = doctor_profiles.profile_of_user(session, user.id)
    assert profile.verification_status == VerificationStatus.DRAFT
    with pytest.raises(Forbidden, match="confirm your email"):
        auth.check_credentials(session, email=user.email, password=PASSWORD, actor=anon)

    mail = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "verify_email")).one()
    token = mail.text_body.split("token=")[1].split()[0]
    passwords_flow.verify_email(session, token=token, actor=anon)
    session.commit()
    assert user.status == AccountStatus.PENDING  # confirmed, but not approved
    signed_in = auth.check_credentials(session, email=user.email, password=PASSWORD,
                                       actor=anon)
    issued = auth.start_session(session, user=signed_in, actor=anon, kind="api")
    session.commit()
    assert auth.user_for_session_id(session, session_id=issued.session.id).id == user.id
    # ...but only onboarding works until an admin approves.
    with pytest.raises(Forbidden, match="waiting for the clinic's approval"):
        doctor_profiles.require_active_doctor(session, actor=_actor(user))
    assert doctor_profiles.my_profile(session, actor=_actor(user)).id == profile.id


def test_pending_patients_still_cannot_sign_in_after_this_change(session, personas):
    personas.patient_c.status = AccountStatus.PENDING
    session.commit()
    with pytest.raises(Forbidden):
        auth.check_credentials(session, email=personas.patient_c.email, password=PASSWORD,
                               actor=Actor())


def test_only_doctors_have_a_doctor_profile(session, personas):
    for user in (personas.patient_a, personas.admin):
        with pytest.raises(Forbidden):
            doctor_profiles.my_profile(session, actor=_actor(user))


def test_saving_the_profile_keeps_the_lowest_fee_and_reindexes_search(session, specs):
    user = new_doctor(session)
    actor = _actor(user)
    data = complete_input(specs["Cardiology"].id,
                          other_specialty_ids=(specs["Neurology"].id, specs["Cardiology"].id,
                                               specs["Neurology"].id))
    profile = doctor_profiles.update_profile(session, actor=actor, data=data)
    session.commit()
    assert profile.fee_cents == 3500 and profile.fees_by_mode == {"video": 6000, "chat": 3500}
    assert profile.modes == ["video", "chat"] and profile.currency == "EUR"
    others = session.exec(select(DoctorSpecialty.specialty_id)
                          .where(DoctorSpecialty.doctor_id == profile.id)).all()
    assert others == [specs["Neurology"].id]  # the primary and the repeat are dropped
    document = session.get(DoctorSearchDocument, profile.id)
    assert "Cardiology" in document.specialties and "Neurology" in document.specialties
    assert "palpitations" in document.conditions
    entry = session.exec(select(AuditEntry)
                         .where(AuditEntry.action == "doctor_profile.update")).one()
    assert "fee_cents" in entry.detail["fields"] and entry.subject_user_id == user.id


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"modes": ("video", "audio")}, "fee_audio", "fee for audio"),
    ({"fees_by_mode": {"video": 50, "chat": 3500}}, "fee_video", "between 1 and"),
    ({"currency": "XXX"}, "currency", "currency"),
    ({"languages": ("en", "klingon")}, "languages", "languages"),
    ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
    ({"licence_number": "<script>"}, "licence_number", "licence number"),
    ({"years_experience": 90}, "years_experience", "between 0 and 70"),
    ({"bio": "x" * 4001}, "bio", "at most 4000"),
])
def test_bad_input_names_the_problem_and_changes_nothing(session, specs, changes, field,
                                                         message):
    user = new_doctor(session)
    with pytest.raises(Invalid, match=message) as caught:
        doctor_profiles.update_profile(session, actor=_actor(user),
                                       data=complete_input(specs["Cardiology"].id, **changes))
    assert caught.value.field == field
    session.rollback()
    assert doctor_profiles.profile_of_user(session, user.id).licence_number == ""


def test_an_inactive_specialty_cannot_be_chosen(session, specs):
    specs["Dermatology"].active = False
    session.commit()
    user = new_doctor(session)
    with pytest.raises(Invalid, match="not offered"):
        doctor_profiles.update_profile(session, actor=_actor(user),
                                       data=complete_input(specs["Dermatology"].id))


def test_submitting_an_incomplete_profile_says_what_is_missing(session, specs):
    user = new_doctor(session)
    actor = _actor(user)
    with pytest.raises(Invalid) as caught:
        doctor_profiles.submit(session, actor=actor)
    for words in ("main specialty", "licence (registration) number", "copy of your licence",
                  "languages", "consultation mode", "bio"):
        assert words in caught.value.message
    doctor_profiles.update_profile(session, actor=actor,
                                   data=complete_input(specs["Cardiology"].id))
    with pytest.raises(Invalid, match="Still missing: a copy of your licence"):
        doctor_profiles.submit(session, actor=actor)
    doctor_profiles.upload_licence(session, actor=actor, data=PDF, filename="licence.pdf")
    profile = doctor_profiles.submit(session, actor=actor)
    session.commit()
    assert profile.verification_status == VerificationStatus.SUBMITTED
    assert profile.submitted_at is not None
    with pytest.raises(Conflict, match="already waiting"):
        doctor_profiles.submit(session, actor=actor)


def test_the_licence_is_stored_encrypted_and_replaced_only_on_commit(session, specs):
    user = new_doctor(session)
    actor = _actor(user)
    profile = doctor_profiles.upload_licence(session, actor=actor, data=PDF,
                                             filename="../../etc/My Licence.PDF")
    session.commit()
    first = profile.licence_document_path
    stored = doctor_documents._folder("documents") / first
    assert stored.exists() and b"%PDF" not in stored.read_bytes()
    assert profile.licence_document_name == "My Licence.pdf"
    assert profile.licence_document_type == "application/pdf"
    assert doctor_documents.read_document(profile.id, first) == PDF

    doctor_profiles.upload_licence(session, actor=actor, data=image("JPEG"), filename="x.jpg")
    second = profile.licence_document_path
    session.rollback()  # a failed transaction keeps the old file and drops the new one
    assert stored.exists()
    assert not (doctor_documents._folder("documents") / second).exists()

    doctor_profiles.upload_licence(session, actor=actor, data=image("PNG"), filename="x.png")
    session.commit()
    assert not stored.exists()
    assert profile.licence_document_type == "image/png"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"just some text pretending to be a pdf", "PDF, PNG or JPEG"),
    (b"GIF89a" + b"\x00" * 50, "PDF, PNG or JPEG"),
    (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "damaged"),
    (PDF.replace(b"/Type/Catalog", b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
     "scripts"),
    (image("PNG")[:60], "cannot be read"),
    (b"%PDF-1.4\n" + b"0" * doctor_documents.MAX_DOCUMENT_BYTES + b"%%EOF", "10 MB"),
])
def test_other_files_are_refused_as_licence(session, specs, data, message):
    user = new_doctor(session)
    with pytest.raises(Invalid, match=message):
        doctor_profiles.upload_licence(session, actor=_actor(user), data=data,
                                       filename="licence.pdf")
    session.rollback()
    assert doctor_profiles.profile_of_user(session, user.id).licence_document_path is None


def test_the_photo_is_re_encoded_and_not_reviewed(session, specs):
    user = new_doctor(session)
    profile = doctor_profiles.set_photo(session, actor=_actor(user), data=image("JPEG"))
    session.commit()
    assert doctor_documents.photo_data_uri(profile.photo_path).startswith(
        "data:image/png;base64,")
    with pytest.raises(Invalid, match="not a photo"):
        doctor_profiles.set_photo(session, actor=_actor(user), data=PDF)


def test_editing_a_submitted_profile_must_keep_it_complete(session, specs):
    user = new_doctor(session)
    actor = _actor(user)
    complete_profile(session, actor, specs["Cardiology"].id)
    doctor_profiles.submit(session, actor=actor)
    session.commit()
    with pytest.raises(Invalid, match="Missing: the languages"):
        doctor_profiles.update_profile(session, actor=actor, data=complete_input(
            specs["Cardiology"].id, languages=()))
