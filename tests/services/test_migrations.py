"""Migrations upgrade to head and downgrade to base, on every backend under test."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text
from sqlmodel import Session, select

from odcp.models import Appointment, AppointmentStatus, DoctorProfile, Role, User
from odcp.services import appointments, migrations
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


def test_follow_up_notes_are_sealed_by_0013_and_opened_by_its_downgrade(migrated_engine):
    """A deployment from before 0013 keeps its notes: encrypted in place on upgrade (the raw
    column holds no plaintext), decrypted back on downgrade."""
    engine = migrated_engine
    with Session(engine) as session:
        seed_demo_clinic(session)
        session.commit()
        patient = session.exec(select(User).where(User.role == Role.PATIENT)).first()
        doctor = session.exec(select(DoctorProfile)).first()
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        appt = Appointment(patient_id=patient.id, doctor_id=doctor.id, mode="video",
                           starts_at=start, ends_at=start + timedelta(minutes=30),
                           status=AppointmentStatus.COMPLETED)
        session.add(appt)
        session.commit()
        appt_id = appt.id
    migrations.downgrade(engine, "0012")
    with engine.begin() as conn:
        conn.execute(text("UPDATE appointments SET follow_up_note = 'Recheck BP' "
                          "WHERE id = :id"), {"id": appt_id})
    migrations.upgrade(engine)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT follow_up_note_enc FROM appointments WHERE id = :id"),
                           {"id": appt_id}).scalar_one()
    assert raw and "Recheck" not in raw
    with Session(engine) as session:
        assert appointments.follow_up_note(session.get(Appointment, appt_id)) == "Recheck BP"
    migrations.downgrade(engine, "0012")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT follow_up_note FROM appointments WHERE id = :id"),
                            {"id": appt_id}).scalar_one() == "Recheck BP"
    migrations.upgrade(engine)
