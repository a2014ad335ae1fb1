"""/account: the signed-in user's details and active sessions."""

from __future__ import annotations

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import accounts, auth, avatars, passwords_flow
from odcp.services.errors import DomainError
from odcp.state.email_flows import run_and_deliver
from odcp.state.session import SessionState, api_url, full_page_redirect

_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"), ("python-httpx", "API client"), ("curl/", "curl"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """'Chrome on Linux' rather than a raw user-agent string."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "Unknown browser")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    return f"{browser} on {system}" if system else browser


def _when(dt, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo(tz)).strftime("%d %b %Y, %H:%M %Z")


class AccountState(SessionState):
    email: str = ""
    timezone: str = ""
    phone: str = ""
    language: str = "en"
    profile_error: str = ""
    avatar: str = ""
    role_label: str = ""
    sessions: list[dict[str, str]] = []

    def _fill(self, user: User, session) -> None:
        actor = self.actor(session)
        self.email, self.timezone = user.email, user.timezone
        self.phone, self.language = user.phone or "", user.language
        self.avatar = avatars.avatar_data_uri(user)
        self.role_label = str(user.role).replace("_", " ").title()
        self.sessions = [
            {"id": s.id, "device": describe_device(s.user_agent),
             "ip": s.ip or "", "since": _when(s.created_at, user.timezone),
             "last_seen": _when(s.last_seen_at, user.timezone),
             "current": "yes" if s.id == self._session_id else ""}
            for s in auth.list_sessions(session, actor=actor)
        ]

    @rx.event
    def load(self):
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            self._fill(actor.user, session)

    @rx.event
    def revoke(self, session_id: str):
        with session_scope() as session:
            actor = self.actor(session)
            try:
                auth.revoke_own_session(session, actor=actor, session_id=session_id)
            except DomainError as exc:
                return rx.toast.error(exc.message)
            if actor.user is not None:
                self._fill(actor.user, session)
        if session_id == self._session_id:
            self._bind(None, None)
            return full_page_redirect(api_url("/api/v1/auth/browser/signed-out"))
        return rx.toast.success("That device has been signed out.")

    change_error: str = ""

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        """Reads at most one byte past the limit: the service refuses larger files."""
        if not files:
            return rx.toast.error("Choose a picture first.")
        data = await files[0].read(avatars.MAX_BYTES + 1)
        with session_scope() as session:
            try:
                user = avatars.set_avatar(session, actor=self.actor(session), data=data)
            except DomainError as exc:
                return rx.toast.error(exc.message)
            self.avatar = avatars.avatar_data_uri(user)
        return rx.toast.success("Your picture is saved.")

    @rx.event
    def save_profile(self, form: dict):
        self.profile_error = ""
        with session_scope() as session:
            actor = self.actor(session)
            try:
                user = accounts.update_profile(
                    session, actor=actor, full_name=str(form.get("full_name", "")),
                    phone=str(form.get("phone", "")), timezone=str(form.get("timezone", "")),
                    language=str(form.get("language", "")))
            except DomainError as exc:
                self.profile_error = exc.message
                return
            self.user_name = user.full_name
            self._fill(user, session)
        return rx.toast.success("Your details are saved.")

    @rx.event
    async def change_password(self, form: dict):
        """Needs the current password; on success every session ends, this one too."""
        self.change_error = ""
        if form.get("new_password") != form.get("new_password_repeat"):
            self.change_error = "The two new passwords differ."
            return
        with session_scope() as session:
            actor = self.actor(session)
        try:
            await run_cpu_bound(run_and_deliver, passwords_flow.change_password,
                                    actor=actor, current=str(form.get("current_password", "")),
                                    new=str(form.get("new_password", "")))
        except DomainError as exc:
            self.change_error = exc.message
            return
        self._bind(None, None)
        yield full_page_redirect(
            api_url("/api/v1/auth/browser/signed-out?next=/login%3Fchanged%3D1"))

    @rx.event
    def sign_out_everywhere(self):
        with session_scope() as session:
            try:
                auth.sign_out_everywhere(session, actor=self.actor(session))
            except DomainError as exc:
                return rx.toast.error(exc.message)
        self._bind(None, None)
        return full_page_redirect(api_url("/api/v1/auth/browser/signed-out"))
