"""/api/v1/admin/verification: the doctor verification queue (rules in doctor_verification).

Approve and reject queue their email in the request's transaction; it goes out only once
that has committed (odcp.api.mail_delivery), so a rolled-back decision never mails the
doctor.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from odcp.api.deps import DB, SignedIn
from odcp.services import doctor_verification
from odcp.services.actor import Actor

router = APIRouter(prefix="/admin/verification", tags=["admin"])


class SubmissionOut(BaseModel):
    id: int
    doctor_name: str
    email: str
    account_status: str
    verification_status: str
    specialty: str
    other_specialties: list[str]
    qualifications: str
    licence_number: str
    years_experience: int
    languages: list[str]
    modes: list[str]
    fees_by_mode: dict[str, int]
    currency: str
    bio: str
    conditions_treated: str
    timezone: str
    licence_document_name: str | None
    licence_document_type: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    rejection_reason: str | None

    @classmethod
    def of(cls, s: doctor_verification.Submission) -> SubmissionOut:
        p = s.profile
        return cls(
            id=p.id, doctor_name=s.user.full_name, email=s.user.email,
            account_status=str(s.user.status), verification_status=str(p.verification_status),
            specialty=s.specialty, other_specialties=s.other_specialties,
            qualifications=p.qualifications, licence_number=p.licence_number,
            years_experience=p.years_experience, languages=list(p.languages),
            modes=list(p.modes), fees_by_mode=dict(p.fees_by_mode), currency=p.currency,
            bio=p.bio, conditions_treated=p.conditions_treated, timezone=p.timezone,
            licence_document_name=p.licence_document_name,
            licence_document_type=p.licence_document_type, submitted_at=p.submitted_at,
            reviewed_at=p.reviewed_at, rejection_reason=p.rejection_reason,
        )


class RejectIn(BaseModel):
    reason: str = Field(max_length=2000)


@router.get("")
def list_queue(session: DB, actor: SignedIn) -> list[SubmissionOut]:
    """Profiles waiting for review, the longest-waiting first."""
    return [SubmissionOut.of(s) for s in doctor_verification.queue(session, actor=actor)]


@router.get("/{profile_id}")
def get_submission(profile_id: int, session: DB, actor: SignedIn) -> SubmissionOut:
    return SubmissionOut.of(doctor_verification.detail(session, actor=actor,
                                                       profile_id=profile_id))


@router.get("/{profile_id}/licence")
def get_licence(profile_id: int, session: DB, actor: SignedIn) -> Response:
    """The decrypted licence copy, as a download that is never cached."""
    doc = doctor_verification.licence_document(session, actor=actor, profile_id=profile_id)
    return Response(doc.data, media_type=doc.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc.name)}",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


def _decide(session: Session, actor: Actor, fn, **kwargs) -> SubmissionOut:
    fn(session, actor=actor, **kwargs)
    return SubmissionOut.of(doctor_verification.detail(session, actor=actor,
                                                       profile_id=kwargs["profile_id"]))


@router.post("/{profile_id}/approve")
def approve(profile_id: int, session: DB, actor: SignedIn) -> SubmissionOut:
    return _decide(session, actor, doctor_verification.approve, profile_id=profile_id)


@router.post("/{profile_id}/reject")
def reject(profile_id: int, body: RejectIn, session: DB, actor: SignedIn) -> SubmissionOut:
    return _decide(session, actor, doctor_verification.reject, profile_id=profile_id,
                   reason=body.reason)
