"""/admin/policy: the clinic's booking rules as a form (every limit is checked in
services.clinic_policy; this state only carries the form and the messages)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.services import clinic_policy
from odcp.services.errors import DomainError
from odcp.state.session import SessionState


class AdminPolicyState(SessionState):
    loaded: bool = False
    denied: str = ""
    form_values: dict[str, str] = {}
    switches: dict[str, bool] = {}
    last_change: str = ""
    error: str = ""
    error_field: str = ""
    form_key: int = 0

    def _fill(self, session, policy, tz: str) -> None:
        self.form_values = {name: str(getattr(policy, name)) for name in clinic_policy.SETTINGS}
        self.switches = {name: getattr(policy, name) for name in clinic_policy.SWITCHES}
        last = clinic_policy.last_change(session)
        self.last_change = (f"Last changed {last.at.astimezone(ZoneInfo(tz)):%d %b %Y, %H:%M %Z}"
                            f" by {last.by}." if last else "Clinic defaults, never changed.")
        self.form_key += 1  # the form's fields show the saved values
        self.loaded = True

    @rx.event
    def load(self):
        self.error, self.error_field = "", ""
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                policy = clinic_policy.read(session, actor=actor)
            except DomainError as exc:
                self.denied, self.loaded = exc.message, True
                return None
            self.denied = ""
            self._fill(session, policy, actor.user.timezone)
        return None

    @rx.event
    def set_switch(self, name: str, value: bool):
        if name in clinic_policy.SWITCHES:
            self.switches = {**self.switches, name: bool(value)}

    @rx.event
    def save(self, form: dict):
        changes: dict[str, object] = {name: str(form.get(name, "")).strip()
                                      for name in clinic_policy.SETTINGS}
        changes.update(self.switches)
        with session_scope() as session:
            actor = self.actor(session)
            try:
                before = clinic_policy.values(clinic_policy.current(session))
                policy = clinic_policy.update(session, actor=actor, changes=changes)
                after = clinic_policy.values(policy)
            except DomainError as exc:
                session.rollback()
                self.error, self.error_field = exc.message, exc.field or ""
                return None
            self.error, self.error_field = "", ""
            session.flush()
            self._fill(session, policy, actor.user.timezone)
        if before == after:
            return rx.toast.info("Nothing changed.")
        return rx.toast.success("Clinic policy saved; it applies to new bookings and changes "
                                "from now on.")
