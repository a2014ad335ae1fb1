"""Migrations upgrade to head and downgrade to base, on every backend under test."""

from sqlalchemy import inspect
from sqlmodel import Session

from odcp.services import migrations
from odcp.services.seed import seed_demo_clinic


def test_upgrade_downgrade_upgrade(migrated_engine):
    """With data in place (a seeded clinic), as a real deployment would have."""
    engine = migrated_engine
    with Session(engine) as session:
        seed_demo_clinic(session)
        session.commit()
    assert migrations.current_revision(engine) == migrations.head_revision()
    migrations.downgrade(engine, "base")
    assert migrations.current_revision(engine) is None
    assert "users" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert {"users", "audit_entries", "doctor_profiles"} <= set(inspect(engine).get_table_names())
