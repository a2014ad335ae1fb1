"""What a doctor may write in their profile: each field checked, with a message that says
how to fix it. Used by odcp.services.doctor_profiles; the page and the API share it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from odcp.models.doctor import ConsultationMode, Specialty
from odcp.services.accounts import LANGUAGES, validate_timezone
from odcp.services.errors import Invalid

# Currencies the clinic can charge in (all with two decimal places).
CURRENCIES = ("USD", "EUR", "GBP", "INR", "CAD", "AUD", "SGD", "AED", "CHF")
MODES = tuple(m.value for m in ConsultationMode)
MODE_LABELS = {"video": "Video", "audio": "Audio", "chat": "Chat"}
MIN_BIO = 50
MAX_OTHER_SPECIALTIES = 5
MAX_LANGUAGES = 10
MIN_FEE_CENTS, MAX_FEE_CENTS = 100, 1_000_000
MAX_YEARS = 70
_LICENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,63}$")


@dataclass(frozen=True)
class ProfileInput:
    """Everything the onboarding form sends; fees are in cents per consultation mode."""

    specialty_id: int | None = None
    other_specialty_ids: tuple[int, ...] = ()
    qualifications: str = ""
    licence_number: str = ""
    years_experience: int = 0
    languages: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    fees_by_mode: Mapping[str, int] = field(default_factory=dict)
    currency: str = "USD"
    bio: str = ""
    conditions_treated: str = ""
    timezone: str = "UTC"


def parse_fee(text: str, *, mode: str) -> int | None:
    """'45', '45.5' or '1,200.00' in the currency's main unit -> cents; '' -> None."""
    raw = (text or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise Invalid(f"Enter the {MODE_LABELS.get(mode, mode).lower()} fee as a number, "
                      "e.g. 45 or 45.50.", field=f"fee_{mode}")
    return int(amount * 100)


def _active_specialty(session: Session, specialty_id: int, field_name: str) -> Specialty:
    spec = session.get(Specialty, specialty_id)
    if spec is None or not spec.active:
        raise Invalid("Choose specialties from the list; that one is not offered.",
                      field=field_name)
    return spec


def _text(value: str, limit: int, field_name: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(f"{label} can be at most {limit} characters (now {len(value)}).",
                      field=field_name)
    return value


def _specialties(session: Session, data: ProfileInput) -> tuple[int | None, list[int]]:
    primary = data.specialty_id
    if primary is not None:
        _active_specialty(session, primary, "specialty_id")
    others = [i for i in dict.fromkeys(data.other_specialty_ids) if i != primary]
    if len(others) > MAX_OTHER_SPECIALTIES:
        raise Invalid(f"Choose at most {MAX_OTHER_SPECIALTIES} other specialties.",
                      field="other_specialty_ids")
    for specialty_id in others:
        _active_specialty(session, specialty_id, "other_specialty_ids")
    return primary, others


def _fees(data: ProfileInput, modes: list[str]) -> dict[str, int]:
    fees = {}
    for mode in modes:
        fee = data.fees_by_mode.get(mode)
        label = MODE_LABELS[mode].lower()
        if fee is None:
            raise Invalid(f"Enter a fee for {label} consultations, or stop offering them.",
                          field=f"fee_{mode}")
        if not MIN_FEE_CENTS <= int(fee) <= MAX_FEE_CENTS:
            raise Invalid(f"The {label} fee must be between {MIN_FEE_CENTS // 100} and "
                          f"{MAX_FEE_CENTS // 100:,}.", field=f"fee_{mode}")
        fees[mode] = int(fee)
    return fees


def validated(session: Session, data: ProfileInput) -> tuple[dict, list[int]]:
    """The profile columns to write, and the other specialties; or Invalid."""
    primary, others = _specialties(session, data)
    licence = " ".join((data.licence_number or "").split())
    if licence and not _LICENCE.match(licence):
        raise Invalid("Enter the licence number as issued: 3 to 64 letters, digits, spaces, "
                      "dots, slashes or hyphens.", field="licence_number")
    if not 0 <= int(data.years_experience) <= MAX_YEARS:
        raise Invalid(f"Years of experience must be between 0 and {MAX_YEARS}.",
                      field="years_experience")
    languages = list(dict.fromkeys(data.languages))
    if any(code not in LANGUAGES for code in languages) or len(languages) > MAX_LANGUAGES:
        raise Invalid("Choose up to 10 languages from the list.", field="languages")
    if any(mode not in MODES for mode in data.modes):
        raise Invalid("Consultation modes are video, audio and chat.", field="modes")
    modes = [m for m in MODES if m in data.modes]
    fees = _fees(data, modes)
    currency = (data.currency or "").strip().upper()
    if currency not in CURRENCIES:
        raise Invalid("Choose a currency from the list.", field="currency")
    values = {
        "specialty_id": primary,
        "qualifications": _text(data.qualifications, 300, "qualifications", "Qualifications"),
        "licence_number": licence,
        "years_experience": int(data.years_experience),
        "languages": languages,
        "modes": modes,
        "fees_by_mode": fees,
        "fee_cents": min(fees.values(), default=0),  # the lowest fee, for sorting
        "currency": currency,
        "bio": _text(data.bio, 4000, "bio", "The bio"),
        "conditions_treated": _text(data.conditions_treated, 2000, "conditions_treated",
                                    "Conditions treated"),
        "timezone": validate_timezone((data.timezone or "").strip()),
    }
    return values, others
