"""Doctor search over 10,000 generated doctors: p95 of text-plus-filter queries through
`search.search_doctors` against the same query as hand-written SQL run on the raw driver.

Why that baseline: the database's own cost (FTS5 / tsvector matching, ranking, filters,
sorting) is the floor; the ratio shows what the service adds on top (validation, the
specialty look-up, SQLAlchemy, building result cards). Every query's doctor ids must be
the same both ways, so the baseline cannot drift from what the service does.

Runs on a temporary SQLite file, and on a throwaway PostgreSQL database (created and
dropped here) when ODCP_TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/test
answers. Usage: `.venv/bin/python -m bench.search` from the repository root.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time

DOCTORS = 10_000
QUERIES = 200

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("ODCP_INSTANCE_DIR", tempfile.mkdtemp(prefix="odcp-bench-search-"))
os.environ.setdefault("ODCP_ENV", "development")

from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench._search_data import populate, queries  # noqa: E402
from bench.common import bench_line, percentile, run_on_databases  # noqa: E402
from odcp.services import migrations, search  # noqa: E402
from odcp.services.search import DoctorQuery  # noqa: E402

LISTED = ("p.verification_status = 'verified' AND u.status = 'active' AND u.role = 'doctor' "
          "AND s.active")


def bare_sql(dialect: str, q: DoctorQuery) -> tuple[str, dict]:
    """The service's query for `q`, written by hand (named :params)."""
    params: dict = {"limit": q.page_size, "offset": (q.page - 1) * q.page_size}
    tokens = search.text_tokens(q.text)
    fee = "p.fee_cents"
    if q.mode:
        params["mode"] = q.mode
        fee = ("COALESCE(json_extract(p.fees_by_mode, '$.' || :mode), p.fee_cents)"
               if dialect == "sqlite" else
               "COALESCE(CAST(CAST(p.fees_by_mode AS JSONB) ->> :mode AS INTEGER), p.fee_cents)")
    where = [LISTED]
    if dialect == "sqlite":
        params["match"] = search.fts5_match(tokens)
        weights = ", ".join(str(w) for w in search.BM25_WEIGHTS)
        hits = (f"SELECT rowid AS doctor_id, -bm25(doctor_fts, {weights}) AS score "  # noqa: S608
                "FROM doctor_fts WHERE doctor_fts MATCH :match")
        has = "EXISTS (SELECT 1 FROM json_each(p.{col}) WHERE value = :{col})"
    else:
        parts = []
        for i, token in enumerate(tokens):
            params[f"t{i}"] = f"'{token}'" + (":*" if i == len(tokens) - 1 else "")
            parts.append(f"(to_tsquery('simple', :t{i}) || to_tsquery('english', :t{i}))")
        tsq = " && ".join(parts)
        hits = ("SELECT doctor_id, ts_rank(search_vector, q.query) AS score "  # noqa: S608
                f"FROM doctor_search_documents JOIN (SELECT {tsq} AS query) q ON true "
                "WHERE search_vector @@ q.query")
        has = "CAST(p.{col} AS JSONB) @> CAST(:{col} AS JSONB)"
    if q.specialty:
        params["slug"] = q.specialty
        where.append("(p.specialty_id = (SELECT id FROM specialties WHERE slug = :slug) OR "
                     "EXISTS (SELECT 1 FROM doctor_specialties ds WHERE ds.doctor_id = p.id "
                     "AND ds.specialty_id = (SELECT id FROM specialties WHERE slug = :slug)))")
    for col_name, value in (("languages", q.language), ("modes", q.mode)):
        if value:
            params[col_name] = value if dialect == "sqlite" else f'["{value}"]'
            where.append(has.format(col=col_name))
    for clause, name, value in ((f"{fee} >= :fee_min", "fee_min", q.fee_min),
                                (f"{fee} <= :fee_max", "fee_max", q.fee_max),
                                ("p.years_experience >= :exp", "exp", q.min_experience),
                                ("p.rating_avg >= :rating", "rating", q.min_rating)):
        if value:
            params[name] = value * 100 if name.startswith("fee") else value
            where.append(clause)
    order = {"fee_low": f"{fee} ASC, ", "fee_high": f"{fee} DESC, ",
             "relevance": "h.score DESC, ", "rating": ""}[q.sort]
    # Only fixed fragments are joined here; every value is a bound parameter.
    sql = (f"SELECT p.id, u.full_name, s.name, p.languages, p.modes, p.fee_cents, "  # noqa: S608
           f"p.fees_by_mode, p.currency, p.years_experience, p.rating_avg, p.rating_count, "
           f"p.photo_path, p.bio, count(*) OVER () AS total "
           f"FROM doctor_profiles p JOIN users u ON u.id = p.user_id "
           f"JOIN specialties s ON s.id = p.specialty_id JOIN ({hits}) h "
           f"ON h.doctor_id = p.id WHERE {' AND '.join(where)} "
           f"ORDER BY {order}p.rating_avg DESC, p.rating_count DESC, p.id "
           f"LIMIT :limit OFFSET :offset")
    if dialect != "sqlite":
        sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql.replace("%", "%%"))
    return sql, params


def _measure(engine: Engine, name: str) -> None:
    """Run every query both ways twice: the first pass warms caches (SQLAlchemy's compiled
    statements, SQLite's prepared statements, the page cache) as a running server's
    would be; the second is timed."""
    dialect = engine.dialect.name
    work = [(q, *bare_sql(dialect, q)) for q in queries(QUERIES)]
    service_ms, sql_ms = [], []
    raw = engine.raw_connection()  # the driver's own connection: no SQLAlchemy at all
    try:
        for timed in (False, True):
            for q, sql, params in work:
                t0 = time.perf_counter()
                with Session(engine) as session:
                    found = search.search_doctors(session, query=q)
                t1 = time.perf_counter()
                cursor = raw.cursor()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                cursor.close()
                raw.commit()
                t2 = time.perf_counter()
                if [r.doctor_id for r in found.results] != [row[0] for row in rows]:
                    raise RuntimeError(f"service and SQL disagree on {q}")
                if timed:
                    service_ms.append((t1 - t0) * 1000)
                    sql_ms.append((t2 - t1) * 1000)
    finally:
        raw.close()
    p95, sql_p95 = percentile(service_ms, 95), percentile(sql_ms, 95)
    bench_line("search", db=name, doctors=DOCTORS, p95_ms=f"{p95:.2f}",
               sql_p95_ms=f"{sql_p95:.2f}", ratio=f"{p95 / sql_p95:.2f}", queries=QUERIES,
               p50_ms=f"{percentile(service_ms, 50):.2f}",
               sql_p50_ms=f"{percentile(sql_ms, 50):.2f}")


def _run(engine: Engine, name: str) -> None:
    migrations.upgrade(engine)
    started = time.perf_counter()
    populate(engine, DOCTORS)
    print(f"{name}: {DOCTORS} doctors generated in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    _measure(engine, name)


def main() -> int:
    run_on_databases(_run, "search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
