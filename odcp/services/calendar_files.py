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


def event_lines(appt: Appointment, *, title: str, description: str) -> list[str]:
    settings = get_settings()
    status = "CANCELLED" if str(appt.status) in ("cancelled", "no_show") else "CONFIRMED"
    return [
        "BEGIN:VEVENT",
        f"UID:appointment-{appt.id}@odcp",
        f"DTSTAMP:{_fmt(appt.updated_at or appt.created_at)}",
        f"DTSTART:{_fmt(appt.starts_at)}",
        f"DTEND:{_fmt(appt.ends_at)}",
        f"SUMMARY:{_escape(title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{settings.public_url}/appointments",
        f"STATUS:{status}",
        "END:VEVENT",
    ]


def calendar(events: list[list[str]], *, name: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ODCP//Appointments//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
