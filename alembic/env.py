"""Alembic environment on SQLModel.metadata.

The database is the one in settings unless the caller passes a connection (tests and
`odcp.services.migrations` do) or sets `sqlalchemy.url` on the config.
"""

from alembic import context
from sqlmodel import SQLModel

import odcp.models  # noqa: F401  (registers every table)

config = context.config
target_metadata = SQLModel.metadata

# Hand-written search structures (migration 0003) that the models do not declare.
_UNMODELLED = ("doctor_fts", "search_vector", "ix_doctor_search_vector")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and compare_to is None and name and name.startswith(_UNMODELLED))


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from odcp.settings import get_settings

    return get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from odcp.db import make_engine

    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
