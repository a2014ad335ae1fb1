"""Who is signed in on this page, read from the httpOnly session cookie.

The user id, role and session id stay in backend-only `_vars`; the browser only gets what
the layout shows (a display name and the navigation for the role).
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from urllib.parse import quote

import reflex as rx
from sqlmodel import Session

from odcp.db import session_scope
from odcp.models.user import Role, User
from odcp.services import auth
from odcp.services.actor import Actor
from odcp.services.errors import NotAuthenticated

COOKIE = "odcp_session"

NAV_BY_ROLE: dict[str, list[dict[str, str]]] = {
    "": [{"label": "Find a doctor", "href": "/doctors"}],
    Role.PATIENT: [{"label": "Find a doctor", "href": "/doctors"},
                   {"label": "Appointments", "href": "/appointments"},
                   {"label": "Prescriptions", "href": "/prescriptions"},
                   {"label": "Records", "href": "/records"},
                   {"label": "Medical profile", "href": "/medical-profile"},
                   {"label": "Account", "href": "/account"}],
    Role.DOCTOR: [{"label": "Agenda", "href": "/doctor/agenda"},
                  {"label": "Calendar", "href": "/doctor/calendar"},
                  {"label": "Availability", "href": "/doctor/availability"},
                  {"label": "Doctors", "href": "/doctors"},
                  {"label": "My profile", "href": "/doctor/profile"},
                  {"label": "Account", "href": "/account"}],
    Role.ADMIN: [{"label": "Doctors", "href": "/doctors"},
                 {"label": "Users", "href": "/admin/users"},
                 {"label": "Appointments", "href": "/admin/appointments"},
                 {"label": "Clinic policy", "href": "/admin/policy"},
                 {"label": "Verification", "href": "/admin/verification"},
                 {"label": "Specialties", "href": "/admin/specialties"},
                 {"label": "Audit log", "href": "/admin/audit"},
                 {"label": "Outbox", "href": "/admin/outbox"},
                 {"label": "Account", "href": "/account"}],
}
NAV_BY_ROLE[Role.SUPER_ADMIN] = NAV_BY_ROLE[Role.ADMIN]


def api_url(path: str) -> str:
    """Absolute URL of a backend route (the backend may be on another port in dev)."""
    return rx.config.get_config().api_url.rstrip("/") + path


def full_page_redirect(url: str) -> rx.event.EventSpec:
    """Load `url` in the browser (not the client-side router: API routes are not pages)."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class SessionState(rx.State):
    _user_id: int | None = None
    _session_id: str | None = None
    _role: str = ""
    user_name: str = ""
    nav: list[dict[str, str]] = NAV_BY_ROLE[""]
    session_checked: bool = False

    @rx.var
    def signed_in(self) -> bool:
        return self.user_name != ""

    def _bind(self, user: User | None, session_id: str | None) -> None:
        self._user_id = user.id if user else None
        self._session_id = session_id
        self._role = str(user.role) if user else ""
        self.user_name = user.full_name if user else ""
        self.nav = NAV_BY_ROLE.get(self._role, NAV_BY_ROLE[""])
        self.session_checked = True

    def _cookie_token(self) -> str:
        jar = SimpleCookie()
        jar.load(self.router.headers.cookie or "")
        return jar[COOKIE].value if COOKIE in jar else ""

    def to_login(self) -> rx.event.EventSpec:
        """To the sign-in page; once signed in the user comes back to this page (the
        booking of the doctor they chose, the room link from their mail...)."""
        url = self.router.url
        here = url.path + (f"?{url.query}" if url.query else "")
        return rx.redirect("/login?next=" + quote(here, safe="/"))

    def actor(self, session: Session) -> Actor:
        """The acting user, re-checked against the DB (revoked sessions sign out here)."""
        user = None
        if self._session_id:
            try:
                user = auth.user_for_session_id(session, session_id=self._session_id)
            except NotAuthenticated:
                self._bind(None, None)
        headers = self.router.headers
        return Actor(user=user, ip=self.router.session.client_ip or None,
                     user_agent=headers.user_agent or None)

    def load_session(self):
        """On every page load: bind the cookie's session (the source of truth), or nobody."""
        token = self._cookie_token()
        if not token:
            self._bind(None, None)
            return
        with session_scope() as session:
            try:
                user, row = auth.user_for_token(session, token=token)
            except NotAuthenticated:
                self._bind(None, None)
                return
            self._bind(user, row.id)

    def sign_out(self):
        if self._session_id:
            with session_scope() as session:
                auth.sign_out(session, session_id=self._session_id, actor=self.actor(session))
        self._bind(None, None)
        return full_page_redirect(api_url("/api/v1/auth/browser/signed-out"))
