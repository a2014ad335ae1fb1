"""Recording and reading the audit log (HIPAA 164.312(b))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from odcp.models.audit import AuditEntry
from odcp.services.actor import Actor
from odcp.services.errors import Invalid
from odcp.services.paging import PageCount
from odcp.services.permissions import Permission, require_permission

MAX_PAGE_SIZE = 200


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    subject_user_id: int | None = None,
    outcome: str = "success",
    detail: dict | None = None,
) -> AuditEntry:
    """Add an audit entry in the caller's transaction, so it lands or rolls back with it."""
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_role=str(actor.role) if actor.role else ("system" if actor.system else None),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        subject_user_id=subject_user_id,
        outcome=outcome,
        ip=actor.ip,
        user_agent=(actor.user_agent or "")[:300] or None,
        detail=detail or {},
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    subject_user_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage(PageCount):
    entries: list[AuditEntry]
    total: int
    page: int
    page_size: int


def list_entries(
    session: Session,
    *,
    actor: Actor,
    filters: AuditFilter = AuditFilter(),
    page: int = 1,
    page_size: int = 50,
) -> AuditPage:
    """Newest first, filtered and paged; for admins allowed to read the log."""
    require_permission(actor, Permission.AUDIT_VIEW)
    if page < 1:
        raise Invalid("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Invalid(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    conditions = []
    if filters.actor_id is not None:
        conditions.append(col(AuditEntry.actor_id) == filters.actor_id)
    if filters.action:
        conditions.append(col(AuditEntry.action).startswith(filters.action, autoescape=True))
    if filters.target_type:
        conditions.append(col(AuditEntry.target_type) == filters.target_type)
    if filters.subject_user_id is not None:
        conditions.append(col(AuditEntry.subject_user_id) == filters.subject_user_id)
    if filters.since is not None:
        conditions.append(col(AuditEntry.at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(AuditEntry.at) < filters.until)
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*conditions)).one()
    rows = session.exec(
        select(AuditEntry)
        .where(*conditions)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return AuditPage(entries=list(rows), total=total, page=page, page_size=page_size)
