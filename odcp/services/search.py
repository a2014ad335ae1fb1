"""Doctor discovery: full-text search with filters, sorting and paging.

Text matching (tokens, FTS5 / tsquery, relevance) is in odcp.services.search_text.

Fees: `fee_min`/`fee_max` are whole units of the doctor's currency (50 means 50.00), as a
patient types them; results carry cents. With a consultation mode chosen, fee filters and
fee sorting use that mode's fee (`fees_by_mode`), else the doctor's standard `fee_cents`.

Availability: each result carries the doctor's stored first free slot (`next_slot_at`,
kept by odcp.services.next_slot_sync). "Available within N days" means a free slot before
the end of the N-th day after today in the viewer's zone (0 = today), so "today" means
the patient's today; "soonest" sorts by that slot, doctors with none last.

Only listed doctors are ever returned: every query starts from
`directory.listed_doctors_query`.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, exists, func, literal_column, or_, text
from sqlmodel import Session, col, select

from odcp.models.base import utcnow
from odcp.models.doctor import (
    ConsultationMode,
    DoctorProfile,
    DoctorSearchDocument,
    DoctorSpecialty,
    Specialty,
)
from odcp.models.user import User
from odcp.services import doctor_public, next_slot, slots
from odcp.services.accounts import LANGUAGES, validate_timezone
from odcp.services.directory import listed_doctors_query
from odcp.services.doctor_public import DoctorCardView, PublicDoctor, card_view
from odcp.services.errors import Invalid
from odcp.services.search_text import (  # noqa: F401 (text_tokens, fts5_match: bench.search)
    BM25_WEIGHTS,
    fts5_match,
    text_hits,
    text_params,
    text_tokens,
)

__all__ = ["DoctorQuery", "DoctorResult", "PublicDoctorView", "SearchPage",
           "get_public_doctor", "search_doctors"]

SORTS = ("relevance", "rating", "fee_low", "fee_high", "soonest")
DEFAULT_PAGE_SIZE = 12
MAX_PAGE_SIZE = 50
MAX_TEXT = 200
MAX_FEE = 100_000
MAX_EXPERIENCE = 70
MAX_AVAILABLE_DAYS = 365


@dataclass(frozen=True)
class DoctorQuery:
    """What a patient asked for; empty strings and None mean "any"."""

    text: str = ""
    specialty: str = ""  # slug; matches the primary or any other specialty
    language: str = ""  # code from odcp.services.accounts.LANGUAGES
    fee_min: int | None = None  # whole currency units
    fee_max: int | None = None
    min_experience: int | None = None  # years
    min_rating: float | None = None  # 0-5
    mode: str = ""  # a ConsultationMode value
    available_within: int | None = None  # days after today (0 = today) in `timezone`
    timezone: str = "UTC"  # the viewer's IANA zone, for where "today" ends
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class DoctorResult(DoctorCardView):
    """A search card and the doctor's first free slot (UTC; None: none within the
    booking horizon)."""

    next_slot_at: datetime | None = None


@dataclass(frozen=True)
class PublicDoctorView(PublicDoctor):
    """The public doctor page and the doctor's first free slot (UTC), as on the cards."""

    next_slot_at: datetime | None = None


