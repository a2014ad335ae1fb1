"""The viewer's time zone, for showing times on discovery pages, and "next available".

Signed in: the account's zone. Anonymous: the browser's own zone, asked once per tab
with a single script expression (as RegisterState.detect_timezone does), and UTC until it
answers or when it names no zone we know. The zone is always named next to a time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from odcp.models.user import User
from odcp.services.accounts import validate_timezone
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

DETECT_ZONE = "Intl.DateTimeFormat().resolvedOptions().timeZone"


def zone_abbreviation(local: datetime) -> str:
    """"EST", "CET"...; zones without a letter abbreviation as "UTC-03" / "UTC+05:30"."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def local_label(at: datetime, zone: str) -> str:
    """e.g. "Tue 24 Nov, 09:00 EST"."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a %d %b, %H:%M} {zone_abbreviation(local)}"


def next_available_label(at: datetime | None, zone: str, days: int) -> str:
    if at is None:
        return f"No free time in the next {days} day{'s' if days != 1 else ''}"
    return "Next available: " + local_label(at, zone)


def viewer_zone(session: Session, user_id: int | None, browser_zone: str) -> str:
    """The signed-in user's zone, else the browser's, else UTC."""
    user = session.get(User, user_id) if user_id is not None else None
    return (user.timezone if user is not None and user.timezone else browser_zone) or "UTC"


class ViewerZoneState(SessionState):
    """Shared by the discovery pages: the browser's zone is asked for once per tab."""

    _browser_zone: str = ""
    viewer_zone: str = "UTC"  # what the page's times are shown in (named on the page)

    def _ask_browser_zone(self, callback) -> rx.event.EventSpec | None:
        """The script asking an anonymous visitor's browser for its zone, once."""
        if self._user_id is None and not self._browser_zone:
            return rx.call_script(DETECT_ZONE, callback=callback)
        return None

    def _remember_browser_zone(self, zone: str) -> bool:
        """Keep the browser's zone (UTC if unknown); whether the shown zone changes."""
        try:
            self._browser_zone = validate_timezone(str(zone or ""))
        except DomainError:
            self._browser_zone = "UTC"
        return self._user_id is None and self._browser_zone != self.viewer_zone
