"""/admin/users: find accounts and manage them (every rule is checked in users_admin)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import users_admin
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.services.permissions import is_super_admin
from odcp.state.email_flows import run_and_deliver
from odcp.state.paging import PagingMixin
from odcp.state.row_dialog import RowDialogMixin
from odcp.state.session import SessionState

PAGE_SIZE = 20
ALL = "all"  # the select's "no filter" choice (Radix selects cannot hold "")
FULL_ACCESS = "full"  # the sub-role select's "no sub-role" choice

ROLE_LABELS = {"patient": "Patient", "doctor": "Doctor", "admin": "Admin",
               "super_admin": "Super admin"}
ROLE_COLORS = {"patient": "gray", "doctor": "blue", "admin": "violet", "super_admin": "crimson"}
SUBROLE_LABELS = {FULL_ACCESS: "Full access", "appointments": "Appointments",
                  "finance": "Finance", "support": "Support"}
SUBROLE_HELP = {
    FULL_ACCESS: "Everything an administrator can do, except managing other administrators.",
    "appointments": "Manage appointments and look up users.",
    "finance": "Manage payments and refunds and look up users.",
    "support": "Look up users, suspend, reactivate or remove accounts, force password "
               "resets and read the mail outbox. Cannot change roles.",
}
STATUS_LABELS = {"active": "Active", "pending": "Email not confirmed",
                 "suspended": "Suspended", "removed": "Removed"}
STATUS_COLORS = {"active": "green", "pending": "amber", "suspended": "orange",
                 "removed": "gray"}


def _row(user: User, actor: Actor, tz: ZoneInfo) -> dict[str, str]:
    role, subrole = str(user.role), str(user.admin_subrole or "")
    label = ROLE_LABELS.get(role, role)
    if subrole:
        label += f" · {SUBROLE_LABELS.get(subrole, subrole)}"
    actions = users_admin.available_actions(actor, user)
    return {
        "id": str(user.id), "name": user.full_name, "email": user.email,
        "role": role, "subrole": subrole or FULL_ACCESS, "role_label": label,
        "role_color": ROLE_COLORS.get(role, "gray"),
        "status": str(user.status), "status_label": STATUS_LABELS.get(str(user.status), ""),
        "status_color": STATUS_COLORS.get(str(user.status), "gray"),
        "created": user.created_at.astimezone(tz).strftime("%d %b %Y"),
        "is_self": "yes" if user.id == actor.user_id else "",
        **{f"can_{name}": "yes" if name in actions else ""
           for name in ("role", "suspend", "reactivate", "remove", "reset")},
    }


class AdminUsersState(PagingMixin, RowDialogMixin, SessionState):
    users: list[dict[str, str]] = []
    search: str = ""
    role_filter: str = ALL
    status_filter: str = ALL
    total: int = 0
    error: str = ""
    can_grant_admin: bool = False
    # the open dialog ("", "role", "suspend", "remove", "reset") is about this user
    target_name: str = ""
    target_email: str = ""
    form_role: str = "patient"
    form_subrole: str = FULL_ACCESS
    original_role: str = ""
    original_subrole: str = ""
    busy: bool = False

    @rx.var
    def subrole_help(self) -> str:
        return SUBROLE_HELP.get(self.form_subrole, "")

    @rx.var
    def role_unchanged(self) -> bool:
        subrole = self.form_subrole if self.form_role == "admin" else FULL_ACCESS
        return (self.form_role, subrole) == (self.original_role, self.original_subrole)

    @rx.var
    def role_choices(self) -> list[list[str]]:
        roles = ["patient", "doctor"] + (["admin", "super_admin"] if self.can_grant_admin
                                          else [])
        return [[r, ROLE_LABELS[r]] for r in roles]

    def _query(self) -> None:
        with session_scope() as session:
            actor = self.actor(session)
            try:
                result = users_admin.list_users(
                    session, actor=actor, search=self.search, page=self.page,
                    page_size=PAGE_SIZE,
                    role=None if self.role_filter == ALL else self.role_filter,
                    status=None if self.status_filter == ALL else self.status_filter)
            except DomainError as exc:
                self.users, self.total, self.pages, self.error = [], 0, 1, exc.message
                return
            tz = ZoneInfo(actor.user.timezone if actor.user else "UTC")
            self.users = [_row(u, actor, tz) for u in result.users]
            self.can_grant_admin = is_super_admin(actor)
        self.error = ""
        self.total = result.total
        self._set_pages(result.pages)

    @rx.event
    def load(self):
        self.page, self.dialog = 1, ""
        self._query()

    @rx.event
    def apply_search(self, form: dict):
        self.search = " ".join(str(form.get("search", "")).split())[:users_admin.MAX_SEARCH]
        self._first_page()

    @rx.event
    def set_role_filter(self, value: str):
        self.role_filter = value
        self._first_page()

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter = value
        self._first_page()

    @rx.event
    def clear_filters(self):
        self.search, self.role_filter, self.status_filter = "", ALL, ALL
        self._first_page()

    # --- dialogs ----------------------------------------------------------------------------

    @rx.event
    def open_dialog(self, kind: str, user_id: str):
        row = next((u for u in self.users if u["id"] == user_id), None)
        if row is None or kind not in ("role", "suspend", "remove", "reset"):
            return
        self._target_id = int(row["id"])
        self.target_name, self.target_email = row["name"], row["email"]
        self.form_role, self.form_subrole = row["role"], row["subrole"]
        self.original_role, self.original_subrole = row["role"], row["subrole"]
        self.dialog, self.dialog_error, self.busy = kind, "", False

    @rx.event
    def close_dialog(self):  # also ends a password reset's busy state
        self.dialog, self.dialog_error, self.busy, self._target_id = "", "", False, None

    @rx.event
    def set_form_role(self, value: str):
        self.form_role = value
        if value != "admin":
            self.form_subrole = FULL_ACCESS

    @rx.event
    def set_form_subrole(self, value: str):
        self.form_subrole = value

    def _act(self, fn, success: str, **kwargs):
        """Run one action on the dialog's (or a row's) user; toast the outcome."""
        if kwargs.get("user_id") is None:
            return None
        with session_scope() as session:
            try:
                fn(session, actor=self.actor(session), **kwargs)
            except DomainError as exc:
                session.rollback()
                if self.dialog:  # said inside the open dialog, next to what to fix
                    self.dialog_error = exc.message
                    return None
                return rx.toast.error(exc.message)
        self.close_dialog()
        self._query()
        return rx.toast.success(success)

    @rx.event
    def submit_role(self):
        subrole = self.form_subrole if self.form_role == "admin" else None
        label = ROLE_LABELS.get(self.form_role, self.form_role)
        if subrole and subrole != FULL_ACCESS:
            label += f" ({SUBROLE_LABELS.get(subrole, subrole)})"
        return self._act(users_admin.change_role, f"{self.target_name} is now {label}.",
                         user_id=self._target_id, role=self.form_role,
                         admin_subrole=None if subrole == FULL_ACCESS else subrole)

    @rx.event
    def submit_suspend(self, form: dict):
        return self._act(users_admin.suspend, f"{self.target_name} is suspended and signed "
                         "out everywhere.", user_id=self._target_id,
                         reason=str(form.get("reason", ""))[:2000])

    @rx.event
    def confirm_remove(self):
        return self._act(users_admin.remove, f"{self.target_name}'s account is removed.",
                         user_id=self._target_id)

    @rx.event
    def reactivate(self, user_id: str):
        row = next((u for u in self.users if u["id"] == user_id), None)
        if row is None:
            return
        return self._act(users_admin.reactivate, f"{row['name']} can sign in again.",
                         user_id=int(user_id))

    @rx.event
    async def confirm_reset(self):
        """Hashes a throw-away password (bcrypt) and sends mail: off the event loop."""
        if self._target_id is None:
            return
        self.busy = True
        yield
        with session_scope() as session:
            actor = self.actor(session)
        try:
            await run_cpu_bound(run_and_deliver, users_admin.force_password_reset,
                                actor=actor, user_id=self._target_id)
        except DomainError as exc:
            self.busy, self.dialog_error = False, exc.message
            return
        name, email = self.target_name, self.target_email
        self.close_dialog()
        self._query()
        yield rx.toast.success(f"{name} is signed out; a link to choose a new password was "
                               f"sent to {email}.")
