"""/admin/audit: the audit log, paged and filtered (admins only, checked in the service)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.services import audit
from odcp.services.errors import DomainError
from odcp.state.paging import PagingMixin
from odcp.state.session import SessionState

PAGE_SIZE = 25


class AdminAuditState(PagingMixin, SessionState):
    entries: list[dict[str, str]] = []
    action: str = ""
    target_type: str = ""
    total: int = 0
    error: str = ""

    def _query(self) -> None:
        with session_scope() as session:
            actor = self.actor(session)
            try:
                result = audit.list_entries(
                    session, actor=actor, page=self.page, page_size=PAGE_SIZE,
                    filters=audit.AuditFilter(action=self.action.strip() or None,
                                              target_type=self.target_type.strip() or None),
                )
            except DomainError as exc:
                self.entries, self.error = [], exc.message
                return
            tz = ZoneInfo(actor.user.timezone if actor.user else "UTC")
        self.error = ""
        self.total, self.pages = result.total, result.pages
        self.entries = [
            {"at": e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z"),
             "actor": f"{e.actor_role or 'anonymous'} #{e.actor_id}" if e.actor_id
             else (e.actor_role or "anonymous"),
             "action": e.action, "target": f"{e.target_type or ''} {e.target_id or ''}".strip(),
             "outcome": e.outcome, "ip": e.ip or ""}
            for e in result.entries
        ]

    @rx.event
    def load(self):
        self.page = 1
        self._query()

    @rx.event
    def apply_filters(self, form: dict):
        self.action = str(form.get("action", ""))[:64]
        self.target_type = str(form.get("target_type", ""))[:40]
        self.page = 1
        self._query()

