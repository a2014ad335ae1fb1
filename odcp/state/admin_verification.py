"""/admin/verification: the queue of submitted doctor profiles, one opened for review,
and the approve / reject dialogs (rules in odcp.services.doctor_verification)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.models.base import utcnow
from odcp.services import doctor_verification
from odcp.services.accounts import LANGUAGES
from odcp.services.doctor_profile_rules import MODE_LABELS
from odcp.services.errors import DomainError
from odcp.state.email_flows import run_and_deliver
from odcp.state.session import SessionState


def _waiting(since: datetime | None) -> str:
    if since is None:
        return ""
    days = (utcnow() - since).days
    return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''}"


def _when(at: datetime | None, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%d %b %Y, %H:%M") if at else ""


def _kind(s: doctor_verification.Submission) -> str:
    """A verified doctor who changed their licence is back for review, still active."""
    return "Licence change" if s.user.status == "active" else "New doctor"


def _detail(s: doctor_verification.Submission, tz: str) -> dict[str, str]:
    p = s.profile
    fees = ", ".join(f"{MODE_LABELS.get(m, m)} {p.currency} {p.fees_by_mode.get(m, 0) / 100:.2f}"
                     for m in p.modes)
    return {
        "id": str(p.id), "name": s.user.full_name, "email": s.user.email,
        "status": str(p.verification_status), "kind": _kind(s),
        "specialty": s.specialty or "—",
        "others": ", ".join(s.other_specialties) or "—",
        "qualifications": p.qualifications or "—", "licence_number": p.licence_number or "—",
        "years": str(p.years_experience),
        "languages": ", ".join(LANGUAGES.get(c, c) for c in p.languages) or "—",
        "fees": fees or "—", "timezone": p.timezone, "bio": p.bio or "—",
        "conditions": p.conditions_treated or "—",
        "document": p.licence_document_name or "",
        "submitted": _when(p.submitted_at, tz),
        "previous_reason": p.rejection_reason or "",
    }


class AdminVerificationState(SessionState):
    queue: list[dict[str, str]] = []
    selected: dict[str, str] = {}
    error: str = ""
    dialog: str = ""  # "", "approve" or "reject"
    dialog_error: str = ""
    busy: bool = False
    _selected_id: int | None = None

    def _tz(self, actor) -> str:
        return actor.user.timezone if actor.user else "UTC"

    def _refresh(self) -> None:
        with session_scope() as session:
            actor = self.actor(session)
            try:
                rows = doctor_verification.queue(session, actor=actor)
                chosen = (doctor_verification.detail(session, actor=actor,
                                                     profile_id=self._selected_id)
                          if self._selected_id is not None else None)
            except DomainError as exc:
                self.queue, self.selected, self.error = [], {}, exc.message
                return
            tz = self._tz(actor)
            self.queue = [{"id": str(s.profile.id), "name": s.user.full_name,
                           "specialty": s.specialty or "—",
                           "submitted": _when(s.profile.submitted_at, tz),
                           "waiting": _waiting(s.profile.submitted_at),
                           "kind": _kind(s)} for s in rows]
            self.selected = _detail(chosen, tz) if chosen else {}
        self.error = ""

    @rx.event
    def load(self):
        with session_scope() as session:
            if self.actor(session).user is None:
                return self.to_login()
        self._selected_id, self.dialog = None, ""
        self._refresh()
        return None

    @rx.event
    def open_profile(self, profile_id: str):
        self._selected_id = int(profile_id) if str(profile_id).isdigit() else None
        self._refresh()

    @rx.event
    def close_profile(self):
        self._selected_id, self.selected = None, {}

    @rx.event
    def download_licence(self):
        if self._selected_id is None:
            return None
        with session_scope() as session:
            try:
                doc = doctor_verification.licence_document(
                    session, actor=self.actor(session), profile_id=self._selected_id)
            except DomainError as exc:
                return rx.toast.error(exc.message)
        return rx.download(data=doc.data, filename=doc.name, mime_type=doc.content_type)

    @rx.event
    def open_dialog(self, kind: str):
        if self._selected_id is not None and kind in ("approve", "reject"):
            self.dialog, self.dialog_error, self.busy = kind, "", False

    @rx.event
    def dialog_open_change(self, is_open: bool):
        if not is_open:
            self.dialog, self.dialog_error, self.busy = "", "", False

    async def _decide(self, fn, success: str, **kwargs):
        self.busy, self.dialog_error = True, ""
        yield
        with session_scope() as session:
            actor = self.actor(session)
        try:  # sends mail after commit: off the event loop
            await run_cpu_bound(run_and_deliver, fn, actor=actor,
                                profile_id=self._selected_id, **kwargs)
        except DomainError as exc:
            self.busy, self.dialog_error = False, exc.message
            yield rx.toast.error(exc.message)
            return
        self.dialog, self.busy, self._selected_id = "", False, None
        self._refresh()
        yield rx.toast.success(success)

    @rx.event
    async def approve(self):
        name = self.selected.get("name", "The doctor")
        async for update in self._decide(doctor_verification.approve,
                                         f"{name} is verified and now listed for patients."):
            yield update

    @rx.event
    async def reject(self, form: dict):
        name = self.selected.get("name", "The doctor")
        async for update in self._decide(doctor_verification.reject,
                                         f"{name}'s profile was sent back with your reason.",
                                         reason=str(form.get("reason", ""))[:2000]):
            yield update
