"""GET /api/v1/doctors (search, filters, sorting, paging) and GET /api/v1/doctors/{id}.

Public: anyone may look for a doctor, signed in or not, exactly as on the /doctors page.
The parameters mirror the page's URL, so a web search link's query string works here too.
Values are checked by the search service; a bad one answers 422 with its message. The
handlers are plain `def`s, so FastAPI runs the queries in its thread pool, off the loop.

Each card and the doctor page carry `next_slot_at`: the first free slot (UTC), or null
when there is none within `availability_days` (the clinic's booking horizon).
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel

from odcp.api.deps import DB
from odcp.services import search
from odcp.services.search import DoctorQuery, DoctorResult, PublicDoctorView

router = APIRouter(prefix="/doctors", tags=["doctors"])


class DoctorPageOut(BaseModel):
    """A page of search results; the cards are the service's own read models."""

    results: list[DoctorResult]
    total: int
    page: int
    page_size: int
    pages: int
    availability_days: int


@router.get("")
def search_doctors(
    session: DB,
    q: str = Query("", description="Words from a name, specialty, condition or bio; the "
                                   "last word may be partial."),
    specialty: str = Query("", description="Specialty slug (primary or other specialty)."),
    language: str = Query("", description="Language code, e.g. en."),
    fee_min: int | None = Query(None, description="Lowest fee, whole currency units."),
    fee_max: int | None = Query(None, description="Highest fee, whole currency units."),
    min_experience: int | None = Query(None, description="Minimum years of experience."),
    min_rating: float | None = Query(None, description="Minimum average rating, 0-5."),
    mode: str = Query("", description="video, audio or chat."),
    available_within: int | None = Query(
        None, description="Only doctors with a free slot before the end of this many days "
                          "after today in `timezone` (0 = today)."),
    timezone: str = Query("UTC", description="The viewer's IANA time zone, e.g. "
                                             "America/New_York (where today ends)."),
    sort: str = Query("relevance", description="relevance, rating, fee_low, fee_high or "
                                               "soonest (first free slot; none last)."),
    page: int = 1,
    page_size: int = search.DEFAULT_PAGE_SIZE,
) -> DoctorPageOut:
    query = DoctorQuery(text=q, specialty=specialty, language=language, fee_min=fee_min,
                        fee_max=fee_max, min_experience=min_experience, min_rating=min_rating,
                        mode=mode, available_within=available_within, timezone=timezone,
                        sort=sort, page=page, page_size=page_size)
    found = search.search_doctors(session, query=query)
    return DoctorPageOut(results=list(found.results), total=found.total, page=found.page,
                         page_size=found.page_size, pages=found.pages,
                         availability_days=found.availability_days)


@router.get("/{doctor_id}")
def get_doctor(session: DB, doctor_id: int) -> PublicDoctorView:
    return search.get_public_doctor(session, doctor_id=doctor_id)
