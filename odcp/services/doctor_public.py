"""What patients may see of a listed doctor: search cards and the public doctor page.

Why a separate read model: a DoctorProfile row also holds the licence document, review
notes and the account it belongs to (email, phone). These views are built field by field
from listed doctors only, so nothing private can reach a card, the page or the API by
accident. The licence number is shown as "Registration no." because patients expect to be
able to check it; the licence document never is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from odcp.models.doctor import DoctorProfile, DoctorSpecialty, Specialty
from odcp.models.user import User
from odcp.services.accounts import LANGUAGES
from odcp.services.directory import listed_doctors_query
from odcp.services.errors import NotFound

MODE_LABELS = {"video": "Video", "audio": "Audio", "chat": "Chat"}
MODE_ORDER = tuple(MODE_LABELS)
SUMMARY_CHARS = 160
NOT_FOUND = "We could not find that doctor. They may no longer be listed."


@dataclass(frozen=True)
class ModeFee:
    mode: str
    label: str
    fee_cents: int
    fee_display: str


@dataclass(frozen=True)
class DoctorCardView:
    """What a search result card shows."""

    doctor_id: int
    name: str
    initials: str
    specialty: str
    languages: list[str]  # names, e.g. "English"
    modes: list[str]  # labels, e.g. "Video"
    fee_cents: int  # the chosen mode's fee, else the standard fee
    currency: str
    fee_display: str
    years_experience: int
    rating_avg: float
    rating_count: int
    has_photo: bool
    summary: str


@dataclass(frozen=True)
class PublicDoctor:
    """The public doctor page."""

    doctor_id: int
    name: str
    initials: str
    specialty: str
    other_specialties: list[str]
    languages: list[str]
    modes: list[str]
    fees: list[ModeFee]
    currency: str
    years_experience: int
    qualifications: str
    conditions: list[str]
    bio: str
    rating_avg: float
    rating_count: int
    timezone: str
    registration_number: str
    has_photo: bool


def initials(name: str) -> str:
    words = [w for w in name.replace("Dr.", "").split() if w]
    return (words[0][0] + words[-1][0]).upper() if len(words) > 1 else \
        (words[0][:2].upper() if words else "?")


def money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


def language_names(codes: list[str]) -> list[str]:
    return [LANGUAGES.get(code, code) for code in codes]


def mode_fees(modes: list[str], fees_by_mode: dict, fee_cents: int,
              currency: str) -> list[ModeFee]:
    """One fee per offered mode, in a fixed order; a mode without its own fee costs the
    standard fee."""
    offered = [m for m in MODE_ORDER if m in modes]
    return [ModeFee(mode=m, label=MODE_LABELS[m],
                    fee_cents=int(fees_by_mode.get(m, fee_cents) or fee_cents),
                    fee_display=money(int(fees_by_mode.get(m, fee_cents) or fee_cents),
                                      currency))
            for m in offered]


def _summary(bio: str) -> str:
    text = " ".join(bio.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def card_view(row, *, mode: str = "") -> DoctorCardView:
    """A card from one search row (see search.search_doctors for its columns).

    The fee shown is the one the search filtered and sorted by (search.fee_expression):
    the chosen mode's fee, else `fee_cents`, which onboarding keeps at the lowest of the
    doctor's fees, so it reads "from ..." when fees differ by mode.
    """
    fees = mode_fees(list(row.modes), dict(row.fees_by_mode or {}), row.fee_cents,
                     row.currency)
    chosen = next((f for f in fees if f.mode == mode), None)
    fee = chosen.fee_cents if chosen is not None else row.fee_cents
    display = money(fee, row.currency)
    if chosen is None and len({f.fee_cents for f in fees}) > 1:
        display = "from " + display
    return DoctorCardView(
        doctor_id=row.id, name=row.full_name, initials=initials(row.full_name),
        specialty=row.specialty, languages=language_names(list(row.languages)),
        modes=[f.label for f in fees], fee_cents=fee, currency=row.currency,
        fee_display=display, years_experience=row.years_experience,
        rating_avg=round(float(row.rating_avg), 2), rating_count=row.rating_count,
        has_photo=bool(row.photo_path), summary=_summary(row.bio),
    )


def _conditions(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace(";", ",").replace("\n", ",").split(",")]
    return [p[:1].upper() + p[1:] for p in parts if p]


def get_public_doctor(session: Session, *, doctor_id: int) -> PublicDoctor:
    """The public page of a listed doctor; NotFound for anyone else (unverified,
    suspended, unknown), with the same message so the page reveals nothing."""
    if not 0 < doctor_id < 2**31:  # beyond any id; PostgreSQL would refuse the comparison
        raise NotFound(NOT_FOUND)
    row = session.exec(listed_doctors_query(DoctorProfile, User.full_name, Specialty.name)
                       .where(DoctorProfile.id == doctor_id)).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    profile, name, specialty = row
    others = session.exec(
        select(Specialty.name)
        .join(DoctorSpecialty, col(DoctorSpecialty.specialty_id) == Specialty.id)
        .where(DoctorSpecialty.doctor_id == doctor_id, col(Specialty.active).is_(True),
               Specialty.id != profile.specialty_id)
        .order_by(Specialty.name)).all()
    fees = mode_fees(list(profile.modes), dict(profile.fees_by_mode or {}),
                     profile.fee_cents, profile.currency)
    return PublicDoctor(
        doctor_id=profile.id, name=name, initials=initials(name), specialty=specialty,
        other_specialties=list(others), languages=language_names(list(profile.languages)),
        modes=[f.label for f in fees], fees=fees, currency=profile.currency,
        years_experience=profile.years_experience, qualifications=profile.qualifications,
        conditions=_conditions(profile.conditions_treated), bio=profile.bio,
        rating_avg=round(float(profile.rating_avg), 2), rating_count=profile.rating_count,
        timezone=profile.timezone, registration_number=profile.licence_number,
        has_photo=bool(profile.photo_path),
    )
