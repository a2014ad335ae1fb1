"""/api/v1/admin/users: find accounts and manage them (the rules live in users_admin)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.models.user import AccountStatus, AdminSubrole, Role, User
from odcp.services import users_admin

router = APIRouter(prefix="/admin/users", tags=["admin"])


class AdminUserOut(BaseModel):
    """An account as administrators see it: never the password hash or MFA secret."""

    id: int
    email: str
    full_name: str
    role: Role
    admin_subrole: AdminSubrole | None
    status: AccountStatus
    timezone: str
    email_verified: bool
    mfa_enabled: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> AdminUserOut:
        return cls(id=user.id, email=user.email, full_name=user.full_name, role=user.role,
                   admin_subrole=user.admin_subrole, status=user.status,
                   timezone=user.timezone, email_verified=user.email_verified_at is not None,
                   mfa_enabled=user.mfa_enabled_at is not None, created_at=user.created_at,
                   updated_at=user.updated_at)


class UserPageOut(BaseModel):
    users: list[AdminUserOut]
    total: int
    page: int
    page_size: int
    pages: int


class RoleIn(BaseModel):
    role: Role
    admin_subrole: AdminSubrole | None = None


class SuspendIn(BaseModel):
    reason: str = Field(max_length=1000)


class PasswordResetOut(BaseModel):
    user: AdminUserOut
    mail_queued: int


@router.get("")
def list_users(
    session: DB,
    actor: SignedIn,
    search: str = Query("", max_length=users_admin.MAX_SEARCH),
    role: Role | None = None,
    status: AccountStatus | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=users_admin.MAX_PAGE_SIZE),
) -> UserPageOut:
    result = users_admin.list_users(session, actor=actor, search=search, role=role,
                                    status=status, page=page, page_size=page_size)
    return UserPageOut(users=[AdminUserOut.of(u) for u in result.users], total=result.total,
                       page=result.page, page_size=result.page_size, pages=result.pages)


@router.patch("/{user_id}/role")
def change_role(user_id: int, body: RoleIn, session: DB, actor: SignedIn) -> AdminUserOut:
    return AdminUserOut.of(users_admin.change_role(
        session, actor=actor, user_id=user_id, role=body.role,
        admin_subrole=body.admin_subrole))


@router.post("/{user_id}/suspend")
def suspend(user_id: int, body: SuspendIn, session: DB, actor: SignedIn) -> AdminUserOut:
    return AdminUserOut.of(users_admin.suspend(session, actor=actor, user_id=user_id,
                                               reason=body.reason))


@router.post("/{user_id}/reactivate")
def reactivate(user_id: int, session: DB, actor: SignedIn) -> AdminUserOut:
    return AdminUserOut.of(users_admin.reactivate(session, actor=actor, user_id=user_id))


@router.post("/{user_id}/remove")
def remove(user_id: int, session: DB, actor: SignedIn) -> AdminUserOut:
    return AdminUserOut.of(users_admin.remove(session, actor=actor, user_id=user_id))


@router.post("/{user_id}/force-password-reset")
def force_password_reset(user_id: int, session: DB, actor: SignedIn) -> PasswordResetOut:
    """The reset mail goes out once the request's transaction has committed (the outbox
    delivers it after the response; see odcp.api.mail_delivery)."""
    mail_ids = users_admin.force_password_reset(session, actor=actor, user_id=user_id)
    user = AdminUserOut.of(session.get(User, user_id))
    return PasswordResetOut(user=user, mail_queued=len(mail_ids))
