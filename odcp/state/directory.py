"""The landing page's specialties and featured doctors, and a doctor's public page:
public clinic data only. Times are shown in the viewer's zone (odcp.state.viewer_zone)."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from odcp.db import session_scope
from odcp.services import directory, search, slots
from odcp.services.errors import NotFound
from odcp.settings import get_settings
from odcp.state.search import card_fields
from odcp.state.viewer_zone import ViewerZoneState, next_available_label, viewer_zone

FEATURED = 3  # doctors free soonest, on the landing page


def _landing(user_id: int | None, browser_zone: str
             ) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    with session_scope() as session:
        zone = viewer_zone(session, user_id, browser_zone)
        specialties = [{"name": s.name, "slug": s.slug, "description": s.description}
                       for s in directory.active_specialties(session)]
        found = search.search_doctors(session, query=search.DoctorQuery(
            sort="soonest", page_size=FEATURED, timezone=zone))
        featured = [card_fields(c, zone, found.availability_days) for c in found.results]
        return specialties, featured, zone


def _public_doctor(doctor_id: int, user_id: int | None, browser_zone: str
                   ) -> tuple[search.PublicDoctorView, str, int]:
    with session_scope() as session:
        zone = viewer_zone(session, user_id, browser_zone)
        return (search.get_public_doctor(session, doctor_id=doctor_id), zone,
                slots.policy(session).booking_horizon_days)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _doctor_fields(d: search.PublicDoctorView, zone: str, days: int) -> dict[str, str]:
    return {
        "next": next_available_label(d.next_slot_at, zone, days),
        "has_next": "yes" if d.next_slot_at is not None else "",
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


class DirectoryState(ViewerZoneState):
    specialties: list[dict[str, str]] = []
    featured: list[dict[str, str]] = []

    async def _fill(self) -> None:
        self.specialties, self.featured, self.viewer_zone = await asyncio.to_thread(
            _landing, self._user_id, self._browser_zone)

    @rx.event
    async def load_landing(self):
        await self._fill()
        return self._ask_browser_zone(DirectoryState.set_browser_zone)

    @rx.event
    async def set_browser_zone(self, zone: str):
        if self._remember_browser_zone(zone):
            await self._fill()


class DoctorPageState(ViewerZoneState):
    """/doctors/[doctor_id]: one listed doctor; anything else shows 'not found'."""

    doctor: dict[str, str] = {}
    fees: list[dict[str, str]] = []
    conditions: list[str] = []
    not_found: bool = False
    loaded: bool = False

    async def _fill(self) -> search.PublicDoctorView | None:
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        found, days = None, 0
        if raw.isdigit():
            try:
                found, self.viewer_zone, days = await asyncio.to_thread(
                    _public_doctor, int(raw), self._user_id, self._browser_zone)
            except NotFound:
                found = None
        self.loaded = True
        if found is None:
            self.not_found = True
            return None
        self.doctor = _doctor_fields(found, self.viewer_zone, days)
        self.fees = [{"label": f.label, "fee": f.fee_display} for f in found.fees]
        self.conditions = found.conditions
        return found

    @rx.event
    async def load(self):
        self.loaded, self.not_found, self.doctor, self.fees, self.conditions = (
            False, False, {}, [], [])
        found = await self._fill()
        if found is None:
            return None
        title = f"{found.name} · {get_settings().clinic_name}"
        events = [rx.call_script(f"document.title = {json.dumps(title)}")]
        ask = self._ask_browser_zone(DoctorPageState.set_browser_zone)
        return events + ([ask] if ask is not None else [])

    @rx.event
    async def set_browser_zone(self, zone: str):
        if self._remember_browser_zone(zone) and not self.not_found:
            await self._fill()
