"""The plumbing of the chat panel's background task: is the tab still there, and a way
for the `close` handler to wake the task so it ends (and the user goes offline) at once.

Why: a Reflex 0.10 background task is not cancelled when the browser tab closes or the
user navigates away; it must notice by itself. Three signals, cheapest first:
`wake_to_leave` (same process, immediate), the state's generation / page check done by
the task under its state lock, and `client_connected` (odcp.state.live_tab: Reflex's
token manager, which works across workers when Reflex uses Redis).
"""

from __future__ import annotations

import contextlib

from odcp.services.chat_bus import RESYNC, Event, Subscription
from odcp.state.live_tab import client_connected

LEAVE: Event = {"type": "leave"}
__all__ = [
    "LEAVE",
    "RESYNC",
    "client_connected",
    "follow_from",
    "forget",
    "next_batch",
    "wake_to_leave",
]
_following: dict[str, Subscription] = {}


def follow_from(token: str, sub: Subscription) -> None:
    """Remember the tab's live subscription (a newer one replaces it)."""
    old = _following.get(token)
    if old is not None and old is not sub:
        _wake(old)
    _following[token] = sub


def forget(token: str, sub: Subscription) -> None:
    if _following.get(token) is sub:
        del _following[token]


def _wake(sub: Subscription) -> None:
    with contextlib.suppress(RuntimeError):  # its loop is gone, and the task with it
        sub.loop.call_soon_threadsafe(sub._offer, LEAVE)


def wake_to_leave(token: str) -> None:
    """Tell this tab's task (if it runs in this process) to stop now."""
    sub = _following.get(token)
    if sub is not None:
        _wake(sub)


async def next_batch(sub: Subscription, timeout: float) -> list[Event]:
    """The events waiting (at least one unless `timeout` passes first)."""
    first = await sub.get(timeout=timeout)
    batch = [] if first is None else [first]
    while not sub.queue.empty():
        batch.append(sub.queue.get_nowait())
    return batch
