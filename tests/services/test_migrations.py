"""Migrations upgrade to head and downgrade to base, on every backend under test."""

from sqlalchemy import inspect

from odcp.services import migrations


def test_upgrade_downgrade_upgrade(migrated_engine):
    engine = migrated_engine
    assert migrations.current_revision(engine) == migrations.head_revision()
    migrations.downgrade(engine, "base")
    assert migrations.current_revision(engine) is None
    assert "users" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert {"users", "audit_entries", "doctor_profiles"} <= set(inspect(engine).get_table_names())
