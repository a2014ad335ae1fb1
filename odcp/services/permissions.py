"""What each kind of administrator may do.

A full admin (role admin, no sub-role) and a super admin hold every permission; an admin
with a sub-role holds only that sub-role's subset. Only a super admin may make or unmake
administrators (see odcp.services.users_admin). The rule lives here once, so pages, the
API and the services agree.
"""

from __future__ import annotations

from enum import StrEnum

from odcp.models.user import AdminSubrole, Role, User
from odcp.services.actor import Actor, require_user
from odcp.services.errors import Forbidden

NOT_AN_ADMIN = "Only clinic administrators may do this."


class Permission(StrEnum):
    USERS_VIEW = "users.view"
    USERS_MANAGE = "users.manage"  # suspend, reactivate, remove, force a password reset
    USERS_ROLES = "users.roles"  # change someone's role or admin sub-role
    AUDIT_VIEW = "audit.view"
    OUTBOX_VIEW = "outbox.view"
    APPOINTMENTS_MANAGE = "appointments.manage"
    FINANCE_MANAGE = "finance.manage"
    SPECIALTIES_MANAGE = "specialties.manage"
    DOCTORS_VERIFY = "doctors.verify"


ALL = frozenset(Permission)

SUBROLE_PERMISSIONS: dict[AdminSubrole, frozenset[Permission]] = {
    AdminSubrole.APPOINTMENTS: frozenset({Permission.APPOINTMENTS_MANAGE,
                                          Permission.USERS_VIEW}),
    AdminSubrole.FINANCE: frozenset({Permission.FINANCE_MANAGE, Permission.USERS_VIEW}),
    AdminSubrole.SUPPORT: frozenset({Permission.USERS_VIEW, Permission.USERS_MANAGE,
                                     Permission.OUTBOX_VIEW}),
}

# "Your finance admin role does not allow <this>."
_WHAT = {
    Permission.USERS_VIEW: "viewing user accounts",
    Permission.USERS_MANAGE: "suspending, removing or resetting user accounts",
    Permission.USERS_ROLES: "changing roles",
    Permission.AUDIT_VIEW: "reading the audit log",
    Permission.OUTBOX_VIEW: "reading the mail outbox",
    Permission.APPOINTMENTS_MANAGE: "managing appointments",
    Permission.FINANCE_MANAGE: "managing payments and refunds",
    Permission.SPECIALTIES_MANAGE: "managing specialties",
    Permission.DOCTORS_VERIFY: "verifying doctors",
}


def permissions_of(user: User | None) -> frozenset[Permission]:
    """Every permission `user` holds (none for patients, doctors and nobody)."""
    if user is None:
        return frozenset()
    if user.role == Role.SUPER_ADMIN:
        return ALL
    if user.role != Role.ADMIN:
        return frozenset()
    if user.admin_subrole is None:
        return ALL
    return SUBROLE_PERMISSIONS.get(AdminSubrole(user.admin_subrole), frozenset())


def has_permission(actor: Actor, permission: Permission) -> bool:
    return actor.system or permission in permissions_of(actor.user)


def require_permission(actor: Actor, permission: Permission) -> None:
    """Pass, or raise NotAuthenticated (nobody signed in) or Forbidden (with why)."""
    if actor.system:
        return
    user = require_user(actor)
    if permission in permissions_of(user):
        return
    if user.role not in (Role.ADMIN, Role.SUPER_ADMIN):
        raise Forbidden(NOT_AN_ADMIN)
    raise Forbidden(f"Your {AdminSubrole(user.admin_subrole).value} admin role does not "
                    f"allow {_WHAT[permission]}; ask a full administrator.")


def is_super_admin(actor: Actor) -> bool:
    """Super admins (and the system) may grant, change or remove administrator roles."""
    return actor.system or actor.role == Role.SUPER_ADMIN
