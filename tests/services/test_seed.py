"""The demo clinic: what the issue promises, and seeding twice changes nothing."""

from sqlalchemy import func
from sqlmodel import select

from odcp.models import AuditEntry, AvailabilityRule, DoctorProfile, Role, Specialty, User
from odcp.services import directory
from odcp.services.seed import seed_demo_clinic


def _counts(session):
    return tuple(session.exec(select(func.count()).select_from(m)).one()
                 for m in (User, Specialty, DoctorProfile, AvailabilityRule, AuditEntry))


def test_demo_clinic_has_what_was_promised(session):
    logins = seed_demo_clinic(session)
    session.commit()
    roles = [login.role for login in logins]
    assert roles.count("doctor") >= 8 and roles.count("patient") >= 3 and "admin" in roles
    assert len(directory.active_specialties(session)) >= 4
    listed = directory.listed_doctors(session)
    assert len(listed) >= 8
    assert len({d.timezone for d in listed}) >= 2
    rules = session.exec(select(AvailabilityRule)).all()
    assert {r.doctor_id for r in rules} == {d.doctor_id for d in listed}
    admins = session.exec(select(User).where(User.role == Role.ADMIN)).all()
    assert len(admins) == 1


def test_seeding_twice_changes_nothing(session):
    seed_demo_clinic(session)
    session.commit()
    before = _counts(session)
    seed_demo_clinic(session)
    session.commit()
    assert _counts(session) == before
