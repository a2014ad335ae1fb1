"""Admin user management: find accounts, change roles, suspend, reactivate, remove, and
force a password reset.

Rules beyond the permissions (odcp.services.permissions): nobody changes their own role or
status here (an admin cannot lock themself out or demote themself by mistake); only a super
admin touches another administrator's account or makes someone an administrator; removal is
soft (the account and its records stay, sign-in is refused for good). Every change writes
an audit entry naming the account, never its personal details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from odcp.models.base import utcnow
from odcp.models.user import ADMIN_ROLES, AccountStatus, AdminSubrole, Role, User
from odcp.services import audit, auth, passwords_flow
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from odcp.services.paging import PageCount
from odcp.services.passwords import hash_password
from odcp.services.permissions import Permission, is_super_admin, require_permission
from odcp.services.tokens import new_token

MAX_PAGE_SIZE = 100
MAX_SEARCH = 100
REASON_LENGTH = (3, 300)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class UserPage(PageCount):
    users: list[User]
    total: int
    page: int
    page_size: int


def _parse(enum: type[E], value: object, field: str) -> E | None:
    if value is None or value == "":
        return None
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum)
        raise Invalid(f"Unknown {field.replace('_', ' ')} {value!r}; choose one of {choices}.",
                      field=field) from None


def list_users(
    session: Session,
    *,
    actor: Actor,
    search: str = "",
    role: Role | str | None = None,
    status: AccountStatus | str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> UserPage:
    """Accounts whose name or email contains `search` (any case), by name, paged."""
    require_permission(actor, Permission.USERS_VIEW)
    role_value = _parse(Role, role, "role")
    status_value = _parse(AccountStatus, status, "status")
    if page < 1:
        raise Invalid("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Invalid(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    term = " ".join((search or "").split())[:MAX_SEARCH]
    conditions = []
    if term:
        conditions.append(or_(col(User.full_name).icontains(term, autoescape=True),
                              col(User.email).icontains(term, autoescape=True)))
    if role_value is not None:
        conditions.append(col(User.role) == role_value.value)
    if status_value is not None:
        conditions.append(col(User.status) == status_value.value)
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    rows = session.exec(
        select(User).where(*conditions)
        .order_by(func.lower(User.full_name), col(User.id))
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return UserPage(users=list(rows), total=total, page=page, page_size=page_size)


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


# --- checks shared by the actions and by available_actions (what the page offers) ---------

def _not_self(actor: Actor, target: User, doing: str) -> None:
    if actor.user_id is not None and actor.user_id == target.id:
        raise Forbidden(f"You cannot {doing} your own account; ask another administrator.")


def _may_touch(actor: Actor, target: User) -> None:
    if target.role in ADMIN_ROLES and not is_super_admin(actor):
        raise Forbidden("Only a super administrator can change another administrator's "
                        "account.")


def _check_role(actor: Actor, target: User) -> None:
    _not_self(actor, target, "change the role of")
    _may_touch(actor, target)
    if target.status == AccountStatus.REMOVED:
        raise Conflict("This account was removed; its role cannot change.")


def _check_suspend(actor: Actor, target: User) -> None:
    _not_self(actor, target, "suspend")
    _may_touch(actor, target)
    if target.status == AccountStatus.SUSPENDED:
        raise Conflict("This account is already suspended.")
    if target.status == AccountStatus.REMOVED:
        raise Conflict("This account was removed.")


def _check_reactivate(actor: Actor, target: User) -> None:
    _not_self(actor, target, "reactivate")
    _may_touch(actor, target)
    if target.status == AccountStatus.REMOVED:
        raise Conflict("A removed account cannot be reactivated.")
    if target.status != AccountStatus.SUSPENDED:
        raise Conflict("Only a suspended account can be reactivated.")


def _check_remove(actor: Actor, target: User) -> None:
    _not_self(actor, target, "remove")
    _may_touch(actor, target)
    if target.status == AccountStatus.REMOVED:
        raise Conflict("This account is already removed.")


def _check_reset(actor: Actor, target: User) -> None:
    _not_self(actor, target, "force a password reset on")
    _may_touch(actor, target)
    if target.status == AccountStatus.REMOVED:
        raise Conflict("This account was removed.")
    if target.status == AccountStatus.SUSPENDED:
        raise Conflict("Reactivate the account before resetting its password.")


_CHECKS: dict[str, tuple[Permission, Callable[[Actor, User], None]]] = {
    "role": (Permission.USERS_ROLES, _check_role),
    "suspend": (Permission.USERS_MANAGE, _check_suspend),
    "reactivate": (Permission.USERS_MANAGE, _check_reactivate),
    "remove": (Permission.USERS_MANAGE, _check_remove),
    "reset": (Permission.USERS_MANAGE, _check_reset),
}


def available_actions(actor: Actor, target: User) -> frozenset[str]:
    """Which of role/suspend/reactivate/remove/reset `actor` may do to `target` now.

    For showing only usable buttons; the actions check again for themselves.
    """
    allowed = set()
    for name, (permission, check) in _CHECKS.items():
        try:
            require_permission(actor, permission)
            check(actor, target)
        except DomainError:
            continue
        allowed.add(name)
    return frozenset(allowed)


def _prepare(session: Session, actor: Actor, user_id: int, action: str) -> User:
    permission, check = _CHECKS[action]
    require_permission(actor, permission)
    target = _target(session, user_id)
    check(actor, target)
    return target


def _record(session: Session, actor: Actor, action: str, target: User, **detail) -> None:
    audit.record(session, actor=actor, action=action, target_type="user",
                 target_id=target.id, subject_user_id=target.id, detail=detail)


# --- the actions --------------------------------------------------------------------------

def change_role(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    role: Role | str,
    admin_subrole: AdminSubrole | str | None = None,
) -> User:
    """Give an account another role (and, for admins, a sub-role; none is a full admin).

    Every session of the account ends, so the new powers apply from its next sign-in.
    """
    require_permission(actor, Permission.USERS_ROLES)
    new_role = _parse(Role, role, "role")
    if new_role is None:
        raise Invalid("Choose a role.", field="role")
    new_subrole = _parse(AdminSubrole, admin_subrole, "admin_subrole")
    if new_subrole is not None and new_role != Role.ADMIN:
        raise Invalid("Only an admin can have an admin sub-role.", field="admin_subrole")
    target = _target(session, user_id)
    _check_role(actor, target)
    if new_role in ADMIN_ROLES and not is_super_admin(actor):
        raise Forbidden("Only a super administrator can make someone an administrator.")
    old_role, old_subrole = str(target.role), target.admin_subrole
    if (old_role, old_subrole) == (new_role.value, new_subrole and new_subrole.value):
        return target
    target.role = new_role.value  # type: ignore[assignment]
    target.admin_subrole = new_subrole.value if new_subrole else None  # type: ignore[assignment]
    target.updated_at = utcnow()
    revoked = auth.revoke_all(session, user_id=target.id, reason="role_changed")
    _record(session, actor, "account.role_change", target, from_role=old_role,
            from_subrole=old_subrole and str(old_subrole), to_role=new_role.value,
            to_subrole=new_subrole and new_subrole.value, sessions_revoked=revoked)
    return target


def _reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    low, high = REASON_LENGTH
    if not low <= len(text) <= high:
        raise Invalid(f"Give a reason ({low} to {high} characters).", field="reason")
    return text


def suspend(session: Session, *, actor: Actor, user_id: int, reason: str) -> User:
    """Stop an account signing in, ending every session at once; reversible."""
    require_permission(actor, Permission.USERS_MANAGE)
    reason = _reason(reason)
    target = _prepare(session, actor, user_id, "suspend")
    previous = str(target.status)
    target.status, target.updated_at = AccountStatus.SUSPENDED, utcnow()
    revoked = auth.revoke_all(session, user_id=target.id, reason="account_suspended")
    _record(session, actor, "account.suspend", target, reason=reason,
            previous_status=previous, sessions_revoked=revoked)
    return target


def reactivate(session: Session, *, actor: Actor, user_id: int) -> User:
    """Let a suspended account sign in again (pending if its email was never confirmed)."""
    target = _prepare(session, actor, user_id, "reactivate")
    target.status = (AccountStatus.ACTIVE if target.email_verified_at is not None
                     else AccountStatus.PENDING)
    target.updated_at = utcnow()
    _record(session, actor, "account.reactivate", target, new_status=str(target.status))
    return target


def remove(session: Session, *, actor: Actor, user_id: int) -> User:
    """Close an account for good: sign-in refused, sessions ended, records kept."""
    target = _prepare(session, actor, user_id, "remove")
    previous = str(target.status)
    target.status, target.updated_at = AccountStatus.REMOVED, utcnow()
    revoked = auth.revoke_all(session, user_id=target.id, reason="account_removed")
    _record(session, actor, "account.remove", target, previous_status=previous,
            sessions_revoked=revoked)
    return target


def force_password_reset(session: Session, *, actor: Actor, user_id: int) -> list[int]:
    """Make the current password stop working, end every session and mail a reset link.

    Returns the queued mail ids (the outbox sends them after the commit). CPU-heavy (one
    bcrypt hash): call off the event loop.
    """
    target = _prepare(session, actor, user_id, "reset")
    target.password_hash = hash_password(new_token())  # nobody knows it: the old one is gone
    target.updated_at = utcnow()
    revoked = auth.revoke_all(session, user_id=target.id, reason="password_reset_forced")
    _record(session, actor, "account.force_password_reset", target, sessions_revoked=revoked)
    return passwords_flow.request_reset(session, email=target.email, actor=actor)
