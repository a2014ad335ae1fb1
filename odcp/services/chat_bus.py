"""Live events per appointment (chat messages, read marks, presence; later the call state).

Why this shape: publishers are sync code in API worker threads and Reflex handlers on the
event loop; subscribers are WebSocket handlers and Reflex background tasks, each on some
event loop. `publish` never blocks and is safe from any thread: delivery hands each event
to the subscriber's own loop with `call_soon_threadsafe`.

One process: events fan out in memory. Several backend workers: set REDIS_URL and every
event goes through Redis pub/sub (one channel per appointment, payload sealed with the
encryption key so Redis never sees message text); each process listens on one pattern
subscription and fans out locally. Both paths end in `_deliver`, so subscribers and the
presence book behave the same either way. A subscriber that falls too far behind gets a
single {"type": "resync"} and should reload the history.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event as sa_event
from sqlmodel import Session

from odcp.services.crypto import decrypt_bytes, encrypt_bytes
from odcp.settings import get_settings

log = logging.getLogger("odcp.chat_bus")

Event = dict[str, Any]
QUEUE_LIMIT = 1000
PRESENCE_TTL = {"online": 45, "typing": 6, "offline": 0}  # seconds, unless renewed
RESYNC: Event = {"type": "resync"}


class Subscription:
    """One listener's queue, bound to the event loop it was created on."""

    def __init__(self, appointment_id: int) -> None:
        self.appointment_id = appointment_id
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_LIMIT)

    def _offer(self, event: Event) -> None:  # runs on self.loop
        if self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
            event = RESYNC
        self.queue.put_nowait(event)

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or None after `timeout` seconds without one."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        return await self.queue.get()


