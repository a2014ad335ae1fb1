"""/doctors: the search box, filters, sort and paging, kept in the page's URL.

Why the URL: a patient can copy, bookmark or reload a search and get the same list. After
each search the query string is replaced with `history.replaceState` (no navigation, so
the page does not reload and on_load does not run again); on load the query string is
read back. Reflex reads the live `window.location` for every event, so the URL we write is
the one the next on_load sees.

Times ("Next available: Tue 24 Nov, 09:00 EST") and where "today" ends for the
availability filter follow the viewer's zone (odcp.state.viewer_zone).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from urllib.parse import urlencode

import reflex as rx

from odcp.db import session_scope
from odcp.services import directory, search
from odcp.services.errors import DomainError, Invalid
from odcp.state.viewer_zone import ViewerZoneState, next_available_label, viewer_zone

ALL = "all"  # a select's "no filter" choice (Radix selects cannot hold "")
PAGE_SIZE = 12
SORTS = {"relevance": "Best match", "soonest": "Soonest available",
         "rating": "Highest rated", "fee_low": "Lowest fee", "fee_high": "Highest fee"}
AVAILABLE = {ALL: "Any time", "today": "Today", "3": "Within 3 days",
             "7": "Within 7 days", "14": "Within 14 days"}
EXPERIENCE = {ALL: "Any experience", "5": "5+ years", "10": "10+ years",
              "15": "15+ years", "20": "20+ years"}
RATINGS = {ALL: "Any rating", "3": "3+ stars", "4": "4+ stars", "4.5": "4.5+ stars"}
MODES = {ALL: "Video, audio or chat", "video": "Video", "audio": "Audio", "chat": "Chat"}
FEE_HINT = "Fees are whole amounts, e.g. 50."


def card_fields(c: search.DoctorResult, zone: str, days: int) -> dict[str, str]:
    """What a doctor card shows (also on the landing page), times in `zone`."""
    rated = c.rating_count > 0
    return {
        "next": next_available_label(c.next_slot_at, zone, days),
        "has_next": "yes" if c.next_slot_at is not None else "",
        "id": str(c.doctor_id), "href": f"/doctors/{c.doctor_id}", "name": c.name,
        "initials": c.initials, "specialty": c.specialty,
        "languages": ", ".join(c.languages), "modes": " · ".join(c.modes),
        "fee": c.fee_display, "summary": c.summary,
        "experience": f"{c.years_experience} year{'s' if c.years_experience != 1 else ''}",
        "rating": (f"{c.rating_avg:.1f} ({c.rating_count} review"
                   f"{'s' if c.rating_count != 1 else ''})") if rated else "No reviews yet",
        "rated": "yes" if rated else "",
    }


def _number(raw: str, kind: type = int) -> int | float | None:
    try:
        return kind(raw) if raw not in ("", ALL) else None
    except ValueError:
        return None


def _run(query: search.DoctorQuery, user_id: int | None, browser_zone: str
         ) -> tuple[search.SearchPage, list[dict[str, str]], str]:
    with session_scope() as session:
        zone = viewer_zone(session, user_id, browser_zone)
        specialties = [{"name": s.name, "slug": s.slug}
                       for s in directory.active_specialties(session)]
        found = search.search_doctors(session, query=replace(query, timezone=zone))
        return found, specialties, zone


class SearchState(ViewerZoneState):
    text: str = ""
    specialty: str = ALL
    language: str = ALL
    fee_min: str = ""
    fee_max: str = ""
    min_experience: str = ALL
    min_rating: str = ALL
    mode: str = ALL
    available: str = ALL
    sort: str = "relevance"
    page: int = 1
    pages: int = 1
    total: int = 0
    results: list[dict[str, str]] = []
    specialties: list[dict[str, str]] = []
    error: str = ""
    notice: str = ""
    loaded: bool = False
    filters_open: bool = False
    results_url: str = "/doctors"  # where "Back to results" on a doctor's page goes

    @rx.var
    def filter_count(self) -> int:
        """How many filters are set (shown on the phone's folded Filters button)."""
        return sum(1 for v in (self.specialty, self.language, self.mode, self.fee_min,
                               self.fee_max, self.min_experience, self.min_rating,
                               self.available)
                   if v not in ("", ALL))

    @rx.var
    def filtering(self) -> bool:
        """Whether anything narrows the list (for the empty-state wording)."""
        return bool(self.text.strip()) or self.filter_count > 0

    @rx.var
    def found_label(self) -> str:
        return f"{self.total} doctor{'s' if self.total != 1 else ''} found"

    def _params(self) -> dict[str, str]:
        """The URL's query: only what differs from the defaults, in a stable order."""
        pairs = [("q", self.text.strip()), ("specialty", self.specialty),
                 ("language", self.language), ("mode", self.mode),
                 ("available", self.available),
                 ("fee_min", self.fee_min), ("fee_max", self.fee_max),
                 ("min_experience", self.min_experience), ("min_rating", self.min_rating),
                 ("sort", "" if self.sort == "relevance" else self.sort),
                 ("page", "" if self.page == 1 else str(self.page))]
        return {k: v for k, v in pairs if v and v != ALL}

    def _query(self) -> search.DoctorQuery:
        for raw in (self.fee_min, self.fee_max):
            if raw and not raw.isdigit():
                raise Invalid(FEE_HINT, field="fee")
        return search.DoctorQuery(
            text=self.text, specialty="" if self.specialty == ALL else self.specialty,
            language="" if self.language == ALL else self.language,
            fee_min=_number(self.fee_min), fee_max=_number(self.fee_max),
            min_experience=_number(self.min_experience),
            min_rating=_number(self.min_rating, float),
            mode="" if self.mode == ALL else self.mode,
            available_within=None if self.available == ALL else (
                0 if self.available == "today" else int(self.available)),
            sort=self.sort, page=self.page, page_size=PAGE_SIZE)

    async def _refresh(self) -> rx.event.EventSpec:
        """Search (off the event loop), show the page of results, and put the query in
        the URL without reloading."""
        try:
            found, self.specialties, self.viewer_zone = await asyncio.to_thread(
                _run, self._query(), self._user_id, self._browser_zone)
        except DomainError as exc:
            if exc.field == "specialty":  # an old link to a specialty no longer offered
                self.specialty = ALL
                await self._refresh()
                self.notice = "That specialty is no longer listed; showing all specialties."
                return self._replace_url()
            self.error, self.results, self.total, self.pages = exc.message, [], 0, 1
        else:
            if found.total and self.page > found.pages:  # e.g. an old link's page 9
                self.page = found.pages
                return await self._refresh()
            self.error = ""
            self.results = [card_fields(c, self.viewer_zone, found.availability_days)
                            for c in found.results]
            self.total, self.pages = found.total, found.pages
        self.loaded = True
        return self._replace_url()

    def _replace_url(self) -> rx.event.EventSpec:
        query = urlencode(self._params())
        self.results_url = "/doctors" + (f"?{query}" if query else "")
        return rx.call_script("window.history.replaceState(window.history.state, '', "
                              f"{json.dumps(self.results_url)})")

    @rx.event
    async def load(self):
        """Restore the search from the URL, so a shared or reloaded link shows the same."""
        params = self.router.url.query_parameters
        self.text = params.get("q", "")[:search.MAX_TEXT]
        self.specialty = params.get("specialty", "") or ALL
        self.language = params.get("language", "") or ALL
        self.mode = params.get("mode", "") if params.get("mode", "") in MODES else ALL
        available = params.get("available", "")
        self.available = available if available in AVAILABLE else ALL
        self.fee_min, self.fee_max = params.get("fee_min", ""), params.get("fee_max", "")
        experience, rating = params.get("min_experience", ""), params.get("min_rating", "")
        self.min_experience = experience if experience in EXPERIENCE else ALL
        self.min_rating = rating if rating in RATINGS else ALL
        self.sort = params.get("sort", "") if params.get("sort", "") in SORTS else "relevance"
        self.page = max(1, int(_number(params.get("page", "1")) or 1))
        self.filters_open, self.notice = False, ""
        shown = await self._refresh()
        ask = self._ask_browser_zone(SearchState.set_browser_zone)
        return [shown, ask] if ask is not None else shown

    @rx.event
    async def set_browser_zone(self, zone: str):
        """The browser's answer: show times in its zone (anonymous visitors)."""
        if self._remember_browser_zone(zone):
            return await self._refresh()
        return None

    async def _changed(self, name: str, value: str) -> rx.event.EventSpec:
        setattr(self, name, value)
        self.page, self.notice = 1, ""
        return await self._refresh()

    @rx.event
    async def search_text(self, value: str):
        return await self._changed("text", value[:search.MAX_TEXT])

    @rx.event
    async def choose_specialty(self, value: str):
        return await self._changed("specialty", value)

    @rx.event
    async def choose_language(self, value: str):
        return await self._changed("language", value)

    @rx.event
    async def choose_mode(self, value: str):
        return await self._changed("mode", value)

    @rx.event
    async def choose_available(self, value: str):
        return await self._changed("available", value if value in AVAILABLE else ALL)

    @rx.event
    async def choose_experience(self, value: str):
        return await self._changed("min_experience", value)

    @rx.event
    async def choose_rating(self, value: str):
        return await self._changed("min_rating", value)

    @rx.event
    async def choose_sort(self, value: str):
        return await self._changed("sort", value if value in SORTS else "relevance")

    @rx.event
    async def set_fee_min(self, value: str):
        return await self._changed("fee_min", value.strip())

    @rx.event
    async def set_fee_max(self, value: str):
        return await self._changed("fee_max", value.strip())

    @rx.event
    async def clear_filters(self):
        self.text, self.fee_min, self.fee_max, self.page = "", "", "", 1
        self.specialty = self.language = self.mode = self.available = ALL
        self.min_experience = self.min_rating = ALL
        return await self._refresh()

    @rx.event
    async def go_to_page(self, step: int):
        self.page = min(max(1, self.page + step), self.pages)
        return [await self._refresh(), rx.call_script("window.scrollTo(0, 0)")]

    @rx.event
    def toggle_filters(self):
        self.filters_open = not self.filters_open
