"""Public clinic directory: active specialties and verified, active doctors.

Only verified doctors with active accounts are ever listed (the same rule the booking
service will use), so an unverified or suspended doctor cannot be found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from odcp.models.doctor import DoctorProfile, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, User


@dataclass(frozen=True)
class DoctorCard:
    doctor_id: int
    name: str
    specialty: str
    languages: list[str]
    modes: list[str]
    fee_cents: int
    currency: str
    years_experience: int
    timezone: str
    rating_avg: float
    rating_count: int
    bio: str


def active_specialties(session: Session) -> list[Specialty]:
    return list(session.exec(
        select(Specialty).where(col(Specialty.active).is_(True)).order_by(Specialty.name)
    ).all())


def listed_doctors(session: Session, *, specialty_slug: str | None = None) -> list[DoctorCard]:
    """Verified doctors with active accounts, optionally of one specialty, by name."""
    query = (
        select(DoctorProfile, User, Specialty)
        .join(User, col(User.id) == DoctorProfile.user_id)
        .join(Specialty, col(Specialty.id) == DoctorProfile.specialty_id)
        .where(DoctorProfile.verification_status == VerificationStatus.VERIFIED,
               User.status == AccountStatus.ACTIVE,
               col(Specialty.active).is_(True))
        .order_by(User.full_name)
    )
    if specialty_slug:
        query = query.where(Specialty.slug == specialty_slug)
    return [
        DoctorCard(
            doctor_id=profile.id, name=user.full_name, specialty=spec.name,
            languages=list(profile.languages), modes=list(profile.modes),
            fee_cents=profile.fee_cents, currency=profile.currency,
            years_experience=profile.years_experience, timezone=profile.timezone,
            rating_avg=profile.rating_avg, rating_count=profile.rating_count, bio=profile.bio,
        )
        for profile, user, spec in session.exec(query).all()
    ]
