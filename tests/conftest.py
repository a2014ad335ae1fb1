"""Shared fixtures: a real database (SQLite always, PostgreSQL when ODCP_TEST_DATABASE_URL
is set), migrated once per session and emptied before each test, and test personas."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

os.environ.setdefault("ODCP_INSTANCE_DIR", tempfile.mkdtemp(prefix="odcp-test-"))
os.environ["ODCP_ENV"] = "test"
os.environ.pop("DATABASE_URL", None)

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

from odcp import db
from odcp.models.user import AccountStatus, Role, User
from odcp.services import migrations
from odcp.services.accounts import build_user
from odcp.services.actor import Actor
from odcp.services.passwords import hash_password
from odcp.settings import _normalize_db_url

PG_URL = os.environ.get("ODCP_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
PASSWORD = "correct horse battery staple"


def _fresh_pg_database() -> tuple[str, Engine]:
    """A throwaway database next to the CI one, so tests never touch real data."""
    admin_url = _normalize_db_url(PG_URL)
    name = f"odcp_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, db.make_engine(admin_url.rsplit("/", 1)[0] + "/" + name)


def _drop_pg_database(name: str) -> None:
    admin = create_engine(_normalize_db_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """One migrated database per backend for the whole session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        engine = db.make_engine(f"sqlite:///{path}")
        migrations.upgrade(engine)
        yield engine
        engine.dispose()
        return
    name, engine = _fresh_pg_database()
    migrations.upgrade(engine)
    yield engine
    engine.dispose()
    _drop_pg_database(name)


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The session's database, emptied, and set as the process engine."""
    _empty(migrated_engine)
    db.use_engine(migrated_engine)
    yield migrated_engine
    db.use_engine(None)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class Personas:
    """Patient A and C, doctor B (treats A) and D (does not), an admin."""

    patient_a: User
    patient_c: User
    doctor_b: User
    doctor_d: User
    admin: User

    def actor(self, user: User) -> Actor:
        return Actor(user=user, ip="127.0.0.1", user_agent="pytest")


@pytest.fixture
def personas(session: Session, password_hash: str) -> Personas:
    def make(name: str, role: Role) -> User:
        return build_user(session, email=f"{name.lower().replace(' ', '.')}@test.example",
                          password="", full_name=name, role=role,
                          status=AccountStatus.ACTIVE, password_hash=password_hash)

    people = Personas(
        patient_a=make("Patient A", Role.PATIENT), patient_c=make("Patient C", Role.PATIENT),
        doctor_b=make("Doctor B", Role.DOCTOR), doctor_d=make("Doctor D", Role.DOCTOR),
        admin=make("Admin E", Role.ADMIN),
    )
    session.commit()
    return people
