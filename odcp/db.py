"""Engine and sessions. One engine per process; SQLite is tuned for concurrent readers.

Why the SQLite pragmas: WAL lets pages read while a booking writes, `busy_timeout` makes a
second writer wait instead of failing at once, and foreign keys are off by default there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from odcp.settings import get_settings


def make_engine(url: str) -> Engine:
    """Create an engine for `url` with the project's connection settings."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_override: Engine | None = None


@lru_cache(maxsize=1)
def _configured_engine() -> Engine:
    return make_engine(get_settings().database_url)


def get_engine() -> Engine:
    """The process-wide engine for the configured database (or the one `use_engine` set)."""
    return _override if _override is not None else _configured_engine()


def use_engine(engine: Engine | None) -> None:
    """Point the process at another engine (tests, benchmarks); None restores settings'."""
    global _override
    _override = engine


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
