"""Doctor discovery: full-text search with filters, sorting and paging.

Text: patient input never reaches FTS5 MATCH or to_tsquery as typed. `text_tokens` keeps
only runs of letters and digits, so operators in the input ("OR", "NEAR(", "*", quotes,
backslashes, colons) become plain words or vanish; each token is then quoted, and the last
one matches as a prefix so the list follows the patient while they type ("cardi" finds
cardiologists). Relevance is bm25 with column weights on SQLite (name 10, specialties and
conditions 4, bio 1) and ts_rank over the weighted tsvector on PostgreSQL (name A,
specialties and conditions B, bio C); without text, relevance means best rated first.

Fees: `fee_min`/`fee_max` are whole units of the doctor's currency (50 means 50.00), as a
patient types them; results carry cents. With a consultation mode chosen, fee filters and
fee sorting use that mode's fee (`fees_by_mode`), else the doctor's standard `fee_cents`.

Only listed doctors are ever returned: every query starts from
`directory.listed_doctors_query`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    table,
    text,
    true,
)
from sqlalchemy import column as sa_column
from sqlmodel import Session, col, select

from odcp.models.doctor import ConsultationMode, DoctorProfile, DoctorSpecialty, Specialty
from odcp.models.user import User
from odcp.services.accounts import LANGUAGES
from odcp.services.directory import listed_doctors_query
from odcp.services.doctor_public import DoctorCardView, card_view, get_public_doctor
from odcp.services.errors import Invalid

__all__ = ["DoctorQuery", "SearchPage", "get_public_doctor", "search_doctors"]

SORTS = ("relevance", "rating", "fee_low", "fee_high")
DEFAULT_PAGE_SIZE = 12
MAX_PAGE_SIZE = 50
MAX_TEXT = 200
MAX_TOKENS = 8
MAX_FEE = 100_000
MAX_EXPERIENCE = 70
# bm25 column weights, in doctor_fts column order: name, specialties, conditions, bio.
BM25_WEIGHTS = (10.0, 4.0, 4.0, 1.0)

_TOKEN = re.compile(r"[^\W_]+")
_FTS = table("doctor_fts", sa_column("rowid"))
_DOCS = table("doctor_search_documents", sa_column("doctor_id"), sa_column("search_vector"))


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
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class SearchPage:
    results: list[DoctorCardView] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def text_tokens(raw: str) -> list[str]:
    """Letters-and-digits words of `raw`, lower-cased, at most MAX_TOKENS of them."""
    return [t.lower() for t in _TOKEN.findall(raw or "")][:MAX_TOKENS]


def fts5_match(tokens: list[str]) -> str:
    """An FTS5 query: every token quoted (so it is never an operator), the last a prefix."""
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def _validate(session: Session, q: DoctorQuery) -> int | None:
    """Check every field; return the specialty id the slug names (following a merge)."""
    if len(q.text or "") > MAX_TEXT:
        raise Invalid(f"Search text can be at most {MAX_TEXT} characters.", field="q")
    if q.language and q.language not in LANGUAGES:
        raise Invalid("Choose a language from the list.", field="language")
    if q.mode and q.mode not in {m.value for m in ConsultationMode}:
        raise Invalid("Consultation mode must be video, audio or chat.", field="mode")
    if q.sort not in SORTS:
        raise Invalid("Sort by relevance, rating, fee_low or fee_high.", field="sort")
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


@functools.cache
def _text_hits(dialect: str, token_count: int):
    """A subquery (doctor_id, score) of documents matching every token; higher is better.
    Its parameters come from `_text_params`."""
    if dialect == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        score = literal_column(f"-bm25(doctor_fts, {weights})")
        return (select(_FTS.c.rowid.label("doctor_id"), score.label("score"))
                .select_from(_FTS).where(text("doctor_fts MATCH :fts_query"))
                .subquery("hits"))
    tsquery = None
    for i in range(token_count):
        # name/specialties/conditions are indexed with 'simple', bio with 'english'.
        term = bindparam(f"term_{i}", type_=String)
        either = func.to_tsquery("simple", term).op("||")(func.to_tsquery("english", term))
        tsquery = either if tsquery is None else tsquery.op("&&")(either)
    # The query in a one-row subquery is computed once, not once per matching row.
    query = select(tsquery.label("query")).subquery("q")
    vector = _DOCS.c.search_vector
    return (select(_DOCS.c.doctor_id, func.ts_rank(vector, query.c.query).label("score"))
            .select_from(_DOCS).join(query, true())
            .where(vector.op("@@")(query.c.query))
            .subquery("hits"))


def _text_params(dialect: str, tokens: list[str]) -> dict[str, str]:
    if dialect == "sqlite":
        return {"fts_query": fts5_match(tokens)}
    return {f"term_{i}": f"'{t}'" + (":*" if i == len(tokens) - 1 else "")
            for i, t in enumerate(tokens)}


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


def _filters(dialect: str, q: DoctorQuery, specialty_id: int | None,
             params: dict) -> list:
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
    return found


def _order(dialect: str, q: DoctorQuery, hits) -> list:
    best_rated = [col(DoctorProfile.rating_avg).desc(), col(DoctorProfile.rating_count).desc()]
    fee = fee_expression(dialect, q.mode)
    if q.sort == "fee_low":
        keys = [fee.asc(), *best_rated]
    elif q.sort == "fee_high":
        keys = [fee.desc(), *best_rated]
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
        DoctorProfile.bio, func.count().over().label("total"))


def search_doctors(session: Session, *, query: DoctorQuery) -> SearchPage:
    """One page of listed doctors matching `query`, and how many match in all."""
    specialty_id = _validate(session, query)
    dialect = session.get_bind().dialect.name
    tokens = text_tokens(query.text)
    params: dict = _text_params(dialect, tokens) if tokens else {}
    hits = _text_hits(dialect, len(tokens)) if tokens else None
    stmt = _results_query()
    if hits is not None:
        stmt = stmt.join(hits, hits.c.doctor_id == DoctorProfile.id)
    conditions = _filters(dialect, query, specialty_id, params)
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
    return SearchPage(results=[card_view(row, mode=query.mode) for row in rows],
                      total=total, page=query.page, page_size=query.page_size)
