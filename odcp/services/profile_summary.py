"""A patient's medical profile as a clinician reads it at a glance: one line per topic,
allergies first (the thing a prescriber must not miss), empty topics said as such rather
than left out, so "no allergies recorded" is never mistaken for "not shown".

Pure formatting of an already authorised read (medical_profile.read_for decides who may
and audits it); the words are the clinic's, not the patient's form labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from odcp.services.medical_profile import MedicalProfile

NONE_RECORDED = "None recorded"


@dataclass(frozen=True)
class SummaryLine:
    topic: str
    text: str
    warn: bool = False  # shown in the warning colour (known allergies)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _joined(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p) or NONE_RECORDED


def summary(profile: MedicalProfile, *, today: date) -> list[SummaryLine]:
    allergies = [f"{a.substance} ({a.severity}{': ' + a.reaction if a.reaction else ''})"
                 for a in profile.allergies]
    medications = [" ".join(x for x in (m.name, m.dose, m.frequency) if x)
                   for m in profile.medications]
    surgeries = [f"{s.procedure} ({s.year})" if s.year else s.procedure
                 for s in profile.surgeries]
    life = profile.lifestyle
    habits = [f"{name}: {value}" for name, value in (
        ("Smoking", life.smoking), ("Alcohol", life.alcohol), ("Exercise", life.exercise),
        ("Diet", life.diet)) if value]
    about = [f"Born {profile.date_of_birth:%d %b %Y} (age "
             f"{_age(profile.date_of_birth, today)})" if profile.date_of_birth else "",
             f"sex: {profile.sex}" if profile.sex else "",
             f"blood group {profile.blood_group}" if profile.blood_group else ""]
    return [
        SummaryLine("Allergies", _joined(allergies), warn=bool(allergies)),
        SummaryLine("Current medications", _joined(medications)),
        SummaryLine("Chronic conditions", _joined(list(profile.chronic_conditions))),
        SummaryLine("Past surgery", _joined(surgeries)),
        SummaryLine("About", _joined(about)),
        SummaryLine("Family history", profile.family_history or NONE_RECORDED),
        SummaryLine("Lifestyle", _joined(habits)),
    ]
