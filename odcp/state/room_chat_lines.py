"""How a chat message looks on the room page: one `ChatLine` per message.

Why a separate, reflex-free shape: messages reach the page from two places, the history
(`chat.MessageView`) and the live bus (its `as_dict()` JSON), and both must end up exactly
alike. A line carries only what the panel shows: no user ids (the page knows "mine" or
"theirs"), times already in the viewer's zone, and the attachment's download URL (the API
route checks the browser's session cookie on every request).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from odcp.state.session import api_url


@dataclasses.dataclass
class ChatLine:
    id: int = 0
    mine: bool = False
    who: str = ""  # "You" or the other party's name
    text: str = ""
    at: str = ""  # "Tue 24 Nov, 09:00" in the viewer's zone
    read: bool = False  # mine and read by the other party
    file_name: str = ""
    file_size: str = ""
    file_url: str = ""  # download (attachment)
    image_url: str = ""  # inline picture; "" for PDFs


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def attachment_url(appointment_id: int, attachment_id: int, *, inline: bool) -> str:
    path = f"/api/v1/appointments/{appointment_id}/chat/attachments/{attachment_id}"
    return api_url(path + ("?inline=true" if inline else ""))


def line_of(data: dict, *, me: int, zone: str, other_name: str) -> ChatLine:
    """A line from `MessageView.as_dict()` (history or a live "message" event)."""
    at = data["created_at"]
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    mine = int(data["sender_id"]) == me
    line = ChatLine(id=int(data["id"]), mine=mine, who="You" if mine else other_name,
                    text=str(data.get("text") or ""), read=bool(data.get("read")) and mine,
                    at=at.astimezone(ZoneInfo(zone)).strftime("%a %d %b, %H:%M"))
    attached = data.get("attachment")
    if attached:
        appt = int(data["appointment_id"])
        line.file_name = str(attached["name"])
        line.file_size = size_label(int(attached["size_bytes"]))
        line.file_url = attachment_url(appt, int(attached["id"]), inline=False)
        if str(attached["content_type"]).startswith("image/"):
            line.image_url = attachment_url(appt, int(attached["id"]), inline=True)
    return line


def merged(lines: list[ChatLine], new: list[ChatLine]) -> list[ChatLine]:
    """`lines` plus the `new` ones not already there, ordered by id (a message sent from
    this tab arrives twice: from the send handler and back from the bus)."""
    known = {line.id for line in lines}
    fresh = [line for line in new if line.id not in known]
    if not fresh:
        return lines
    return sorted([*lines, *fresh], key=lambda line: line.id)


def read_through(lines: list[ChatLine], up_to_id: int) -> list[ChatLine]:
    """My lines up to `up_to_id` marked read by the other party."""
    return [dataclasses.replace(line, read=True)
            if line.mine and not line.read and line.id <= up_to_id else line
            for line in lines]
