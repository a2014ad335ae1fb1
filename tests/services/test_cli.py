"""`python -m odcp`: what an operator types on a fresh machine, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from odcp import db
from odcp.models.audit import AuditEntry
from odcp.models.user import Role, User
from odcp.services import migrations
from odcp.services.passwords import verify_password
from odcp.services.seed import DEMO_PASSWORD

PROJECT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "a long admin passphrase 2026"


def _env(instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODCP_", "STRIPE_"))}
    env |= {"ODCP_ENV": "development", "ODCP_INSTANCE_DIR": str(instance),
            # Empty, so a developer's .env cannot point the test at another database.
            "DATABASE_URL": "", "PYTHONPATH": str(PROJECT)}
    return env | extra


def odcp(instance: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "odcp", *args], cwd=PROJECT,
                          env=_env(instance, **env), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False)


def _users(instance: Path) -> list[User]:
    engine = db.make_engine(f"sqlite:///{instance / 'odcp.db'}")
    try:
        with Session(engine) as session:
            return list(session.exec(select(User)).all())
    finally:
        engine.dispose()


def test_fresh_install_check_migrate_seed_check(tmp_path):
    before = odcp(tmp_path, "check")
    assert before.returncode == 1
    assert "python -m odcp migrate" in before.stderr
    assert "Traceback" not in before.stderr

    migrated = odcp(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrations.head_revision() in migrated.stdout
    assert (tmp_path / "odcp.db").exists()

    again = odcp(tmp_path, "migrate")
    assert again.returncode == 0, again.stderr

    seeded = odcp(tmp_path, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "admin@clinic.example" in seeded.stdout
    assert "alice@patients.example" in seeded.stdout
    assert DEMO_PASSWORD in seeded.stdout
    users = _users(tmp_path)
    admin = next(u for u in users if u.email == "admin@clinic.example")
    assert verify_password(DEMO_PASSWORD, admin.password_hash)

    after = odcp(tmp_path, "check")
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("ok:")
    assert "database=sqlite" in after.stdout and migrations.head_revision() in after.stdout


def test_create_admin(tmp_path):
    assert odcp(tmp_path, "migrate").returncode == 0
    created = odcp(tmp_path, "create-admin", "--email", "Boss@Clinic.Example", "--name",
                   "Head Admin", ODCP_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert created.returncode == 0, created.stderr
    assert "boss@clinic.example" in created.stdout
    assert ADMIN_PASSWORD not in created.stdout + created.stderr

    [admin] = _users(tmp_path)
    assert admin.email == "boss@clinic.example" and admin.full_name == "Head Admin"
    assert admin.role == Role.ADMIN
    assert verify_password(ADMIN_PASSWORD, admin.password_hash)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'odcp.db'}")
    with Session(engine) as session:
        [entry] = session.exec(select(AuditEntry).where(
            AuditEntry.action == "account.create_admin")).all()
        assert entry.actor_role == "system" and entry.subject_user_id == admin.id
    engine.dispose()

    twice = odcp(tmp_path, "create-admin", "--email", "boss@clinic.example", "--name",
                 "Someone Else", ODCP_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert twice.returncode == 1
    assert "already exists" in twice.stderr
    assert "Traceback" not in twice.stderr
    assert len(_users(tmp_path)) == 1


def test_create_super_admin(tmp_path):
    assert odcp(tmp_path, "migrate").returncode == 0
    created = odcp(tmp_path, "create-admin", "--email", "root@clinic.example", "--name",
                   "Root Admin", "--super-admin", ODCP_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert created.returncode == 0, created.stderr
    assert [u.role for u in _users(tmp_path)] == [Role.SUPER_ADMIN]


def test_create_admin_without_a_password_source_refuses(tmp_path):
    assert odcp(tmp_path, "migrate").returncode == 0
    result = odcp(tmp_path, "create-admin", "--email", "x@clinic.example", "--name", "Y Admin")
    assert result.returncode == 1
    assert "ODCP_ADMIN_PASSWORD" in result.stderr
    assert _users(tmp_path) == []


@pytest.mark.parametrize("password, words", [("short", "8 to 128"),
                                             ("x" * 129, "8 to 128")])
def test_create_admin_with_a_bad_password_says_why(tmp_path, password, words):
    assert odcp(tmp_path, "migrate").returncode == 0
    result = odcp(tmp_path, "create-admin", "--email", "x@clinic.example", "--name", "Y Admin",
                  ODCP_ADMIN_PASSWORD=password)
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr
    assert _users(tmp_path) == []


def test_create_admin_with_a_bad_email_says_why(tmp_path):
    assert odcp(tmp_path, "migrate").returncode == 0
    result = odcp(tmp_path, "create-admin", "--email", "not-an-email", "--name", "Y Admin",
                  ODCP_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert result.returncode == 1
    assert "valid email" in result.stderr


def test_openapi_prints_the_document(tmp_path):
    result = odcp(tmp_path, "openapi")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert "/api/v1/health" in document["paths"]
    assert document["info"]["title"] == "ODCP API"


def test_production_check_without_secrets_names_the_variable(tmp_path):
    result = odcp(tmp_path, "check", ODCP_ENV="production")
    assert result.returncode == 1
    assert "ODCP_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secrets").exists(), "production must not generate secrets"


def test_production_check_with_a_default_secret_is_refused(tmp_path):
    result = odcp(tmp_path, "check", ODCP_ENV="production", ODCP_SECRET_KEY="changeme")
    assert result.returncode == 1
    assert "ODCP_SECRET_KEY" in result.stderr


def test_unknown_command_is_a_usage_error(tmp_path):
    result = odcp(tmp_path, "frobnicate")
    assert result.returncode == 2
    assert "usage:" in result.stderr
