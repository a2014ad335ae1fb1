"""Admin user management: who may do what to whom, what each action changes, and the
audit trail it leaves."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from sqlmodel import select

from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
from odcp.models.notification import OutboxMessage
from odcp.models.user import AccountStatus, AdminSubrole, Role, User
from odcp.services import auth, passwords_flow, users_admin
from odcp.services.accounts import build_user
from odcp.services.actor import SYSTEM, Actor
from odcp.services.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from tests.conftest import PASSWORD

REASON = "Abusive messages to staff"


@dataclass
class Staff:
    super_admin: User
    appointments: User
    finance: User
    support: User
    admin2: User  # a second full admin, as a target


@pytest.fixture
def staff(session, personas, password_hash) -> Staff:
    def make(name: str, role: Role, subrole: AdminSubrole | None = None) -> User:
        user = build_user(session, email=f"{name.lower().replace(' ', '.')}@test.example",
                          password="", full_name=name, role=role,
                          status=AccountStatus.ACTIVE, password_hash=password_hash)
        user.admin_subrole = subrole
        return user

    people = Staff(
        super_admin=make("Super Admin", Role.SUPER_ADMIN),
        appointments=make("Appointments Admin", Role.ADMIN, AdminSubrole.APPOINTMENTS),
        finance=make("Finance Admin", Role.ADMIN, AdminSubrole.FINANCE),
        support=make("Support Admin", Role.ADMIN, AdminSubrole.SUPPORT),
        admin2=make("Admin Two", Role.ADMIN),
    )
    session.commit()
    return people


def _actor(personas, staff, who: str) -> Actor:
    if who == "anonymous":
        return Actor(ip="127.0.0.1")
    if who == "system":
        return SYSTEM
    user = getattr(personas, who, None) or getattr(staff, who)
    return personas.actor(user)


def _account_entries(session, user_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action.startswith("account."))  # type: ignore
    if user_id is not None:
        query = query.where(AuditEntry.subject_user_id == user_id)
    return list(session.exec(query.order_by(AuditEntry.id)).all())


def _api_session(session, user: User) -> AuthSession:
    issued = auth.start_session(session, user=user, actor=Actor(ip="127.0.0.1"), kind="api")
    session.commit()
    return issued.session


# --- authorization matrix -----------------------------------------------------------------

EVERYONE = ["anonymous", "patient_a", "doctor_b", "admin", "appointments", "finance",
            "support", "super_admin", "system"]
MANAGERS = {"admin", "support", "super_admin", "system"}
ALLOWED = {
    "list": {"admin", "appointments", "finance", "support", "super_admin", "system"},
    "role": {"admin", "super_admin", "system"},
    "suspend": MANAGERS,
    "reactivate": MANAGERS,
    "remove": MANAGERS,
    "reset": MANAGERS,
}
# What each action leaves on the target (patient C), when it is allowed.
EXPECTED = {
    "role": ("role", Role.DOCTOR),
    "suspend": ("status", AccountStatus.SUSPENDED),
    "reactivate": ("status", AccountStatus.ACTIVE),
    "remove": ("status", AccountStatus.REMOVED),
}
ACTION_NAMES = {"role": "account.role_change", "suspend": "account.suspend",
                "reactivate": "account.reactivate", "remove": "account.remove",
                "reset": "account.force_password_reset"}


def _run(op: str, session, actor: Actor, target_id: int):
    if op == "list":
        return users_admin.list_users(session, actor=actor)
    if op == "role":
        return users_admin.change_role(session, actor=actor, user_id=target_id,
                                       role=Role.DOCTOR)
    if op == "suspend":
        return users_admin.suspend(session, actor=actor, user_id=target_id, reason=REASON)
    return getattr(users_admin, {"reactivate": "reactivate", "remove": "remove",
                                 "reset": "force_password_reset"}[op])(
        session, actor=actor, user_id=target_id)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("op", list(ALLOWED))
def test_authorization_matrix(session, personas, staff, op, who):
    target = personas.patient_c
    if op == "reactivate":
        target.status = AccountStatus.SUSPENDED
        session.add(target)
        session.commit()
    before = (str(target.role), str(target.status), target.password_hash)
    actor = _actor(personas, staff, who)
    if who not in ALLOWED[op]:
        expected = NotAuthenticated if who == "anonymous" else Forbidden
        with pytest.raises(expected) as raised:
            _run(op, session, actor, target.id)
        session.rollback()
        session.expire_all()
        fresh = session.get(User, target.id)
        assert (str(fresh.role), str(fresh.status), fresh.password_hash) == before
        assert _account_entries(session, target.id) == []
        if who in ("patient_a", "doctor_b"):
            assert raised.value.message == "Only clinic administrators may do this."
        elif who != "anonymous":
            assert staff_subrole(staff, who) in raised.value.message
        return
    result = _run(op, session, actor, target.id)
    session.commit()
    session.expire_all()
    fresh = session.get(User, target.id)
    if op == "list":
        assert fresh.id in [u.id for u in result.users] and result.total == 10
        return
    if op in EXPECTED:
        attr, value = EXPECTED[op]
        assert getattr(fresh, attr) == value
    else:  # reset: the old password is gone and a mail is queued
        assert fresh.password_hash != before[2] and len(result) == 1
    [entry] = [e for e in _account_entries(session, target.id)
               if e.action == ACTION_NAMES[op]]
    assert entry.actor_id == actor.user_id and entry.target_id == str(target.id)


def staff_subrole(staff: Staff, who: str) -> str:
    return str(getattr(staff, who).admin_subrole)


# --- listing ------------------------------------------------------------------------------

def test_search_is_case_insensitive_on_name_and_email(session, personas, staff):
    admin = personas.actor(personas.admin)
    names = lambda **kw: [u.full_name for u in  # noqa: E731
                          users_admin.list_users(session, actor=admin, **kw).users]
    assert names(search="pAtIeNt") == ["Patient A", "Patient C"]
    assert names(search="DOCTOR.B@TEST") == ["Doctor B"]
    assert names(search="  admin   two ") == ["Admin Two"]
    assert names(search="nobody-here") == []


def test_search_escapes_like_wildcards(session, personas, staff):
    admin = personas.actor(personas.admin)
    build_user(session, email="under_score@test.example", password="", full_name="Percent 100%",
               role=Role.PATIENT, status=AccountStatus.ACTIVE, password_hash="x")
    session.commit()
    found = lambda term: [u.full_name for u in  # noqa: E731
                          users_admin.list_users(session, actor=admin, search=term).users]
    assert found("%") == ["Percent 100%"]
    assert found("_") == ["Percent 100%"]  # only the email with a real underscore
    assert found("t%a") == []


def test_role_and_status_filters(session, personas, staff):
    admin = personas.actor(personas.admin)
    personas.patient_c.status = AccountStatus.SUSPENDED
    session.add(personas.patient_c)
    session.commit()
    admins = users_admin.list_users(session, actor=admin, role="admin")
    assert {u.full_name for u in admins.users} == {
        "Admin E", "Appointments Admin", "Finance Admin", "Support Admin", "Admin Two"}
    suspended = users_admin.list_users(session, actor=admin, status=AccountStatus.SUSPENDED)
    assert [u.full_name for u in suspended.users] == ["Patient C"]
    both = users_admin.list_users(session, actor=admin, role=Role.PATIENT, status="active")
    assert [u.full_name for u in both.users] == ["Patient A"]


def test_paging_covers_every_account_once_in_name_order(session, personas, staff):
    admin = personas.actor(personas.admin)
    seen = []
    for page in (1, 2, 3, 4):
        result = users_admin.list_users(session, actor=admin, page=page, page_size=4)
        assert result.total == 10 and result.pages == 3 and result.page == page
        seen += [u.full_name for u in result.users]
    assert seen == sorted(seen, key=str.lower) and len(seen) == len(set(seen)) == 10


@pytest.mark.parametrize("kwargs", [{"role": "wizard"}, {"status": "sleeping"}, {"page": 0},
                                    {"page_size": 0}, {"page_size": 101}])
def test_bad_list_arguments_are_invalid(session, personas, kwargs):
    with pytest.raises(Invalid):
        users_admin.list_users(session, actor=personas.actor(personas.admin), **kwargs)


# --- suspension, reactivation, removal ----------------------------------------------------

def test_suspend_revokes_every_session_and_blocks_sign_in(session, personas):
    target = personas.patient_c
    rows = [_api_session(session, target) for _ in range(2)]
    access = auth.access_token_for(rows[0])
    users_admin.suspend(session, actor=personas.actor(personas.admin), user_id=target.id,
                        reason=REASON)
    session.commit()
    session.expire_all()
    for row in rows:
        stored = session.get(AuthSession, row.id)
        assert stored.revoked_at is not None and stored.revoked_reason == "account_suspended"
    with pytest.raises(NotAuthenticated):
        auth.user_for_access_token(session, access_token=access)
    with pytest.raises(Forbidden, match="suspended"):
        auth.check_credentials(session, email=target.email, password=PASSWORD,
                               actor=Actor(ip="127.0.0.1"))
    [entry] = _account_entries(session, target.id)
    assert entry.action == "account.suspend"
    assert entry.detail == {"reason": REASON, "previous_status": "active",
                            "sessions_revoked": 2}

    users_admin.reactivate(session, actor=personas.actor(personas.admin), user_id=target.id)
    session.commit()
    user = auth.check_credentials(session, email=target.email, password=PASSWORD,
                                  actor=Actor(ip="127.0.0.1"))
    assert user.id == target.id and user.status == AccountStatus.ACTIVE
    assert [e.action for e in _account_entries(session, target.id)] == [
        "account.suspend", "account.reactivate"]


@pytest.mark.parametrize("reason", ["", "  ", "no", "x" * 301])
def test_suspend_needs_a_reason(session, personas, reason):
    with pytest.raises(Invalid) as raised:
        users_admin.suspend(session, actor=personas.actor(personas.admin),
                            user_id=personas.patient_c.id, reason=reason)
    assert raised.value.field == "reason"
    session.rollback()
    assert session.get(User, personas.patient_c.id).status == AccountStatus.ACTIVE


def test_reactivating_an_unconfirmed_account_leaves_it_pending(session, personas):
    target = personas.patient_c
    target.email_verified_at, target.status = None, AccountStatus.SUSPENDED
    session.add(target)
    session.commit()
    user = users_admin.reactivate(session, actor=personas.actor(personas.admin),
                                  user_id=target.id)
    assert user.status == AccountStatus.PENDING


def test_remove_keeps_the_data_but_not_the_access(session, personas):
    target = personas.patient_a
    row = _api_session(session, target)
    admin = personas.actor(personas.admin)
    users_admin.remove(session, actor=admin, user_id=target.id)
    session.commit()
    session.expire_all()
    kept = session.get(User, target.id)
    assert kept.status == AccountStatus.REMOVED
    assert (kept.email, kept.full_name, kept.password_hash) == (
        target.email, target.full_name, target.password_hash)
    assert session.get(AuthSession, row.id).revoked_reason == "account_removed"
    # Its history stays too: the sign-in entry from before the removal is still there.
    assert session.exec(select(AuditEntry).where(
        AuditEntry.action == "auth.sign_in", AuditEntry.subject_user_id == target.id)).first()
    with pytest.raises(Forbidden):
        auth.check_credentials(session, email=target.email, password=PASSWORD,
                               actor=Actor(ip="127.0.0.1"))
    removed = users_admin.list_users(session, actor=admin, status="removed")
    assert [u.id for u in removed.users] == [target.id]
    with pytest.raises(Conflict):
        users_admin.reactivate(session, actor=admin, user_id=target.id)
    with pytest.raises(Conflict):
        users_admin.remove(session, actor=admin, user_id=target.id)
    with pytest.raises(Conflict):
        users_admin.change_role(session, actor=admin, user_id=target.id, role="doctor")


@pytest.mark.parametrize(("status", "op"), [
    (AccountStatus.SUSPENDED, "suspend"), (AccountStatus.ACTIVE, "reactivate"),
    (AccountStatus.PENDING, "reactivate"), (AccountStatus.SUSPENDED, "reset"),
    (AccountStatus.REMOVED, "reset"), (AccountStatus.REMOVED, "suspend"),
])
def test_actions_that_do_not_fit_the_status_are_conflicts(session, personas, status, op):
    target = personas.patient_c
    target.status = status
    session.add(target)
    session.commit()
    with pytest.raises(Conflict):
        _run(op, session, personas.actor(personas.admin), target.id)
    session.rollback()
    assert _account_entries(session) == []


@pytest.mark.parametrize("op", ["role", "suspend", "reactivate", "remove", "reset"])
def test_unknown_user_is_not_found(session, personas, op):
    with pytest.raises(NotFound):
        _run(op, session, personas.actor(personas.admin), 987654)


# --- forced password reset ----------------------------------------------------------------

def test_force_password_reset_ends_sessions_kills_the_password_and_mails_a_link(
        session, personas):
    target = personas.doctor_d
    row = _api_session(session, target)
    mail_ids = users_admin.force_password_reset(session, actor=personas.actor(personas.admin),
                                                user_id=target.id)
    session.commit()
    session.expire_all()
    assert session.get(AuthSession, row.id).revoked_reason == "password_reset_forced"
    with pytest.raises(NotAuthenticated):
        auth.check_credentials(session, email=target.email, password=PASSWORD,
                               actor=Actor(ip="127.0.0.1"))
    [mail] = [session.get(OutboxMessage, i) for i in mail_ids]
    assert mail.to_address == target.email and mail.kind == "password_reset"
    actions = [e.action for e in _account_entries(session, target.id)]
    assert actions == ["account.force_password_reset", "account.password_reset_requested"]

    token = re.search(r"/reset-password\?token=([\w-]+)", mail.text_body).group(1)
    passwords_flow.reset_password(session, token=token, password="a brand new passphrase",
                                  actor=Actor(ip="127.0.0.1"))
    session.commit()
    user = auth.check_credentials(session, email=target.email,
                                  password="a brand new passphrase",
                                  actor=Actor(ip="127.0.0.1"))
    assert user.id == target.id


# --- roles ----------------------------------------------------------------------------------

def test_role_change_ends_sessions_and_is_audited_without_personal_details(session, personas):
    target = personas.patient_c
    row = _api_session(session, target)
    users_admin.change_role(session, actor=personas.actor(personas.admin), user_id=target.id,
                            role="doctor")
    session.commit()
    session.expire_all()
    assert session.get(User, target.id).role == Role.DOCTOR
    assert session.get(AuthSession, row.id).revoked_reason == "role_changed"
    [entry] = _account_entries(session, target.id)
    assert entry.detail == {"from_role": "patient", "from_subrole": None, "to_role": "doctor",
                            "to_subrole": None, "sessions_revoked": 1}


def test_setting_the_same_role_changes_nothing(session, personas):
    users_admin.change_role(session, actor=personas.actor(personas.admin),
                            user_id=personas.patient_c.id, role="patient")
    session.commit()
    assert _account_entries(session) == []


@pytest.mark.parametrize(("role", "subrole"), [
    ("doctor", "finance"), ("patient", "support"), ("super_admin", "finance"),
    ("wizard", None), ("admin", "janitor"), ("", None),
])
def test_invalid_role_and_subrole_combinations(session, personas, staff, role, subrole):
    with pytest.raises(Invalid):
        users_admin.change_role(session, actor=personas.actor(staff.super_admin),
                                user_id=personas.patient_c.id, role=role,
                                admin_subrole=subrole)


def test_only_a_super_admin_makes_or_unmakes_administrators(session, personas, staff):
    admin = personas.actor(personas.admin)
    with pytest.raises(Forbidden, match="super administrator"):
        users_admin.change_role(session, actor=admin, user_id=personas.patient_c.id,
                                role="admin")
    with pytest.raises(Forbidden, match="super administrator"):
        users_admin.change_role(session, actor=admin, user_id=staff.admin2.id, role="patient")
    with pytest.raises(Forbidden, match="super administrator"):
        users_admin.change_role(session, actor=admin, user_id=staff.finance.id, role="admin",
                                admin_subrole="support")
    session.rollback()

    boss = personas.actor(staff.super_admin)
    users_admin.change_role(session, actor=boss, user_id=personas.patient_c.id, role="admin",
                            admin_subrole="finance")
    users_admin.change_role(session, actor=boss, user_id=staff.finance.id, role="admin")
    users_admin.change_role(session, actor=boss, user_id=staff.admin2.id, role="patient")
    session.commit()
    session.expire_all()
    assert (session.get(User, personas.patient_c.id).role,
            session.get(User, personas.patient_c.id).admin_subrole) == ("admin", "finance")
    assert session.get(User, staff.finance.id).admin_subrole is None
    demoted = session.get(User, staff.admin2.id)
    assert demoted.role == Role.PATIENT
    with pytest.raises(Forbidden):  # powers go with the role at once
        users_admin.list_users(session, actor=personas.actor(demoted))


@pytest.mark.parametrize("op", ["suspend", "remove", "reset"])
def test_only_a_super_admin_manages_another_administrator(session, personas, staff, op):
    for who in ("admin", "support"):
        with pytest.raises(Forbidden, match="super administrator"):
            _run(op, session, _actor(personas, staff, who), staff.admin2.id)
        session.rollback()
    _run(op, session, personas.actor(staff.super_admin), staff.admin2.id)
    session.commit()
    first = _account_entries(session, staff.admin2.id)[0]
    assert first.action == ACTION_NAMES[op]


@pytest.mark.parametrize("who", ["admin", "support", "super_admin"])
@pytest.mark.parametrize("op", ["role", "suspend", "remove", "reset"])
def test_nobody_acts_on_their_own_account(session, personas, staff, who, op):
    if who == "support" and op == "role":
        return  # support may not change roles at all (the matrix covers it)
    actor = _actor(personas, staff, who)
    with pytest.raises(Forbidden, match="your own account"):
        _run(op, session, actor, actor.user_id)
    session.rollback()
    session.expire_all()
    me = session.get(User, actor.user_id)
    assert me.status == AccountStatus.ACTIVE and me.role == actor.user.role


def test_super_admin_cannot_demote_themself(session, personas, staff):
    with pytest.raises(Forbidden, match="your own account"):
        users_admin.change_role(session, actor=personas.actor(staff.super_admin),
                                user_id=staff.super_admin.id, role="admin")


# --- what the page offers -----------------------------------------------------------------

def test_available_actions_follow_the_same_rules(session, personas, staff):
    admin, support = personas.actor(personas.admin), personas.actor(staff.support)
    boss = personas.actor(staff.super_admin)
    patient = personas.patient_c
    assert users_admin.available_actions(admin, patient) == {"role", "suspend", "remove",
                                                             "reset"}
    assert users_admin.available_actions(support, patient) == {"suspend", "remove", "reset"}
    assert users_admin.available_actions(personas.actor(staff.finance), patient) == set()
    assert users_admin.available_actions(admin, personas.admin) == set()
    assert users_admin.available_actions(admin, staff.admin2) == set()
    assert users_admin.available_actions(boss, staff.admin2) == {"role", "suspend", "remove",
                                                                 "reset"}
    patient.status = AccountStatus.SUSPENDED
    assert users_admin.available_actions(admin, patient) == {"role", "reactivate", "remove"}


def test_audit_details_carry_no_personal_details(session, personas, staff):
    admin = personas.actor(personas.admin)
    target = personas.patient_c
    users_admin.change_role(session, actor=admin, user_id=target.id, role="doctor")
    users_admin.suspend(session, actor=admin, user_id=target.id, reason=REASON)
    users_admin.reactivate(session, actor=admin, user_id=target.id)
    users_admin.force_password_reset(session, actor=admin, user_id=target.id)
    users_admin.remove(session, actor=admin, user_id=target.id)
    session.commit()
    entries = _account_entries(session, target.id)
    assert len(entries) == 6  # five actions and the reset request
    dumped = json.dumps([e.detail for e in entries])
    for secret in (target.email, target.full_name, "password_hash", target.password_hash):
        assert secret not in dumped
