"""Helpers for the doctor onboarding tests: specialties, a new doctor with a confirmed
email, a complete profile, and small real files (a PDF, a PNG)."""

from __future__ import annotations

import io

from PIL import Image
from sqlmodel import Session, select

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, Specialty, VerificationStatus
from odcp.models.user import User
from odcp.services import doctor_profiles
from odcp.services.actor import Actor
from odcp.services.doctor_profile_rules import ProfileInput
from tests.conftest import PASSWORD

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def image(fmt: str = "PNG", size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def make_specialties(session: Session, *names: str) -> dict[str, Specialty]:
    found = {}
    for name in names or ("Cardiology", "Dermatology", "Neurology"):
        spec = Specialty(name=name, slug=name.lower().replace(" ", "-"))
        session.add(spec)
        found[name] = spec
    session.flush()
    return found


def new_doctor(session: Session, email: str = "new.doctor@test.example",
               name: str = "Dr. Nora Quinn") -> User:
    """A self-registered doctor who has confirmed the email (pending until approved)."""
    user = doctor_profiles.register_doctor(session, actor=Actor(ip="127.0.0.1"), email=email,
                                           password=PASSWORD, full_name=name,
                                           timezone="Europe/Dublin")
    user.email_verified_at = utcnow()
    session.commit()
    return user


def complete_input(specialty_id: int, **changes) -> ProfileInput:
    values = dict(
        specialty_id=specialty_id, qualifications="MBBS, MD (Cardiology)",
        licence_number="IMC-123456", years_experience=9, languages=("en", "fr"),
        modes=("video", "chat"), fees_by_mode={"video": 6000, "chat": 3500},
        currency="EUR", bio="Consultant cardiologist caring for adults with heart rhythm "
        "problems and high blood pressure.", conditions_treated="palpitations, hypertension",
        timezone="Europe/Dublin",
    )
    values.update(changes)
    return ProfileInput(**values)


def complete_profile(session: Session, actor: Actor, specialty_id: int, **changes):
    doctor_profiles.update_profile(session, actor=actor,
                                   data=complete_input(specialty_id, **changes))
    profile = doctor_profiles.upload_licence(session, actor=actor, data=PDF,
                                             filename="my licence.pdf")
    session.commit()
    return profile


def listed_profile(session: Session, user, **fields) -> DoctorProfile:
    """A verified profile with an active specialty, so the directory lists it."""
    specialty = session.exec(select(Specialty).where(Specialty.slug == "general")).first()
    if specialty is None:
        specialty = Specialty(name="General", slug="general")
        session.add(specialty)
        session.flush()
    profile = DoctorProfile(user_id=user.id, specialty_id=specialty.id,
                            verification_status=VerificationStatus.VERIFIED, **fields)
    session.add(profile)
    session.flush()
    return profile
