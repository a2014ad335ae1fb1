"""/admin/specialties: the clinic's specialties, created, renamed, described, deactivated
or merged (rules in odcp.services.specialties)."""

from __future__ import annotations

import reflex as rx

from odcp.db import session_scope
from odcp.services import specialties
from odcp.services.errors import DomainError
from odcp.state.session import SessionState


def _row(r: specialties.SpecialtyRow) -> dict[str, str]:
    s = r.specialty
    if s.active:
        status, color = "Active", "green"
    elif r.merged_into:
        status, color = f"Merged into {r.merged_into}", "gray"
    else:
        status, color = "Inactive", "orange"
    return {"id": str(s.id), "name": s.name, "slug": s.slug, "description": s.description,
            "main": str(r.primary_doctors), "other": str(r.other_doctors),
            "status": status, "status_color": color, "active": "yes" if s.active else ""}


class AdminSpecialtiesState(SessionState):
    rows: list[dict[str, str]] = []
    error: str = ""
    create_error: str = ""
    create_key: int = 0
    dialog: str = ""  # "", "edit", "deactivate" or "merge"
    dialog_error: str = ""
    target: dict[str, str] = {}
    merge_into: str = ""

    @rx.var
    def merge_choices(self) -> list[list[str]]:
        """Active specialties other than the one being merged."""
        return [[r["id"], r["name"]] for r in self.rows
                if r["active"] and r["id"] != self.target.get("id")]

    def _refresh(self) -> None:
        with session_scope() as session:
            try:
                rows = specialties.list_all(session, actor=self.actor(session))
            except DomainError as exc:
                self.rows, self.error = [], exc.message
                return
            self.rows = [_row(r) for r in rows]
        self.error = ""

    @rx.event
    def load(self):
        with session_scope() as session:
            if self.actor(session).user is None:
                return self.to_login()
        self.dialog = ""
        self._refresh()
        return None

    def _act(self, fn, success: str, **kwargs) -> tuple[bool, str]:
        with session_scope() as session:
            try:
                fn(session, actor=self.actor(session), **kwargs)
            except DomainError as exc:
                session.rollback()
                return False, exc.message
        self._refresh()
        return True, success

    @rx.event
    def create(self, form: dict):
        name = str(form.get("name", ""))[:200]
        ok, message = self._act(specialties.create, f"{' '.join(name.split())} is added.",
                                name=name, description=str(form.get("description", ""))[:1000])
        self.create_error = "" if ok else message
        if ok:
            self.create_key += 1  # empty the form
            return rx.toast.success(message)
        return None

    @rx.event
    def open_dialog(self, kind: str, specialty_id: str):
        row = next((r for r in self.rows if r["id"] == specialty_id), None)
        if row is None or kind not in ("edit", "deactivate", "merge"):
            return
        self.target, self.dialog, self.dialog_error, self.merge_into = row, kind, "", ""

    @rx.event
    def dialog_open_change(self, is_open: bool):
        if not is_open:
            self.dialog, self.dialog_error = "", ""

    @rx.event
    def set_merge_into(self, value: str):
        self.merge_into = value

    def _finish(self, ok: bool, message: str):
        if not ok:
            self.dialog_error = message
            return rx.toast.error(message)
        self.dialog = ""
        return rx.toast.success(message)

    @rx.event
    def save_edit(self, form: dict):
        name = " ".join(str(form.get("name", "")).split())[:200]
        return self._finish(*self._act(
            specialties.update, f"{name} is saved.", specialty_id=int(self.target["id"]),
            name=name, description=str(form.get("description", ""))[:1000]))

    @rx.event
    def confirm_deactivate(self):
        return self._finish(*self._act(
            specialties.deactivate, f"{self.target['name']} is no longer offered.",
            specialty_id=int(self.target["id"])))

    @rx.event
    def reactivate(self, specialty_id: str):
        row = next((r for r in self.rows if r["id"] == specialty_id), None)
        if row is None:
            return None
        ok, message = self._act(specialties.reactivate, f"{row['name']} is offered again.",
                                specialty_id=int(specialty_id))
        return rx.toast.success(message) if ok else rx.toast.error(message)

    @rx.event
    def confirm_merge(self):
        into = next((name for i, name in self.merge_choices if i == self.merge_into), None)
        if into is None:
            self.dialog_error = "Choose the specialty that receives the doctors."
            return None
        return self._finish(*self._act(
            specialties.merge, f"{self.target['name']} is merged into {into}.",
            source_id=int(self.target["id"]), target_id=int(self.merge_into)))