class PresenceBook:
    """Who is online or typing, per appointment, from presence events (with expiry)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, int], tuple[str, str, float]] = {}

    def note(self, appointment_id: int, event: Event) -> None:
        key = (appointment_id, int(event["user_id"]))
        with self._lock:
            if event["state"] == "offline":
                self._seen.pop(key, None)
            else:
                expires = time.monotonic() + float(event.get("ttl", 0))
                self._seen[key] = (event["part"], event["state"], expires)

    def sent(self, appointment_id: int, user_id: int) -> None:
        """Sending a message ends "typing" (the sender stays online)."""
        key = (appointment_id, user_id)
        with self._lock:
            if key in self._seen and self._seen[key][1] == "typing":
                part = self._seen[key][0]
                self._seen[key] = (part, "online", time.monotonic() + PRESENCE_TTL["online"])

    def states(self, appointment_id: int) -> dict[str, str]:
        """{'patient': 'online', 'doctor': 'typing'}; absent or expired parts are offline."""
        now = time.monotonic()
        with self._lock:
            found = {part: state for (appt, _user), (part, state, expires) in self._seen.items()
                     if appt == appointment_id and expires > now}
        return found


class _RedisTransport:
    """Publishes from a sender thread and listens on a pattern subscription in another."""

    def __init__(self, url: str, prefix: str, deliver) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_keepalive=True)
        self._prefix = prefix
        self._deliver = deliver
        self._outbox: queue.SimpleQueue[tuple[str, bytes] | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self.ready = threading.Event()
        for target in (self._send_loop, self._listen_loop):
            threading.Thread(target=target, daemon=True, name=f"chat-bus-{target.__name__}"
                             ).start()

    def _context(self, channel: str) -> str:
        return f"chat_bus:{channel}"

    def send(self, appointment_id: int, event: Event) -> None:
        channel = f"{self._prefix}{appointment_id}"
        sealed = encrypt_bytes(json.dumps(event).encode(), context=self._context(channel))
        self._outbox.put((channel, sealed))

    def _send_loop(self) -> None:
        while (item := self._outbox.get()) is not None:
            for attempt in (1, 2):
                try:
                    self._client.publish(*item)
                    break
                except Exception:
                    log.warning("redis publish failed (attempt %s)", attempt, exc_info=True)
                    time.sleep(0.2)

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(f"{self._prefix}*")
                pubsub.get_message(timeout=5)  # the psubscribe confirmation
                if self.ready.is_set():  # a reconnect: events may have been missed
                    self._deliver(None, RESYNC)
                self.ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "pmessage":
                        self._receive(message["channel"], message["data"])
                pubsub.close()
            except Exception:
                log.warning("redis subscription lost; reconnecting", exc_info=True)
                time.sleep(1.0)

    def _receive(self, channel: bytes, data: bytes) -> None:
        name = channel.decode()
        try:
            event = json.loads(decrypt_bytes(data, context=self._context(name)))
            appointment_id = int(name[len(self._prefix):])
        except Exception:
            log.warning("dropped an unreadable event on %s", name)
            return
        self._deliver(appointment_id, event)

    def close(self) -> None:
        self._stop.set()
        self._outbox.put(None)


class ChatBus:
    """Publish/subscribe per appointment; see the module docstring."""

    def __init__(self, redis_url: str = "", prefix: str = "odcp:chat:") -> None:
        self._lock = threading.Lock()
        self._subs: dict[int, set[Subscription]] = {}
        self._joined: dict[tuple[int, int], int] = {}
        self.presence = PresenceBook()
        self._redis = _RedisTransport(redis_url, prefix, self._deliver) if redis_url else None

    def publish(self, appointment_id: int, event: Event) -> None:
        """Send `event` to every subscriber of the appointment; never blocks."""
        if self._redis is not None:
            self._redis.send(appointment_id, event)
        else:
            self._deliver(appointment_id, event)

    @asynccontextmanager
    async def subscribe(self, appointment_id: int) -> AsyncIterator[Subscription]:
        """Receive the appointment's events on the current loop while the block runs."""
        if self._redis is not None and not self._redis.ready.is_set():
            ready = await asyncio.to_thread(self._redis.ready.wait, 10)
            if not ready:
                raise ConnectionError("the chat bus cannot reach Redis")
        sub = Subscription(appointment_id)
        with self._lock:
            self._subs.setdefault(appointment_id, set()).add(sub)
        try:
            yield sub
        finally:
            with self._lock:
                subs = self._subs.get(appointment_id, set())
                subs.discard(sub)
                if not subs:
                    self._subs.pop(appointment_id, None)

    def announce(self, appointment_id: int, *, user_id: int, part: str, state: str) -> None:
        """Publish a presence change; it lasts PRESENCE_TTL[state] seconds unless renewed."""
        self.publish(appointment_id, {"type": "presence", "user_id": user_id, "part": part,
                                      "state": state, "ttl": PRESENCE_TTL[state]})

    @asynccontextmanager
    async def join(self, appointment_id: int, *, user_id: int, part: str
                   ) -> AsyncIterator[Subscription]:
        """Subscribe and be online; offline is announced when the user's last open block in
        this process ends (a second tab closing does not take the first one offline)."""
        key = (appointment_id, user_id)
        async with self.subscribe(appointment_id) as sub:
            with self._lock:
                self._joined[key] = self._joined.get(key, 0) + 1
            self.announce(appointment_id, user_id=user_id, part=part, state="online")
            try:
                yield sub
            finally:
                with self._lock:
                    self._joined[key] -= 1
                    last = self._joined[key] <= 0
                    if last:
                        del self._joined[key]
                if last:
                    self.announce(appointment_id, user_id=user_id, part=part, state="offline")

    def _deliver(self, appointment_id: int | None, event: Event) -> None:
        """Hand `event` to local subscribers (all of them when appointment_id is None)."""
        if appointment_id is not None and event.get("type") == "presence":
            self.presence.note(appointment_id, event)
        elif appointment_id is not None and event.get("type") == "message":
            sender = (event.get("message") or {}).get("sender_id")
            if sender is not None:
                self.presence.sent(appointment_id, int(sender))
        with self._lock:
            if appointment_id is None:
                targets = [s for subs in self._subs.values() for s in subs]
            else:
                targets = list(self._subs.get(appointment_id, ()))
        for sub in targets:
            try:
                sub.loop.call_soon_threadsafe(sub._offer, event)
            except RuntimeError:  # that loop has closed; its block will never exit
                with self._lock:
                    self._subs.get(sub.appointment_id, set()).discard(sub)

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()


_bus: ChatBus | None = None
_bus_lock = threading.Lock()


def get_bus() -> ChatBus:
    """The process-wide bus, over Redis when REDIS_URL is set."""
    global _bus
    with _bus_lock:
        if _bus is None:
            _bus = ChatBus(get_settings().redis_url)
        return _bus


def publish_after_commit(session: Session, appointment_id: int, event: Event) -> None:
    """Publish `event` when the session's transaction commits; drop it if it rolls back.

    Why: subscribers must never hear about a message that was not saved."""
    if "chat_bus_events" not in session.info:
        session.info["chat_bus_events"] = []

        def committed(s: Session) -> None:
            events, s.info["chat_bus_events"] = s.info["chat_bus_events"], []
            for appt_id, item in events:
                get_bus().publish(appt_id, item)

        sa_event.listen(session, "after_commit", committed)
        sa_event.listen(session, "after_rollback",
                        lambda s: s.info.__setitem__("chat_bus_events", []))
    session.info["chat_bus_events"].append((appointment_id, event))


def use_bus(bus: ChatBus | None) -> None:
    """Swap the process-wide bus (tests); None makes the next get_bus() build a new one."""
    global _bus
    with _bus_lock:
        if _bus is not None and _bus is not bus:
            _bus.close()
        _bus = bus
