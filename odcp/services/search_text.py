"""Full-text matching for doctor search: patient words to a safe FTS5 / tsquery match.

Text: patient input never reaches FTS5 MATCH or to_tsquery as typed. `text_tokens` keeps
only runs of letters and digits, so operators in the input ("OR", "NEAR(", "*", quotes,
backslashes, colons) become plain words or vanish; each token is then quoted, and the last
one matches as a prefix so the list follows the patient while they type ("cardi" finds
cardiologists). Relevance is bm25 with column weights on SQLite (name 10, specialties and
conditions 4, bio 1) and ts_rank over the weighted tsvector on PostgreSQL (name A,
specialties and conditions B, bio C); without text, relevance means best rated first.
"""

from __future__ import annotations

import functools
import re

from sqlalchemy import String, bindparam, func, literal_column, table, text, true
from sqlalchemy import column as sa_column
from sqlmodel import select

MAX_TOKENS = 8
# bm25 column weights, in doctor_fts column order: name, specialties, conditions, bio.
BM25_WEIGHTS = (10.0, 4.0, 4.0, 1.0)

_TOKEN = re.compile(r"[^\W_]+")
_FTS = table("doctor_fts", sa_column("rowid"))
_DOCS = table("doctor_search_documents", sa_column("doctor_id"), sa_column("search_vector"))


def text_tokens(raw: str) -> list[str]:
    """Letters-and-digits words of `raw`, lower-cased, at most MAX_TOKENS of them."""
    return [t.lower() for t in _TOKEN.findall(raw or "")][:MAX_TOKENS]


def fts5_match(tokens: list[str]) -> str:
    """An FTS5 query: every token quoted (so it is never an operator), the last a prefix."""
    quoted = [f'"{t}"' for t in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


# Built once per shape and cached (see odcp.services.search); the values travel as bound
# parameters from `text_params`, never inside the cached statement.
@functools.cache
def text_hits(dialect: str, token_count: int):
    """A subquery (doctor_id, score) of documents matching every token; higher is better.
    Its parameters come from `text_params`."""
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


def text_params(dialect: str, tokens: list[str]) -> dict[str, str]:
    if dialect == "sqlite":
        return {"fts_query": fts5_match(tokens)}
    return {f"term_{i}": f"'{t}'" + (":*" if i == len(tokens) - 1 else "")
            for i, t in enumerate(tokens)}
