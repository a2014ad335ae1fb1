"""Is the service usable: database reachable and schema at the expected revision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from odcp.services import migrations


@dataclass(frozen=True)
class Health:
    database: str
    revision: str | None
    head: str | None

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.revision == self.head


def check(engine: Engine) -> Health:
    """Probe the DB with one round trip (reading the revision proves it answers)."""
    head = migrations.head_revision()
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        try:  # reachable but never migrated?
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return Health(database="unreachable", revision=None, head=head)
        revision = None
    return Health(database="ok", revision=revision, head=head)
