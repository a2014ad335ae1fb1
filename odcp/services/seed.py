"""The demo clinic `make run` starts with. Idempotent: every row is found by its natural
key first, so seeding twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlmodel import Session, select

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, Specialty, VerificationStatus
from odcp.models.schedule import AvailabilityRule
from odcp.models.user import AccountStatus, Role, User
from odcp.services import audit
from odcp.services.accounts import build_user, find_by_email
from odcp.services.actor import SYSTEM
from odcp.services.passwords import hash_password
from odcp.services.search_index import index_doctor

DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105 (printed demo login, development only)

CONDITIONS = {
    "General Practice": "cold, flu, fever, cough, sore throat, hypertension, diabetes check-up",
    "Cardiology": "chest pain, palpitations, arrhythmia, hypertension, heart failure",
    "Dermatology": "acne, eczema, psoriasis, rashes, moles, hair loss",
    "Pediatrics": "child fever, vaccinations, growth, asthma in children, ear infections",
    "Psychiatry": "anxiety, depression, insomnia, ADHD, stress",
}

SPECIALTIES = [
    ("General Practice", "Everyday illnesses, check-ups and referrals."),
    ("Cardiology", "Heart and blood vessel conditions."),
    ("Dermatology", "Skin, hair and nail conditions."),
    ("Pediatrics", "Care for infants, children and teenagers."),
    ("Psychiatry", "Mental health assessment and treatment."),
]

# name, specialty, time zone, languages, fee (cents), years, modes
DOCTORS = [
    ("Dr. Amara Okafor", "General Practice", "America/New_York", ["en", "fr"], 4000, 12,
     ["video", "audio", "chat"]),
    ("Dr. Lucas Meyer", "Cardiology", "Europe/Berlin", ["de", "en"], 9000, 20, ["video"]),
    ("Dr. Priya Raman", "Dermatology", "Asia/Kolkata", ["en", "hi", "ta"], 3000, 8,
     ["video", "chat"]),
    ("Dr. Sofia Alvarez", "Pediatrics", "America/Los_Angeles", ["es", "en"], 5000, 15,
     ["video", "audio"]),
    ("Dr. James Whitfield", "Psychiatry", "Europe/London", ["en"], 11000, 18,
     ["video", "audio", "chat"]),
    ("Dr. Mei Chen", "General Practice", "Asia/Singapore", ["en", "zh"], 3500, 6,
     ["video", "chat"]),
    ("Dr. Omar Haddad", "Cardiology", "America/New_York", ["en", "ar"], 8500, 14,
     ["video", "audio"]),
    ("Dr. Elena Rossi", "Dermatology", "Europe/Rome", ["it", "en"], 6000, 10,
     ["video", "audio", "chat"]),
]

PATIENTS = [
    ("Alice Patient", "alice@patients.example", "America/New_York"),
    ("Carlos Patient", "carlos@patients.example", "Europe/Madrid"),
    ("Dana Patient", "dana@patients.example", "Asia/Kolkata"),
]

ADMIN = ("Clinic Admin", "admin@clinic.example")


@dataclass(frozen=True)
class Login:
    role: str
    name: str
    email: str
    password: str


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def _email_for(doctor_name: str) -> str:
    return doctor_name.replace("Dr. ", "").lower().replace(" ", ".") + "@doctors.example"


def _ensure_user(session: Session, *, email: str, name: str, role: Role, tz: str,
                 pw_hash: str) -> tuple[User, bool]:
    user = find_by_email(session, email)
    if user is not None:
        return user, False
    user = build_user(session, email=email, password="", full_name=name, role=role,
                      status=AccountStatus.ACTIVE, timezone=tz, password_hash=pw_hash)
    return user, True


def _ensure_specialties(session: Session) -> dict[str, Specialty]:
    found = {s.name: s for s in session.exec(select(Specialty)).all()}
    for name, description in SPECIALTIES:
        if name not in found:
            found[name] = Specialty(name=name, slug=_slug(name), description=description)
            session.add(found[name])
    session.flush()
    return found


def _weekly_rules(doctor_id: int, modes: list[str]) -> list[AvailabilityRule]:
    """Monday to Friday 09:00-12:00 and 13:00-17:00 local; Saturday morning."""
    rules = []
    for weekday in range(5):
        for start, end in ((time(9), time(12)), (time(13), time(17))):
            rules.append(AvailabilityRule(doctor_id=doctor_id, weekday=weekday, start_time=start,
                                          end_time=end, slot_minutes=30, modes=modes))
    rules.append(AvailabilityRule(doctor_id=doctor_id, weekday=5, start_time=time(9),
                                  end_time=time(12), slot_minutes=30, modes=modes))
    return rules


def seed_demo_clinic(session: Session) -> list[Login]:
    """Create what is missing of the demo clinic; return every demo login."""
    pw_hash = hash_password(DEMO_PASSWORD)
    specialties = _ensure_specialties(session)
    logins = []
    created = 0
    admin, new = _ensure_user(session, email=ADMIN[1], name=ADMIN[0], role=Role.ADMIN,
                              tz="UTC", pw_hash=pw_hash)
    created += new
    logins.append(Login("admin", admin.full_name, admin.email, DEMO_PASSWORD))
    for name, spec, tz, langs, fee, years, modes in DOCTORS:
        user, new = _ensure_user(session, email=_email_for(name), name=name, role=Role.DOCTOR,
                                 tz=tz, pw_hash=pw_hash)
        created += new
        logins.append(Login("doctor", name, user.email, DEMO_PASSWORD))
        if session.exec(select(DoctorProfile).where(DoctorProfile.user_id == user.id)).first():
            continue
        profile = DoctorProfile(
            user_id=user.id, specialty_id=specialties[spec].id, timezone=tz, languages=langs,
            fee_cents=fee, years_experience=years, modes=modes,
            qualifications="MBBS, MD", licence_number=f"LIC-{user.id:05d}",
            bio=f"{name} practises {spec.lower()} with {years} years of experience.",
            conditions_treated=CONDITIONS[spec],
            fees_by_mode={mode: fee for mode in modes},
            verification_status=VerificationStatus.VERIFIED, verified_at=utcnow(),
        )
        session.add(profile)
        session.flush()
        session.add_all(_weekly_rules(profile.id, modes))
        index_doctor(session, doctor_id=profile.id)
    for name, email, tz in PATIENTS:
        user, new = _ensure_user(session, email=email, name=name, role=Role.PATIENT, tz=tz,
                                 pw_hash=pw_hash)
        created += new
        logins.append(Login("patient", name, user.email, DEMO_PASSWORD))
    if created:
        audit.record(session, actor=SYSTEM, action="seed.demo_clinic",
                     detail={"users_created": created})
    session.flush()
    return logins