@dataclass(frozen=True)
class SearchPage:
    results: list[DoctorResult] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    availability_days: int = 60  # how far ahead next_slot_at looks (the booking horizon)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def _validate(session: Session, q: DoctorQuery) -> int | None:
    """Check every field; return the specialty id the slug names (following a merge)."""
    if len(q.text or "") > MAX_TEXT:
        raise Invalid(f"Search text can be at most {MAX_TEXT} characters.", field="q")
    if q.language and q.language not in LANGUAGES:
        raise Invalid("Choose a language from the list.", field="language")
    if q.mode and q.mode not in {m.value for m in ConsultationMode}:
        raise Invalid("Consultation mode must be video, audio or chat.", field="mode")
    if q.sort not in SORTS:
        raise Invalid("Sort by relevance, rating, fee_low, fee_high or soonest.",
                      field="sort")
    if q.available_within is not None and not 0 <= q.available_within <= MAX_AVAILABLE_DAYS:
        raise Invalid(f"Available within must be between 0 (today) and {MAX_AVAILABLE_DAYS}"
                      " days.", field="available_within")
    validate_timezone(q.timezone)
    for name, value in (("fee_min", q.fee_min), ("fee_max", q.fee_max)):
        if value is not None and not 0 <= value <= MAX_FEE:
            raise Invalid(f"Fees must be between 0 and {MAX_FEE:,}.", field=name)
    if q.fee_min is not None and q.fee_max is not None and q.fee_min > q.fee_max:
        raise Invalid("The lowest fee is above the highest fee.", field="fee_min")
    if q.min_experience is not None and not 0 <= q.min_experience <= MAX_EXPERIENCE:
        raise Invalid(f"Experience must be between 0 and {MAX_EXPERIENCE} years.",
                      field="min_experience")
    if q.min_rating is not None and not (0 <= q.min_rating <= 5):
        raise Invalid("Minimum rating must be between 0 and 5.", field="min_rating")
    if q.page < 1:
        raise Invalid("Page numbers start at 1.", field="page")
    if not 1 <= q.page_size <= MAX_PAGE_SIZE:
        raise Invalid(f"Page size must be between 1 and {MAX_PAGE_SIZE}.", field="page_size")
    if not q.specialty:
        return None
    spec = session.exec(select(Specialty).where(Specialty.slug == q.specialty)).first()
    if spec is not None and spec.merged_into_id is not None:  # old links keep working
        spec = session.get(Specialty, spec.merged_into_id)
    if spec is None or not spec.active:
        raise Invalid("There is no such specialty; choose one from the list.",
                      field="specialty")
    return spec.id


# Statement pieces are built once per shape and cached: SQLAlchemy constructs are
# immutable, and building them costs more CPU than the database spends on a typical search.
# Values travel as bound parameters (`params` below), never inside the cached pieces.


_LIST_HAS = {  # a JSON list column on doctor_profiles holds the value bound as :<column>
    ("sqlite", "languages"): "EXISTS (SELECT 1 FROM json_each(doctor_profiles.languages) "
                             "WHERE json_each.value = :languages)",
    ("sqlite", "modes"): "EXISTS (SELECT 1 FROM json_each(doctor_profiles.modes) "
                         "WHERE json_each.value = :modes)",
    ("postgresql", "languages"): "CAST(doctor_profiles.languages AS JSONB) @> "
                                 "CAST(:languages AS JSONB)",
    ("postgresql", "modes"): "CAST(doctor_profiles.modes AS JSONB) @> CAST(:modes AS JSONB)",
}


@functools.cache
def _list_has(dialect: str, column: str):
    return text(_LIST_HAS[dialect, column])


@functools.cache
def fee_expression(dialect: str, mode: str):
    """The fee a query filters and sorts by: the mode's own fee when a mode is chosen.
    `mode` is one of ConsultationMode's values (checked by _validate), so it may be
    written into the SQL."""
    if not mode:
        return col(DoctorProfile.fee_cents)
    if mode not in {m.value for m in ConsultationMode}:
        raise Invalid("Consultation mode must be video, audio or chat.", field="mode")
    own = (f"json_extract(doctor_profiles.fees_by_mode, '$.{mode}')" if dialect == "sqlite"
           else f"CAST(CAST(doctor_profiles.fees_by_mode AS JSONB) ->> '{mode}' AS INTEGER)")
    return literal_column(f"COALESCE({own}, doctor_profiles.fee_cents)", Integer)


def available_before(q: DoctorQuery, now: datetime) -> datetime:
    """The end (UTC) of the `available_within`-th local day after today in the viewer's
    zone: "today" is the rest of the patient's today."""
    tz = ZoneInfo(q.timezone)
    last = now.astimezone(tz).date() + timedelta(days=(q.available_within or 0) + 1)
    return datetime.combine(last, time(0), tzinfo=tz).astimezone(UTC)


