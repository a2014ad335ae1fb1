"""A small clinic for search tests: doctors built straight into the tables, then indexed
the way the app indexes them (search_index.index_doctor)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sqlmodel import Session

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, DoctorSpecialty, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, Role, User
from odcp.services.search_index import index_doctor

_emails = itertools.count(1)


def add_specialty(session: Session, name: str, *, active: bool = True) -> Specialty:
    spec = Specialty(name=name, slug="-".join(name.lower().split()), active=active)
    session.add(spec)
    session.flush()
    return spec


def add_doctor(session: Session, name: str, specialty: Specialty, *,
               others: tuple[Specialty, ...] = (), languages: tuple[str, ...] = ("en",),
               modes: tuple[str, ...] = ("video",), fee: int = 5000,
               fees_by_mode: dict | None = None, years: int = 10, rating: float = 0.0,
               reviews: int = 0, bio: str = "", conditions: str = "",
               status: VerificationStatus = VerificationStatus.VERIFIED,
               account: AccountStatus = AccountStatus.ACTIVE,
               role: Role = Role.DOCTOR) -> DoctorProfile:
    user = User(email=f"doctor{next(_emails)}@search.example", password_hash="x",
                full_name=name, role=role, status=account, phone="+15550100",
                email_verified_at=utcnow())
    session.add(user)
    session.flush()
    profile = DoctorProfile(
        user_id=user.id, specialty_id=specialty.id, languages=list(languages),
        modes=list(modes), fee_cents=fee, fees_by_mode=fees_by_mode or {m: fee for m in modes},
        years_experience=years, rating_avg=rating, rating_count=reviews, bio=bio,
        conditions_treated=conditions, verification_status=status, licence_number="REG-123",
        licence_document_path="licences/secret.pdf", qualifications="MBBS",
        timezone="Europe/London",
    )
    session.add(profile)
    session.flush()
    for other in others:
        session.add(DoctorSpecialty(doctor_id=profile.id, specialty_id=other.id))
    session.flush()
    index_doctor(session, doctor_id=profile.id)
    return profile


@dataclass
class Clinic:
    cardiology: Specialty
    dermatology: Specialty
    general: Specialty
    doctors: dict[str, DoctorProfile] = field(default_factory=dict)

    def id(self, key: str) -> int:
        return self.doctors[key].id


def build_clinic(session: Session) -> Clinic:
    """Six listed doctors with distinct fees, ratings, years, languages and modes.
    Okafor's fees differ by mode; her fee_cents is the lowest, as onboarding sets it."""
    c = Clinic(cardiology=add_specialty(session, "Cardiology"),
               dermatology=add_specialty(session, "Dermatology"),
               general=add_specialty(session, "General Practice"))
    add = add_doctor
    c.doctors = {
        "meyer": add(session, "Dr. Lucas Meyer", c.cardiology, languages=("de", "en"),
                     modes=("video",), fee=9000, years=20, rating=4.8, reviews=40,
                     conditions="chest pain, arrhythmia, heart failure",
                     bio="Heart rhythm specialist."),
        "haddad": add(session, "Dr. Omar Haddad", c.cardiology, languages=("en", "ar"),
                      modes=("video", "audio"), fee=8500, years=14, rating=4.2, reviews=12,
                      conditions="hypertension, chest pain",
                      bio="Trained under Dr. Okafor in preventive cardiology."),
        "okafor": add(session, "Dr. Amara Okafor", c.general, others=(c.cardiology,),
                      languages=("en", "fr"), modes=("video", "audio", "chat"), fee=2000,
                      fees_by_mode={"video": 4000, "audio": 3000, "chat": 2000}, years=12,
                      rating=4.5, reviews=30, conditions="cold, flu, diabetes check-up",
                      bio="Family doctor."),
        "raman": add(session, "Dr. Priya Raman", c.dermatology, languages=("en", "hi"),
                     modes=("video", "chat"), fee=3000, years=8, rating=3.9, reviews=8,
                     conditions="acne, eczema, psoriasis", bio="Skin and hair care."),
        "rossi": add(session, "Dr. Elena Rossi", c.dermatology, languages=("it", "en"),
                     modes=("audio",), fee=6000, years=3, rating=0.0, reviews=0,
                     conditions="moles, rashes", bio="Treats eczema flare-ups in adults."),
        "chen": add(session, "Dr. Mei Chen", c.general, languages=("zh", "en"),
                    modes=("chat",), fee=3500, years=6, rating=4.5, reviews=10,
                    conditions="fever, cough, sore throat", bio="Quick answers by chat."),
    }
    session.commit()
    return c
