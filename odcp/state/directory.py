"""Landing page and doctor list: public clinic data only."""

from __future__ import annotations

import asyncio

import reflex as rx

from odcp.db import session_scope
from odcp.services import directory
from odcp.services.accounts import LANGUAGES
from odcp.state.session import SessionState


def _initials(name: str) -> str:
    words = [w for w in name.replace("Dr.", "").split() if w]
    return (words[0][0] + words[-1][0]).upper() if words else "?"


def _money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


def _specialties() -> list[dict[str, str]]:
    with session_scope() as session:
        return [{"name": s.name, "slug": s.slug, "description": s.description}
                for s in directory.active_specialties(session)]


def _doctors(slug: str) -> list[dict[str, str]]:
    with session_scope() as session:
        cards = directory.listed_doctors(session, specialty_slug=slug or None)
    return [
        {
            "id": str(c.doctor_id), "name": c.name, "specialty": c.specialty,
            "initials": _initials(c.name),
            "languages": ", ".join(LANGUAGES.get(code, code) for code in c.languages),
            "modes": ", ".join(c.modes),
            "fee": _money(c.fee_cents, c.currency), "experience": f"{c.years_experience} years",
            "timezone": c.timezone, "bio": c.bio,
        }
        for c in cards
    ]


class DirectoryState(SessionState):
    specialties: list[dict[str, str]] = []
    doctors: list[dict[str, str]] = []
    specialty: str = ""
    loaded: bool = False

    @rx.event
    async def load_landing(self):
        self.specialties = await asyncio.to_thread(_specialties)

    @rx.event
    async def load_doctors(self):
        """Read the specialty from the URL so a filtered list can be shared as a link."""
        self.specialty = self.router.url.query_parameters.get("specialty", "")
        self.specialties, self.doctors = await asyncio.gather(
            asyncio.to_thread(_specialties), asyncio.to_thread(_doctors, self.specialty)
        )
        self.loaded = True

    @rx.event
    def choose_specialty(self, slug: str):
        slug = "" if slug == "all" else slug
        return rx.redirect(f"/doctors?specialty={slug}" if slug else "/doctors")
