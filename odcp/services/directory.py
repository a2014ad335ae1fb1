"""Public clinic directory: active specialties and the one rule for which doctors are listed.

A doctor is listed when the profile is verified, the account is an active doctor account
and the primary specialty is active. The rule lives only in `listed_doctors_query`, which
the directory, search (`odcp.services.search`) and the public doctor page all build on, so
an unverified or suspended doctor cannot be found by any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlmodel import Session, col, select

from odcp.models.doctor import DoctorProfile, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, Role, User


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


def listed_doctors_query(*columns) -> Select:
    """`select(*columns)` over doctor profiles joined to their user and primary specialty,
    restricted to listed doctors. Callers add their own filters, order and limits."""
    return (
        select(*columns)
        .select_from(DoctorProfile)
        .join(User, col(User.id) == DoctorProfile.user_id)
        .join(Specialty, col(Specialty.id) == DoctorProfile.specialty_id)
        .where(DoctorProfile.verification_status == VerificationStatus.VERIFIED,
               User.status == AccountStatus.ACTIVE, User.role == Role.DOCTOR,
               col(Specialty.active).is_(True))
    )


def is_listed(session: Session, *, doctor_id: int) -> bool:
    """Whether patients may see (and later book) this doctor."""
    found = session.exec(listed_doctors_query(DoctorProfile.id)
                         .where(DoctorProfile.id == doctor_id)).first()
    return found is not None


def active_specialties(session: Session) -> list[Specialty]:
    return list(session.exec(
        select(Specialty).where(col(Specialty.active).is_(True)).order_by(Specialty.name)
    ).all())


def listed_doctors(session: Session, *, specialty_slug: str | None = None) -> list[DoctorCard]:
    """Listed doctors, optionally of one primary specialty, by name."""
    query = listed_doctors_query(DoctorProfile, User, Specialty).order_by(User.full_name)
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
