"""iCalendar (RFC 5545) files for appointments, to add them to any calendar app."""

from __future__ import annotations

from datetime import UTC, datetime

from odcp.models.appointment import Appointment
from odcp.settings import get_settings


def _fmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after one space."""
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = b" " + raw[cut:]
    out.append(raw.decode())
    return out


_STATUS = {"pending": "TENTATIVE", "cancelled": "CANCELLED", "no_show": "CANCELLED"}


def event_lines(appt: Appointment, *, title: str, description: str,
                page: str = "/appointments") -> list[str]:
    """One VEVENT; `page` is the path the event links to (the patient's or the doctor's).
    UID and LAST-MODIFIED let a subscribed calendar update the event in place."""
    settings = get_settings()
    changed = _fmt(appt.updated_at or appt.created_at)
    return [
        "BEGIN:VEVENT",
        f"UID:appointment-{appt.id}@odcp",
        f"DTSTAMP:{changed}",
        f"LAST-MODIFIED:{changed}",
        f"DTSTART:{_fmt(appt.starts_at)}",
        f"DTEND:{_fmt(appt.ends_at)}",
        f"SUMMARY:{_escape(title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{settings.public_url.rstrip('/')}{page}",
        f"STATUS:{_STATUS.get(str(appt.status), 'CONFIRMED')}",
        "END:VEVENT",
    ]


def calendar(events: list[list[str]], *, name: str, refresh_minutes: int | None = None) -> str:
    """A VCALENDAR of `events`; `refresh_minutes` asks subscribing apps to poll that often
    (a hint: Google, Apple and Outlook each keep their own schedule)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ODCP//Appointments//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    if refresh_minutes:
        lines += [f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_minutes}M",
                  f"X-PUBLISHED-TTL:PT{refresh_minutes}M"]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
