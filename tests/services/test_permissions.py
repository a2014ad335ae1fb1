"""Admin sub-roles each grant a subset of admin powers; the audit log and the outbox use
them."""

from __future__ import annotations

import pytest

from odcp.models.user import AdminSubrole, Role, User
from odcp.services import audit
from odcp.services.actor import SYSTEM, Actor
from odcp.services.errors import Forbidden, NotAuthenticated
from odcp.services.mail import outbox
from odcp.services.permissions import (
    ALL,
    Permission,
    has_permission,
    permissions_of,
    require_permission,
)

P = Permission


def _user(role: Role, subrole: AdminSubrole | None = None) -> User:
    return User(id=1, email="x@test.example", password_hash="", full_name="X", role=role,
                admin_subrole=subrole, status="active")


@pytest.mark.parametrize(("role", "subrole", "expected"), [
    (Role.PATIENT, None, set()),
    (Role.DOCTOR, None, set()),
    (Role.ADMIN, None, set(ALL)),
    (Role.SUPER_ADMIN, None, set(ALL)),
    (Role.ADMIN, AdminSubrole.APPOINTMENTS, {P.APPOINTMENTS_MANAGE, P.USERS_VIEW}),
    (Role.ADMIN, AdminSubrole.FINANCE, {P.FINANCE_MANAGE, P.USERS_VIEW}),
    (Role.ADMIN, AdminSubrole.SUPPORT, {P.USERS_VIEW, P.USERS_MANAGE, P.OUTBOX_VIEW}),
])
def test_permissions_of_each_kind_of_user(role, subrole, expected):
    assert permissions_of(_user(role, subrole)) == expected


def test_system_has_everything_and_nobody_has_nothing():
    assert all(has_permission(SYSTEM, p) for p in Permission)
    require_permission(SYSTEM, P.USERS_ROLES)
    assert not any(has_permission(Actor(), p) for p in Permission)
    with pytest.raises(NotAuthenticated):
        require_permission(Actor(), P.USERS_VIEW)


def test_refusals_say_why():
    with pytest.raises(Forbidden, match=r"^Only clinic administrators may do this\.$"):
        require_permission(Actor(user=_user(Role.DOCTOR)), P.AUDIT_VIEW)
    with pytest.raises(Forbidden, match="finance admin role does not allow reading the "
                                        "audit log"):
        require_permission(Actor(user=_user(Role.ADMIN, AdminSubrole.FINANCE)), P.AUDIT_VIEW)


@pytest.mark.parametrize(("subrole", "audit_ok", "outbox_ok"), [
    (None, True, True),
    (AdminSubrole.APPOINTMENTS, False, False),
    (AdminSubrole.FINANCE, False, False),
    (AdminSubrole.SUPPORT, False, True),
])
def test_audit_log_and_outbox_follow_the_sub_role(session, personas, subrole, audit_ok,
                                                  outbox_ok):
    personas.admin.admin_subrole = subrole
    session.add(personas.admin)
    session.commit()
    actor = personas.actor(personas.admin)
    for ok, read in ((audit_ok, lambda: audit.list_entries(session, actor=actor)),
                     (outbox_ok, lambda: outbox.list_messages(session, actor=actor))):
        if ok:
            read()
        else:
            with pytest.raises(Forbidden):
                read()