def _filters(dialect: str, q: DoctorQuery, specialty_id: int | None,
             params: dict, now: datetime) -> list:
    fee = fee_expression(dialect, q.mode)
    found = []
    if specialty_id is not None:
        other = exists().where(DoctorSpecialty.doctor_id == DoctorProfile.id,
                               DoctorSpecialty.specialty_id == specialty_id)
        found.append(or_(DoctorProfile.specialty_id == specialty_id, other))
    for column, value in (("languages", q.language), ("modes", q.mode)):
        if value:
            found.append(_list_has(dialect, column))
            params[column] = value if dialect == "sqlite" else json.dumps([value])
    if q.fee_min is not None:
        found.append(fee >= q.fee_min * 100)
    if q.fee_max is not None:
        found.append(fee <= q.fee_max * 100)
    if q.min_experience:
        found.append(DoctorProfile.years_experience >= q.min_experience)
    if q.min_rating:
        found.append(DoctorProfile.rating_avg >= q.min_rating)
    if q.available_within is not None:
        found.append(col(DoctorSearchDocument.next_slot_at) < available_before(q, now))
    return found


def _order(dialect: str, q: DoctorQuery, hits) -> list:
    best_rated = [col(DoctorProfile.rating_avg).desc(), col(DoctorProfile.rating_count).desc()]
    fee = fee_expression(dialect, q.mode)
    if q.sort == "fee_low":
        keys = [fee.asc(), *best_rated]
    elif q.sort == "fee_high":
        keys = [fee.desc(), *best_rated]
    elif q.sort == "soonest":
        keys = [col(DoctorSearchDocument.next_slot_at).asc().nulls_last(), *best_rated]
    elif q.sort == "relevance" and hits is not None:
        keys = [hits.c.score.desc(), *best_rated]
    else:
        keys = best_rated
    return [*keys, col(DoctorProfile.id).asc()]  # a total order, so pages never overlap


@functools.cache
def _results_query():
    """Listed doctors with every column a card needs, and the total over all pages."""
    return listed_doctors_query(
        DoctorProfile.id, User.full_name, col(Specialty.name).label("specialty"),
        DoctorProfile.languages, DoctorProfile.modes, DoctorProfile.fee_cents,
        DoctorProfile.fees_by_mode, DoctorProfile.currency, DoctorProfile.years_experience,
        DoctorProfile.rating_avg, DoctorProfile.rating_count, DoctorProfile.photo_path,
        DoctorProfile.bio, DoctorSearchDocument.next_slot_at,
        func.count().over().label("total"),
    ).outerjoin(DoctorSearchDocument, col(DoctorSearchDocument.doctor_id) == DoctorProfile.id)


def search_doctors(session: Session, *, query: DoctorQuery,
                   now: datetime | None = None) -> SearchPage:
    """One page of listed doctors matching `query`, and how many match in all."""
    specialty_id = _validate(session, query)
    dialect = session.get_bind().dialect.name
    tokens = text_tokens(query.text)
    params: dict = text_params(dialect, tokens) if tokens else {}
    hits = text_hits(dialect, len(tokens)) if tokens else None
    stmt = _results_query()
    if hits is not None:
        stmt = stmt.join(hits, hits.c.doctor_id == DoctorProfile.id)
    conditions = _filters(dialect, query, specialty_id, params, now or utcnow())
    if conditions:
        stmt = stmt.where(and_(*conditions))
    stmt = (stmt.order_by(*_order(dialect, query, hits))
            .offset((query.page - 1) * query.page_size).limit(query.page_size))
    rows = session.exec(stmt, params=params).all()
    if rows:
        total = rows[0].total
    elif query.page > 1:  # past the last page: still say how many there are
        total = session.exec(select(func.count()).select_from(
            stmt.limit(None).offset(None).order_by(None).subquery()), params=params).one()
    else:
        total = 0
    results = [DoctorResult(**vars(card_view(row, mode=query.mode)),
                            next_slot_at=row.next_slot_at) for row in rows]
    return SearchPage(results=results, total=total, page=query.page,
                      page_size=query.page_size,
                      availability_days=slots.policy(session).booking_horizon_days)


def get_public_doctor(session: Session, *, doctor_id: int) -> PublicDoctorView:
    """A listed doctor's public page (NotFound for anyone else) with the next free slot."""
    doctor = doctor_public.get_public_doctor(session, doctor_id=doctor_id)
    return PublicDoctorView(**vars(doctor),
                            next_slot_at=next_slot.stored(session, [doctor_id])[doctor_id])
