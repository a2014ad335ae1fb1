"""The media relay of consultation calls: one aiortc peer connection per side, crosswise.

Each side (patient, doctor) sends its SDP offer (with all its ICE candidates: aiortc has no
trickle ICE) and gets the relay's answer. What one side sends, the relay forwards to the
other through aiortc's MediaRelay (decode once, re-encode per receiver), never back to the
sender. The tracks sent to a side are ForwardTracks on the transceivers of its own offer,
so when the other side drops and rejoins only the rejoining side negotiates again.

Single process: calls live in this process's memory, keyed by appointment id, on the
event loop of the backend. Both sides of a call must reach the same process. Several
backend workers would need sticky routing of /room/offer by appointment id (or one
dedicated media process/SFU the workers hand offers to) and the `live` answers of
`live_parts` shared (e.g. in Redis); the room's rules and records are in the database and
already work across workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamTrack

from odcp.services import rtc_ice
from odcp.services.relay_tracks import ForwardTrack, start_reading

log = logging.getLogger("odcp.relay")
CONNECT_TIMEOUT = 30.0  # seconds from answer to connected before the attempt is dropped
StateCallback = Callable[[str, str], Awaitable[None]]  # (part, "connected" | "lost: why")


@dataclass
class _Side:
    pc: RTCPeerConnection | None = None
    received: dict[str, MediaStreamTrack] = field(default_factory=dict)  # not yet flowing
    incoming: dict[str, MediaStreamTrack] = field(default_factory=dict)  # flowing
    outgoing: dict[str, ForwardTrack] = field(default_factory=dict)
    readers: list[MediaStreamTrack] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


@dataclass
class _Call:
    kinds: tuple[str, ...]
    relay: MediaRelay = field(default_factory=MediaRelay)
    sides: dict[str, _Side] = field(default_factory=dict)

    def other(self, side: _Side) -> _Side | None:
        return next((s for s in self.sides.values() if s is not side), None)


class RelayHub:
    """All calls of this process. Not thread-safe: use it from the event loop only."""

    def __init__(self, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self._calls: dict[int, _Call] = {}
        self._locks: weakref.WeakValueDictionary[tuple[int, str], asyncio.Lock] = \
            weakref.WeakValueDictionary()
        self.connect_timeout = connect_timeout
        self._tasks: set[asyncio.Future] = set()

    def _spawn(self, coro: Awaitable[None]) -> None:
        """Run `coro` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, call_id: int, part: str) -> asyncio.Lock:
        """One negotiation at a time per side (a double-clicked Join sends two offers)."""
        lock = self._locks.get((call_id, part))
        if lock is None:
            lock = self._locks[(call_id, part)] = asyncio.Lock()
        return lock

    def live_parts(self, call_id: int) -> frozenset[str]:
        """The sides whose media is flowing through this process now."""
        call = self._calls.get(call_id)
        if call is None:
            return frozenset()
        return frozenset(p for p, s in call.sides.items()
                         if s.pc is not None and s.pc.connectionState == "connected")

    def calls(self) -> int:
        return len(self._calls)

    def frames_forwarded(self, kind: str) -> int:
        """Frames of `kind` handed to the encoders of the current connections so far."""
        return sum(track.frames for call in self._calls.values()
                   for side in call.sides.values() for track in side.outgoing.values()
                   if track.kind == kind)

    async def answer(self, *, call_id: int, part: str, kinds: tuple[str, ...], sdp: str,
                     on_state: StateCallback) -> RTCSessionDescription:
        """Answer `part`'s offer, replacing its previous connection if any."""
        async with self._lock(call_id, part):
            return await self._answer(call_id, part, kinds, sdp, on_state)

    async def _answer(self, call_id: int, part: str, kinds: tuple[str, ...], sdp: str,
                      on_state: StateCallback) -> RTCSessionDescription:
        call = self._calls.setdefault(call_id, _Call(kinds=kinds))
        await self._drop_side(call, part)
        side = call.sides[part] = _Side()
        pc = side.pc = RTCPeerConnection(rtc_ice.rtc_configuration())

        @pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            if track.kind in call.kinds and side.pc is pc:
                side.received.setdefault(track.kind, track)

        @pc.on("connectionstatechange")
        async def _state() -> None:
            if side.pc is not pc:
                return  # a replaced or dropped connection: its side has moved on
            if pc.connectionState == "connected":
                self._cancel_timer(side)
                self._wire_incoming(call, side)
                await on_state(part, "connected")
            elif pc.connectionState in ("failed", "closed"):
                await self._lose(call_id, part, pc, f"connection {pc.connectionState}",
                                 on_state)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            self._wire_outgoing(call, side, pc)
            if not side.outgoing:
                raise ValueError(f"the offer has no {' or '.join(call.kinds)} section")
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception:
            await self._drop_side(call, part)
            self._forget_if_empty(call_id)
            raise
        side.timer = asyncio.get_running_loop().call_later(
            self.connect_timeout, lambda: self._spawn(
                self._lose(call_id, part, pc, "no connection within the time limit",
                           on_state)))
        return pc.localDescription

    def _wire_outgoing(self, call: _Call, side: _Side, pc: RTCPeerConnection) -> None:
        """Send the other side's media on the first transceiver of each allowed kind;
        every other transceiver (video in an audio call) is inactive."""
        other = call.other(side)
        for transceiver in pc.getTransceivers():
            kind = transceiver.kind
            if kind not in call.kinds or kind in side.outgoing:
                transceiver.direction = "inactive"
                continue
            track = side.outgoing[kind] = ForwardTrack(kind)
            transceiver.sender.replaceTrack(track)
            transceiver.direction = "sendrecv"
            if other is not None and kind in other.incoming:
                track.set_source(self._subscribe(call, other.incoming[kind]))

    def _wire_incoming(self, call: _Call, side: _Side) -> None:
        """Media flows: consume this side's tracks and forward them to the other side."""
        other = call.other(side)
        for kind, track in side.received.items():
            side.incoming[kind] = track
            reader = call.relay.subscribe(track, buffered=False)
            side.readers.append(reader)
            self._spawn(start_reading(reader))
            if other is not None and kind in other.outgoing:
                other.outgoing[kind].set_source(self._subscribe(call, track))
        side.received = {}

    @staticmethod
    def _subscribe(call: _Call, track: MediaStreamTrack) -> MediaStreamTrack:
        # Video unbuffered: a busy encoder skips frames instead of falling behind;
        # audio buffered: a skipped audio frame is an audible click.
        return call.relay.subscribe(track, buffered=track.kind == "audio")

    async def _lose(self, call_id: int, part: str, pc: RTCPeerConnection, why: str,
                    on_state: StateCallback) -> None:
        call = self._calls.get(call_id)
        side = call.sides.get(part) if call else None
        if side is None or side.pc is not pc:
            return
        await self._drop_side(call, part)
        self._forget_if_empty(call_id)
        await on_state(part, f"lost: {why}")

    @staticmethod
    def _cancel_timer(side: _Side) -> None:
        if side.timer is not None:
            side.timer.cancel()
            side.timer = None

    async def _drop_side(self, call: _Call, part: str) -> None:
        side = call.sides.pop(part, None)
        if side is None:
            return
        self._cancel_timer(side)
        pc, side.pc = side.pc, None
        if pc is not None:
            with contextlib.suppress(Exception):
                await pc.close()
        for track in [*side.outgoing.values(), *side.readers]:
            track.stop()

    def _forget_if_empty(self, call_id: int) -> None:
        call = self._calls.get(call_id)
        if call is not None and not call.sides:
            del self._calls[call_id]

    async def drop(self, call_id: int, part: str) -> None:
        """`part` left: close its connection; the other side keeps its own."""
        call = self._calls.get(call_id)
        if call is not None:
            await self._drop_side(call, part)
            self._forget_if_empty(call_id)

    async def close_call(self, call_id: int) -> None:
        """The consultation ended: close both sides."""
        call = self._calls.pop(call_id, None)
        for part in list(call.sides) if call else []:
            await self._drop_side(call, part)

    async def close_all(self) -> None:
        for call_id in list(self._calls):
            await self.close_call(call_id)


_HUB: RelayHub | None = None


def hub() -> RelayHub:
    """The process's relay (created on first use, with the ICE settings applied)."""
    global _HUB
    if _HUB is None:
        rtc_ice.apply_settings()
        _HUB = RelayHub()
    return _HUB


@contextlib.asynccontextmanager
async def closed_at_shutdown():
    """Lifespan task: hang up every call when the backend stops, so browsers see the call
    end (and can rejoin another worker) instead of waiting for ICE to time out."""
    try:
        yield
    finally:
        if _HUB is not None:
            await _HUB.close_all()
