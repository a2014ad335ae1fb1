"""Presence in an appointment's chat and following its live events.

Why separate from odcp.services.chat: nothing here touches the database. A caller first
gets a `chat.Seat` (the authorization check, in a session), then follows the appointment's
events for as long as its connection lives: a WebSocket handler (odcp/api/routers/chat.py)
or a Reflex background task. Presence lives in memory with a time-out (PRESENCE_TTL) and
travels on the bus, so every backend worker learns it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from odcp.services.chat import Seat
from odcp.services.chat_bus import PRESENCE_TTL, Subscription, get_bus
from odcp.services.errors import Forbidden, Invalid

HEARTBEAT = 20  # seconds between "online" renewals while connected (online lasts 45 s)


def _live_party(seat_: Seat) -> None:
    if seat_.part == "admin":
        raise Forbidden("Administrators can read the history; live chat is for the "
                        "appointment's doctor and patient.")


def announce(seat_: Seat, state: str) -> None:
    """Tell the other party that this seat is online, typing or offline (no DB work)."""
    _live_party(seat_)
    if state not in PRESENCE_TTL:
        raise Invalid("Presence is online, typing or offline.", field="state")
    get_bus().announce(seat_.appointment_id, user_id=seat_.user_id, part=seat_.part,
                       state=state)


def presence(seat_: Seat) -> dict[str, str]:
    """{'patient': ..., 'doctor': ...}: online, typing or offline, as this process knows."""
    known = get_bus().presence.states(seat_.appointment_id)
    return {part: known.get(part, "offline") for part in ("patient", "doctor")}


@asynccontextmanager
async def live(seat_: Seat) -> AsyncIterator[Subscription]:
    """Follow the chat's live events while the block runs (online on entry, offline after
    the user's last live block here ends); renew with `announce(seat, "online")` every
    HEARTBEAT seconds. For a WebSocket handler or a Reflex background task."""
    _live_party(seat_)
    async with get_bus().join(seat_.appointment_id, user_id=seat_.user_id,
                              part=seat_.part) as sub:
        yield sub
