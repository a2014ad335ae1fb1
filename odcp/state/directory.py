"""The landing page's specialties and a doctor's public page: public clinic data only."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from odcp.db import session_scope
from odcp.services import directory, search
from odcp.services.doctor_public import PublicDoctor
from odcp.services.errors import NotFound
from odcp.settings import get_settings
from odcp.state.session import SessionState


def _specialties() -> list[dict[str, str]]:
    with session_scope() as session:
        return [{"name": s.name, "slug": s.slug, "description": s.description}
                for s in directory.active_specialties(session)]


def _public_doctor(doctor_id: int) -> PublicDoctor:
    with session_scope() as session:
        return search.get_public_doctor(session, doctor_id=doctor_id)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _doctor_fields(d: PublicDoctor) -> dict[str, str]:
    return {
        "book_href": f"/book?doctor={d.doctor_id}",
        "name": d.name, "initials": d.initials, "specialty": d.specialty,
        "other_specialties": ", ".join(d.other_specialties),
        "languages": ", ".join(d.languages) or "Not stated",
        "modes": ", ".join(d.modes) or "Not stated",
        "experience": _plural(d.years_experience, "year"),
        "qualifications": d.qualifications or "Not stated",
        "bio": d.bio, "timezone": d.timezone.replace("_", " "),
        "registration": d.registration_number or "Not stated",
        "rating": f"{d.rating_avg:.1f}" if d.rating_count else "",
        "reviews": _plural(d.rating_count, "review") if d.rating_count else "No reviews yet",
    }


class DirectoryState(SessionState):
    specialties: list[dict[str, str]] = []

    @rx.event
    async def load_landing(self):
        self.specialties = await asyncio.to_thread(_specialties)


class DoctorPageState(SessionState):
    """/doctors/[doctor_id]: one listed doctor; anything else shows 'not found'."""

    doctor: dict[str, str] = {}
    fees: list[dict[str, str]] = []
    conditions: list[str] = []
    not_found: bool = False
    loaded: bool = False

    @rx.event
    async def load(self):
        self.loaded, self.not_found, self.doctor, self.fees, self.conditions = (
            False, False, {}, [], [])
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            found = await asyncio.to_thread(_public_doctor, int(raw)) if raw.isdigit() \
                else None
        except NotFound:
            found = None
        self.loaded = True
        if found is None:
            self.not_found = True
            return
        self.doctor = _doctor_fields(found)
        self.fees = [{"label": f.label, "fee": f.fee_display} for f in found.fees]
        self.conditions = found.conditions
        title = f"{found.name} · {get_settings().clinic_name}"
        return rx.call_script(f"document.title = {json.dumps(title)}")
