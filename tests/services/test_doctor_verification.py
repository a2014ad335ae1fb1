"""The admins' verification queue: order, who may use it, approve, reject and re-submit,
and a verified doctor's licence change going back to review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.notification import OutboxMessage
from odcp.models.user import AccountStatus, AdminSubrole
from odcp.services import directory, doctor_profiles, doctor_verification
from odcp.services.actor import Actor
from odcp.services.doctor_profile_rules import ProfileInput
from odcp.services.errors import Conflict, DomainError, Forbidden, Invalid
from tests.doctor_helpers import PDF, complete_input, complete_profile, make_specialties, new_doctor


@pytest.fixture
def specs(session):
    found = make_specialties(session)
    session.commit()
    return found


def _actor(user):
    return Actor(user=user, ip="127.0.0.1", user_agent="pytest")


@pytest.fixture
def submitted(session, specs):
    """A new doctor whose complete profile waits for review."""
    user = new_doctor(session)
    complete_profile(session, _actor(user), specs["Cardiology"].id)
    profile = doctor_profiles.submit(session, actor=_actor(user))
    session.commit()
    return user, profile


def _mails(session, kind):
    return session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_the_queue_lists_submitted_profiles_oldest_first(session, personas, specs, submitted):
    later = new_doctor(session, email="later@test.example", name="Dr. Later Doctor")
    complete_profile(session, _actor(later), specs["Neurology"].id)
    p2 = doctor_profiles.submit(session, actor=_actor(later))
    p2.submitted_at = submitted[1].submitted_at - timedelta(hours=1)  # waited longer
    new_doctor(session, email="draft@test.example", name="Dr. Draft Only")
    session.commit()
    rows = doctor_verification.queue(session, actor=_actor(personas.admin))
    assert [r.user.full_name for r in rows] == ["Dr. Later Doctor", "Dr. Nora Quinn"]
    assert rows[1].specialty == "Cardiology"


@pytest.mark.parametrize("who", ["patient_a", "doctor_b", "finance_admin", "anonymous"])
def test_only_admins_allowed_to_verify_use_the_queue(session, personas, submitted, who):
    if who == "anonymous":
        actor = Actor()
    elif who == "finance_admin":
        personas.admin.admin_subrole = AdminSubrole.FINANCE
        actor = _actor(personas.admin)
    else:
        actor = _actor(getattr(personas, who))
    profile_id = submitted[1].id
    calls = [
        lambda: doctor_verification.queue(session, actor=actor),
        lambda: doctor_verification.detail(session, actor=actor, profile_id=profile_id),
        lambda: doctor_verification.licence_document(session, actor=actor,
                                                     profile_id=profile_id),
        lambda: doctor_verification.approve(session, actor=actor, profile_id=profile_id),
        lambda: doctor_verification.reject(session, actor=actor, profile_id=profile_id,
                                           reason="Not a real licence at all"),
    ]
    for call in calls:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.status_code in (401, 403)


def test_approval_activates_lists_mails_and_audits(session, personas, submitted):
    user, profile = submitted
    admin = _actor(personas.admin)
    assert not directory.is_listed(session, doctor_id=profile.id)
    doc = doctor_verification.licence_document(session, actor=admin, profile_id=profile.id)
    assert doc.data == PDF and doc.content_type == "application/pdf"
    mail_ids = doctor_verification.approve(session, actor=admin, profile_id=profile.id)
    session.commit()
    assert user.status == AccountStatus.ACTIVE
    assert profile.verification_status == "verified" and profile.reviewed_by_id == admin.user_id
    assert directory.is_listed(session, doctor_id=profile.id)
    assert doctor_profiles.require_active_doctor(session, actor=_actor(user)).id == profile.id
    (mail,) = _mails(session, "doctor_approved")
    assert mail.id in mail_ids and mail.to_address == user.email
    assert "/doctor/profile" in mail.text_body
    actions = session.exec(select(AuditEntry.action).where(
        AuditEntry.subject_user_id == user.id)).all()
    assert {"doctor_profile.licence_view", "doctor_profile.approve"} <= set(actions)
    with pytest.raises(Conflict, match="not waiting for review"):
        doctor_verification.approve(session, actor=admin, profile_id=profile.id)


def test_rejection_needs_a_reason_and_the_doctor_can_fix_and_resubmit(session, personas,
                                                                     submitted):
    user, profile = submitted
    admin = _actor(personas.admin)
    with pytest.raises(Invalid, match="what to fix"):
        doctor_verification.reject(session, actor=admin, profile_id=profile.id, reason="  no ")
    reason = "The licence scan is unreadable; please upload a sharper copy."
    doctor_verification.reject(session, actor=admin, profile_id=profile.id, reason=reason)
    session.commit()
    assert user.status == AccountStatus.PENDING
    assert (profile.verification_status, profile.rejection_reason) == ("rejected", reason)
    (mail,) = _mails(session, "doctor_rejected")
    assert reason in mail.text_body and mail.to_address == user.email
    entry = session.exec(select(AuditEntry).where(
        AuditEntry.action == "doctor_profile.reject")).one()
    assert entry.detail["reason"] == reason

    # The doctor still signs in, fixes the document and submits again.
    doctor_profiles.upload_licence(session, actor=_actor(user), data=PDF, filename="new.pdf")
    doctor_profiles.submit(session, actor=_actor(user))
    session.commit()
    assert [r.profile.id for r in doctor_verification.queue(session, actor=admin)] == [
        profile.id]
    doctor_verification.approve(session, actor=admin, profile_id=profile.id)
    assert profile.rejection_reason is None and user.status == AccountStatus.ACTIVE


def test_a_suspended_doctor_is_not_approved(session, personas, submitted):
    user, profile = submitted
    user.status = AccountStatus.SUSPENDED
    session.commit()
    with pytest.raises(Conflict, match="suspended"):
        doctor_verification.approve(session, actor=_actor(personas.admin),
                                    profile_id=profile.id)


def test_a_verified_doctors_new_licence_number_goes_back_to_review(session, personas, specs,
                                                                  submitted):
    user, profile = submitted
    doctor_verification.approve(session, actor=_actor(personas.admin), profile_id=profile.id)
    session.commit()
    doctor = _actor(user)
    data = complete_input(specs["Cardiology"].id, bio="A new bio that is long enough to be "
                          "accepted as a complete profile bio.")
    doctor_profiles.update_profile(session, actor=doctor, data=data)
    session.commit()
    assert profile.verification_status == "verified"  # other edits apply at once
    changed = ProfileInput(**{**data.__dict__, "licence_number": "IMC-999999"})
    doctor_profiles.update_profile(session, actor=doctor, data=changed)
    session.commit()
    assert profile.verification_status == "submitted"
    assert not directory.is_listed(session, doctor_id=profile.id)
    assert user.status == AccountStatus.ACTIVE  # booked consultations go on
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "doctor_profile.update")
                         .order_by(AuditEntry.id.desc())).first()
    assert entry.detail["re_review"] is True


def test_a_verified_doctors_new_licence_document_goes_back_to_review(session, personas,
                                                                    submitted):
    user, profile = submitted
    doctor_verification.approve(session, actor=_actor(personas.admin), profile_id=profile.id)
    doctor_profiles.upload_licence(session, actor=_actor(user), data=PDF, filename="v2.pdf")
    session.commit()
    assert profile.verification_status == "submitted"
    with pytest.raises(Forbidden):
        doctor_profiles.my_profile(session, actor=_actor(personas.patient_a))
