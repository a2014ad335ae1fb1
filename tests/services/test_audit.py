"""The audit log: entries carry who, what, where; only admins read it, filtered and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.base import utcnow
from odcp.services import audit
from odcp.services.actor import SYSTEM, Actor
from odcp.services.errors import Forbidden, Invalid, NotAuthenticated


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_record_keeps_who_what_and_where(session, personas):
    actor = Actor(user=personas.doctor_b, ip="198.51.100.4", user_agent="x" * 500)
    entry = audit.record(session, actor=actor, action="record.read", target_type="record",
                         target_id=42, subject_user_id=personas.patient_a.id,
                         detail={"fields": ["allergies"]})
    session.commit()
    stored = session.get(AuditEntry, entry.id)
    assert stored.actor_id == personas.doctor_b.id and stored.actor_role == "doctor"
    assert stored.action == "record.read" and stored.outcome == "success"
    assert stored.target_type == "record" and stored.target_id == "42"
    assert stored.subject_user_id == personas.patient_a.id
    assert stored.ip == "198.51.100.4" and len(stored.user_agent) == 300
    assert stored.detail == {"fields": ["allergies"]}
    assert stored.at.tzinfo is not None and utcnow() - stored.at < timedelta(minutes=1)


def test_record_for_system_and_anonymous_actors(session):
    system = audit.record(session, actor=SYSTEM, action="job.run")
    anon = audit.record(session, actor=Actor(ip="192.0.2.1"), action="auth.sign_in",
                        outcome="failure")
    session.commit()
    assert (system.actor_id, system.actor_role) == (None, "system")
    assert (anon.actor_id, anon.actor_role, anon.ip) == (None, None, "192.0.2.1")
    assert system.detail == {} and system.user_agent is None


def test_record_rolls_back_with_the_callers_transaction(session):
    audit.record(session, actor=SYSTEM, action="thing.changed")
    session.rollback()
    assert _count(session) == 0


def test_anonymous_cannot_read_the_log(session):
    with pytest.raises(NotAuthenticated):
        audit.list_entries(session, actor=Actor(ip="127.0.0.1"))


@pytest.mark.parametrize("who", ["patient_a", "patient_c", "doctor_b", "doctor_d"])
def test_patients_and_doctors_cannot_read_the_log(session, personas, who):
    with pytest.raises(Forbidden):
        audit.list_entries(session, actor=personas.actor(getattr(personas, who)))


def test_admin_and_system_read_the_log(session, personas):
    audit.record(session, actor=SYSTEM, action="x.y")
    session.commit()
    for actor in (personas.actor(personas.admin), SYSTEM):
        page = audit.list_entries(session, actor=actor)
        assert [e.action for e in page.entries] == ["x.y"] and page.total == 1


def _fill(session, personas) -> None:
    a, b = personas.patient_a, personas.doctor_b
    rows = [
        (a, "auth.sign_in", "session", a.id),
        (b, "auth.sign_in", "session", b.id),
        (b, "record.read", "record", a.id),
        (a, "auth.sign_out", "session", a.id),
        (None, "account.register", "user", personas.patient_c.id),
    ]
    for user, action, target_type, subject in rows:
        audit.record(session, actor=Actor(user=user), action=action, target_type=target_type,
                     subject_user_id=subject)
        session.flush()
    session.commit()


def test_filters(session, personas):
    _fill(session, personas)
    admin = personas.actor(personas.admin)

    def actions(**filters) -> list[str]:
        page = audit.list_entries(session, actor=admin, filters=audit.AuditFilter(**filters))
        assert page.total == len(page.entries)
        return [e.action for e in page.entries]

    assert actions(action="auth.") == ["auth.sign_out", "auth.sign_in", "auth.sign_in"]
    assert actions(action="auth.sign_out") == ["auth.sign_out"]
    assert actions(actor_id=personas.doctor_b.id) == ["record.read", "auth.sign_in"]
    assert actions(subject_user_id=personas.patient_a.id) == [
        "auth.sign_out", "record.read", "auth.sign_in"]
    assert actions(target_type="record") == ["record.read"]
    assert actions(action="auth.", actor_id=personas.patient_a.id) == [
        "auth.sign_out", "auth.sign_in"]
    assert actions(since=utcnow() + timedelta(minutes=1)) == []
    assert len(actions(until=utcnow() + timedelta(minutes=1))) == 5
    assert actions(until=utcnow() - timedelta(minutes=1)) == []


def test_paging_newest_first(session, personas):
    for i in range(5):
        audit.record(session, actor=SYSTEM, action=f"e.{i}")
        session.flush()
    session.commit()
    admin = personas.actor(personas.admin)
    pages = [audit.list_entries(session, actor=admin, page=n, page_size=2) for n in (1, 2, 3, 4)]
    assert [[e.action for e in p.entries] for p in pages] == [
        ["e.4", "e.3"], ["e.2", "e.1"], ["e.0"], []]
    assert all(p.total == 5 and p.pages == 3 for p in pages)


def test_empty_log_has_one_page(session, personas):
    page = audit.list_entries(session, actor=personas.actor(personas.admin))
    assert page.entries == [] and page.total == 0 and page.pages == 1


@pytest.mark.parametrize("page, page_size, field", [(0, 50, "page"), (1, 0, "page_size"),
                                                    (1, audit.MAX_PAGE_SIZE + 1, "page_size")])
def test_bad_paging_is_invalid(session, personas, page, page_size, field):
    with pytest.raises(Invalid) as caught:
        audit.list_entries(session, actor=personas.actor(personas.admin), page=page,
                           page_size=page_size)
    assert caught.value.field == field
