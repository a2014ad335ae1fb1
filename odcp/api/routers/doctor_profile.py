"""/api/v1/doctor/profile: a doctor's own onboarding profile (pending doctors included)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel, Field
from sqlmodel import Session

from odcp.api.deps import DB, SignedIn
from odcp.models.doctor import DoctorProfile
from odcp.services import doctor_documents, doctor_profiles
from odcp.services.doctor_profile_rules import ProfileInput

router = APIRouter(prefix="/doctor/profile", tags=["doctor"])


class ProfileIn(BaseModel):
    specialty_id: int | None = None
    other_specialty_ids: list[int] = Field(default_factory=list, max_length=20)
    qualifications: str = Field(default="", max_length=1000)
    licence_number: str = Field(default="", max_length=200)
    years_experience: int = Field(default=0, ge=0, le=200)
    languages: list[str] = Field(default_factory=list, max_length=30)
    modes: list[str] = Field(default_factory=list, max_length=5)
    fees_by_mode: dict[str, int] = Field(default_factory=dict,
                                         description="fee in cents per offered mode")
    currency: str = Field(default="USD", max_length=3)
    bio: str = Field(default="", max_length=8000)
    conditions_treated: str = Field(default="", max_length=4000)
    timezone: str = Field(default="UTC", max_length=64)


class LicenceDocumentOut(BaseModel):
    name: str
    content_type: str


class ProfileOut(ProfileIn):
    id: int
    fee_cents: int = Field(description="the lowest mode fee, used for sorting")
    verification_status: str
    rejection_reason: str | None
    submitted_at: datetime | None
    verified_at: datetime | None
    licence_document: LicenceDocumentOut | None
    has_photo: bool
    missing: list[str] = Field(description="what still stops the profile being submitted")

    @classmethod
    def of(cls, session: Session, profile: DoctorProfile) -> ProfileOut:
        document = None
        if profile.licence_document_path:
            document = LicenceDocumentOut(name=profile.licence_document_name or "",
                                          content_type=profile.licence_document_type or "")
        return cls(
            id=profile.id, specialty_id=profile.specialty_id,
            other_specialty_ids=doctor_profiles.other_specialty_ids(session, profile.id),
            qualifications=profile.qualifications, licence_number=profile.licence_number,
            years_experience=profile.years_experience, languages=list(profile.languages),
            modes=list(profile.modes), fees_by_mode=dict(profile.fees_by_mode),
            currency=profile.currency, bio=profile.bio,
            conditions_treated=profile.conditions_treated, timezone=profile.timezone,
            fee_cents=profile.fee_cents,
            verification_status=str(profile.verification_status),
            rejection_reason=profile.rejection_reason, submitted_at=profile.submitted_at,
            verified_at=profile.verified_at, licence_document=document,
            has_photo=bool(profile.photo_path),
            missing=doctor_profiles.missing_items(session, profile),
        )


@router.get("")
def get_profile(session: DB, actor: SignedIn) -> ProfileOut:
    return ProfileOut.of(session, doctor_profiles.my_profile(session, actor=actor))


@router.put("")
def put_profile(body: ProfileIn, session: DB, actor: SignedIn) -> ProfileOut:
    data = ProfileInput(**{**body.model_dump(),
                           "other_specialty_ids": tuple(body.other_specialty_ids),
                           "languages": tuple(body.languages), "modes": tuple(body.modes)})
    profile = doctor_profiles.update_profile(session, actor=actor, data=data)
    return ProfileOut.of(session, profile)


@router.post("/submit")
def submit(session: DB, actor: SignedIn) -> ProfileOut:
    return ProfileOut.of(session, doctor_profiles.submit(session, actor=actor))


@router.post("/licence")
def upload_licence(file: UploadFile, session: DB, actor: SignedIn) -> ProfileOut:
    """Multipart field `file`: a PDF, PNG or JPEG up to 10 MB (checked by content)."""
    data = file.file.read(doctor_documents.MAX_DOCUMENT_BYTES + 1)  # over the limit: refused
    profile = doctor_profiles.upload_licence(session, actor=actor, data=data,
                                             filename=file.filename or "")
    return ProfileOut.of(session, profile)


@router.post("/photo")
def upload_photo(file: UploadFile, session: DB, actor: SignedIn) -> ProfileOut:
    """Multipart field `file`: a JPEG, PNG or WebP photo up to 5 MB."""
    data = file.file.read(doctor_documents.MAX_PHOTO_BYTES + 1)
    return ProfileOut.of(session, doctor_profiles.set_photo(session, actor=actor, data=data))
