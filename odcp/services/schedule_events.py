"""Live "this doctor's free times changed" signals, so an open booking page drops a slot
the moment someone else takes it.

Why the chat bus: it already does what is needed here (publish from any thread, deliver
on each subscriber's own loop, in memory for one process or over Redis pub/sub for
several workers); only the key differs: a doctor profile id instead of an appointment id,
on channels of their own (`odcp:schedule:<doctor id>`).

Who publishes: `next_slot_sync`, which already learns of every committed change to a
doctor's appointments, time off, rules, overrides and the policy; so no service can
forget to tell the open pages. The signal carries no data (a page re-reads its slots
through `slots.open_slots`, with the viewer's rights), and it is sent only after the
commit: a page never hides a slot for a booking that rolled back.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from odcp.services.chat_bus import ChatBus, Subscription
from odcp.settings import get_settings

CHANGED = {"type": "slots_changed"}
_bus: ChatBus | None = None
_lock = threading.Lock()


def _get_bus() -> ChatBus:
    global _bus
    with _lock:
        if _bus is None:
            _bus = ChatBus(get_settings().redis_url, prefix="odcp:schedule:")
        return _bus


def announce(doctor_ids: Iterable[int]) -> None:
    """Tell the open pages of these doctors that their free times changed (never blocks)."""
    bus = _get_bus()
    for doctor_id in doctor_ids:
        bus.publish(doctor_id, CHANGED)


@asynccontextmanager
async def watch(doctor_id: int) -> AsyncIterator[Subscription]:
    """Receive the doctor's change signals on the current loop while the block runs."""
    async with _get_bus().subscribe(doctor_id) as sub:
        yield sub
