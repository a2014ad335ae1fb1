"""Specialties managed by admins: unique names and slugs, rename, deactivate, and merging
A into B (doctors moved without duplicates, search documents rewritten)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.doctor import DoctorProfile, DoctorSearchDocument, DoctorSpecialty
from odcp.models.user import AccountStatus, Role
from odcp.services import specialties
from odcp.services.accounts import build_user
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid, NotAuthenticated
from odcp.services.search_index import index_doctor


def _admin(personas):
    return Actor(user=personas.admin, ip="127.0.0.1")


def _doctor(session, user, primary, others=()):
    profile = DoctorProfile(user_id=user.id, specialty_id=primary.id if primary else None,
                            verification_status="verified", bio="bio")
    session.add(profile)
    session.flush()
    for spec in others:
        session.add(DoctorSpecialty(doctor_id=profile.id, specialty_id=spec.id))
    session.flush()
    index_doctor(session, doctor_id=profile.id)
    return profile


def _others(session, profile):
    return sorted(session.exec(select(DoctorSpecialty.specialty_id)
                               .where(DoctorSpecialty.doctor_id == profile.id)).all())


def test_create_gives_a_unique_name_and_slug(session, personas):
    admin = _admin(personas)
    spec = specialties.create(session, actor=admin, name="  Ear,  Nose & Throat ",
                              description="ENT")
    assert (spec.name, spec.slug, spec.active) == ("Ear, Nose & Throat", "ear-nose-throat", True)
    with pytest.raises(Conflict, match="already exists"):
        specialties.create(session, actor=admin, name="ear, nose & throat")
    with pytest.raises(Conflict, match="web address"):
        specialties.create(session, actor=admin, name="Ear Nose Throat")
    with pytest.raises(Invalid, match="2 to 80"):
        specialties.create(session, actor=admin, name="x")
    assert session.exec(select(AuditEntry).where(
        AuditEntry.action == "specialty.create")).one().target_id == str(spec.id)


@pytest.mark.parametrize("who", ["patient_a", "doctor_b", "anonymous"])
def test_only_admins_manage_specialties(session, personas, who):
    actor = Actor() if who == "anonymous" else Actor(user=getattr(personas, who))
    error = NotAuthenticated if who == "anonymous" else Forbidden
    spec = specialties.create(session, actor=_admin(personas), name="Oncology")
    for call in (lambda: specialties.create(session, actor=actor, name="Other"),
                 lambda: specialties.update(session, actor=actor, specialty_id=spec.id,
                                            name="Cancer care"),
                 lambda: specialties.deactivate(session, actor=actor, specialty_id=spec.id),
                 lambda: specialties.list_all(session, actor=actor)):
        with pytest.raises(error):
            call()


def test_rename_changes_the_slug_and_reindexes_its_doctors(session, personas):
    admin = _admin(personas)
    heart = specialties.create(session, actor=admin, name="Heart")
    skin = specialties.create(session, actor=admin, name="Skin")
    b = _doctor(session, personas.doctor_b, heart)
    d = _doctor(session, personas.doctor_d, skin, others=[heart])
    specialties.update(session, actor=admin, specialty_id=heart.id, name="Cardiology",
                       description="Heart and vessels")
    session.commit()
    assert (heart.slug, heart.description) == ("cardiology", "Heart and vessels")
    for profile in (b, d):
        assert "Cardiology" in session.get(DoctorSearchDocument, profile.id).specialties


def test_deactivated_specialties_are_not_offered_and_busy_ones_must_be_merged(session,
                                                                             personas):
    admin = _admin(personas)
    heart = specialties.create(session, actor=admin, name="Heart")
    spare = specialties.create(session, actor=admin, name="Spare")
    _doctor(session, personas.doctor_b, heart)
    with pytest.raises(Conflict, match="merge it"):
        specialties.deactivate(session, actor=admin, specialty_id=heart.id)
    specialties.deactivate(session, actor=admin, specialty_id=spare.id)
    assert [s.name for s in specialties.active(session)] == ["Heart"]
    with pytest.raises(Conflict, match="already inactive"):
        specialties.deactivate(session, actor=admin, specialty_id=spare.id)
    specialties.reactivate(session, actor=admin, specialty_id=spare.id)
    assert [s.name for s in specialties.active(session)] == ["Heart", "Spare"]


def test_merge_moves_doctors_without_duplicates_and_reindexes(session, personas,
                                                             password_hash):
    def doctor_user(name):
        return build_user(session, email=f"{name}@test.example", password="",
                          full_name=f"Dr. {name}", role=Role.DOCTOR,
                          status=AccountStatus.ACTIVE, password_hash=password_hash)

    admin = _admin(personas)
    a = specialties.create(session, actor=admin, name="Skin care")
    b = specialties.create(session, actor=admin, name="Dermatology")
    c = specialties.create(session, actor=admin, name="Allergy")
    old = specialties.create(session, actor=admin, name="Old skin")
    specialties.merge(session, actor=admin, source_id=old.id, target_id=a.id)
    d1 = _doctor(session, personas.doctor_b, a, others=[b, c])  # A main, B other
    d2 = _doctor(session, personas.doctor_d, b, others=[a])  # B main, A other
    d3 = _doctor(session, doctor_user("third"), c, others=[a])  # A other only
    d4 = _doctor(session, doctor_user("fourth"), c, others=[a, b])  # A and B others
    session.commit()

    target = specialties.merge(session, actor=admin, source_id=a.id, target_id=b.id)
    session.commit()
    assert target.id == b.id
    assert (a.active, a.merged_into_id) == (False, b.id)
    assert old.merged_into_id == b.id  # earlier merges follow along
    assert d1.specialty_id == b.id and _others(session, d1) == [c.id]
    assert d2.specialty_id == b.id and _others(session, d2) == []
    assert _others(session, d3) == [b.id]
    assert _others(session, d4) == [b.id]
    assert session.exec(select(DoctorSpecialty).where(
        DoctorSpecialty.specialty_id == a.id)).all() == []
    for profile in (d1, d2, d3, d4):
        document = session.get(DoctorSearchDocument, profile.id)
        assert "Dermatology" in document.specialties and "Skin care" not in document.specialties
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "specialty.merge")
                         .order_by(AuditEntry.id.desc())).first()
    assert entry.detail["doctors_moved"] == 4 and entry.detail["into"] == b.id


def test_merge_refuses_nonsense(session, personas):
    admin = _admin(personas)
    a = specialties.create(session, actor=admin, name="Alpha")
    b = specialties.create(session, actor=admin, name="Beta")
    with pytest.raises(Invalid, match="two different"):
        specialties.merge(session, actor=admin, source_id=a.id, target_id=a.id)
    specialties.deactivate(session, actor=admin, specialty_id=b.id)
    with pytest.raises(Conflict, match="inactive"):
        specialties.merge(session, actor=admin, source_id=a.id, target_id=b.id)
