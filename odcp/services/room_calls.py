"""Signalling of consultation calls: the room rules (database) around the media relay.

The relay's peer connections live on the backend's event loop, the rules and records in
the database. So these functions are async: each database step runs in a worker thread in
its own short transaction (no lock is held while ICE gathers), then the relay is touched on
the loop. Why the sessions are opened here and not passed in: one offer spans two
transactions around an await, and the relay reports `connected`/`lost` later, outside any
request. Those reports are applied one at a time per appointment, so two sides connecting
at the same instant are seen in order and the call starts exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from odcp.db import session_scope
from odcp.models.consultation import RoomSession
from odcp.services import room, room_view
from odcp.services.actor import Actor
from odcp.services.errors import Invalid
from odcp.services.media_relay import hub

log = logging.getLogger("odcp.room")
MAX_SDP = 64_000
T = TypeVar("T")
_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True)
class Answer:
    sdp: str
    type: str


async def _db(fn: Callable[..., T], **kwargs) -> T:
    """Run `fn(session, **kwargs)` in one transaction on a worker thread."""

    def run() -> T:
        with session_scope() as session:
            return fn(session, **kwargs)

    return await asyncio.to_thread(run)


def _lock(appointment_id: int) -> asyncio.Lock:
    lock = _locks.get(appointment_id)
    if lock is None:
        lock = _locks[appointment_id] = asyncio.Lock()
    return lock


async def state(*, actor: Actor, appointment_id: int) -> room_view.RoomView:
    """The room as the actor sees it, with the relay's view of whose media is flowing."""
    return await _db(room_view.view, actor=actor, appointment_id=appointment_id,
                     live=hub().live_parts(appointment_id))


async def join(*, actor: Actor, appointment_id: int) -> room_view.RoomView:
    """Enter the waiting room (patient before admission) or the room; returns the state."""
    await _db(room.join, actor=actor, appointment_id=appointment_id,
              live=hub().live_parts(appointment_id))
    return await state(actor=actor, appointment_id=appointment_id)


async def offer(*, actor: Actor, appointment_id: int, sdp: str, sdp_type: str) -> Answer:
    """The side's SDP offer (all ICE candidates included) -> the relay's answer."""
    if sdp_type != "offer":
        raise Invalid("Send an SDP offer (type 'offer').", field="type")
    if not sdp.strip() or len(sdp) > MAX_SDP:
        raise Invalid(f"The SDP offer must be 1 to {MAX_SDP} characters.", field="sdp")
    relay = hub()
    part, kinds = await _db(room.begin_media, actor=actor, appointment_id=appointment_id,
                            live=relay.live_parts(appointment_id))

    async def on_state(side: str, event: str) -> None:
        await _relay_report(actor, appointment_id, side, event)

    try:
        answer = await relay.answer(call_id=appointment_id, part=part, kinds=kinds, sdp=sdp,
                                    on_state=on_state)
    except Exception as exc:  # aiortc raises many types for an unusable offer
        log.info("offer for appointment %s refused: %r", appointment_id, exc)
        await _relay_report(actor, appointment_id, part, "lost: unusable offer")
        raise Invalid("The SDP offer could not be used; create a new offer after ICE "
                      "gathering has completed.", field="sdp") from None
    return Answer(sdp=answer.sdp, type=answer.type)


async def _relay_report(actor: Actor, appointment_id: int, part: str, event: str) -> None:
    """Record what the relay saw; never raises into the relay's event handlers."""
    try:
        async with _lock(appointment_id):
            if event == "connected":
                await _db(room.media_connected, actor=actor, appointment_id=appointment_id,
                          part=part, live=hub().live_parts(appointment_id))
            else:
                await _db(room.media_lost, appointment_id=appointment_id, part=part,
                          reason=event.removeprefix("lost: "))
    except Exception:
        log.exception("recording %s of %s in appointment %s failed", event, part,
                      appointment_id)


async def leave(*, actor: Actor, appointment_id: int) -> None:
    """Leave the room (or the waiting room) and close this side's media."""
    part = await _db(room.leave, actor=actor, appointment_id=appointment_id)
    async with _lock(appointment_id):
        await hub().drop(appointment_id, part)


async def end(*, actor: Actor, appointment_id: int, confirm: bool) -> RoomSession:
    """The doctor ends the consultation (completing the appointment); media closes."""
    record = await _db(room.end, actor=actor, appointment_id=appointment_id, confirm=confirm)
    async with _lock(appointment_id):
        await hub().close_call(appointment_id)
    return record


async def admit(*, actor: Actor, appointment_id: int) -> room_view.RoomView:
    """The doctor admits the waiting patient; returns the doctor's view of the room."""
    await _db(room.admit, actor=actor, appointment_id=appointment_id)
    return await state(actor=actor, appointment_id=appointment_id)


async def set_media_state(*, actor: Actor, appointment_id: int, audio_muted: bool,
                          video_off: bool) -> room_view.RoomView:
    """Report mute / camera-off (done in the browser) so the other side can show it."""
    await _db(room.set_media_state, actor=actor, appointment_id=appointment_id,
              audio_muted=audio_muted, video_off=video_off)
    return await state(actor=actor, appointment_id=appointment_id)


async def waiting(*, actor: Actor) -> list[room_view.WaitingPatient]:
    """The doctor's dashboard: patients waiting now, longest first."""
    return await _db(room_view.waiting_patients, actor=actor)
