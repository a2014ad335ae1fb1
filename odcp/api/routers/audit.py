"""GET /api/v1/audit: the audit log for admins, filtered and paged."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from odcp.api.deps import DB, SignedIn
from odcp.services import audit

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_role: str | None
    action: str
    target_type: str | None
    target_id: str | None
    subject_user_id: int | None
    outcome: str
    ip: str | None
    detail: dict


class AuditPageOut(BaseModel):
    entries: list[AuditEntryOut]
    total: int
    page: int
    page_size: int
    pages: int


@router.get("")
def list_audit(
    session: DB,
    actor: SignedIn,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=audit.MAX_PAGE_SIZE),
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    subject_user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> AuditPageOut:
    filters = audit.AuditFilter(actor_id=actor_id, action=action, target_type=target_type,
                                subject_user_id=subject_user_id, since=since, until=until)
    result = audit.list_entries(session, actor=actor, filters=filters, page=page,
                                page_size=page_size)
    return AuditPageOut(
        entries=[AuditEntryOut.model_validate(e, from_attributes=True) for e in result.entries],
        total=result.total, page=result.page, page_size=result.page_size, pages=result.pages,
    )
