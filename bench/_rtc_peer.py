"""Synthetic WebRTC peers (aiortc) for the relay tests and bench.relay.

Each peer sends a solid-colour video (its own colour) and a sine tone (its own pitch), so a
receiver can tell whose media it got: crosswise through the relay, or looped back. No
numpy: frames are filled and measured plane by plane.
"""

from __future__ import annotations

import asyncio
import fractions
import functools
import itertools
import math
import random
import re
import time
from array import array
from collections.abc import Awaitable, Callable

import av
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (30, 200, 40)
SAMPLE_RATE = 48_000
AUDIO_SAMPLES = 960  # 20 ms
LOOP_BIT_RATE = 1_000_000  # a typical browser VGA stream


def _yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = rgb
    y = 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256
    u = 128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256
    v = 128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256
    return round(y), round(u), round(v)


class ColourTrack(VideoStreamTrack):
    """A solid colour at 30 frames per second."""

    def __init__(self, rgb: tuple[int, int, int], size: tuple[int, int] = (160, 120)) -> None:
        super().__init__()
        self.size, self._yuv = size, _yuv(rgb)

    async def recv(self) -> VideoFrame:
        frame = self.render()
        frame.pts, frame.time_base = await self.next_timestamp()
        return frame

    def render(self) -> VideoFrame:
        frame = VideoFrame(self.size[0], self.size[1], "yuv420p")
        for plane, value in zip(frame.planes, self._yuv, strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        return frame


@functools.cache
def _texture(width: int, height: int) -> bytes:
    """A diagonal gradient with some grain, built once per size."""
    noise = random.Random(7).randbytes(width * height)
    return bytes((x // 3 + y // 2 + noise[y * width + x] % 24) % 256
                 for y in range(height) for x in range(width))


class MovingTrack(ColourTrack):
    """Camera-like load for the benchmark: a textured picture that pans 4 pixels a frame
    (a solid colour would cost the encoder next to nothing); U/V keep the peer's colour."""

    def __init__(self, rgb: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> None:
        super().__init__(rgb, size)
        self._stride = size[0] * 2
        self._texture = _texture(self._stride, size[1])
        self._shift = 0

    def render(self) -> VideoFrame:
        frame = super().render()
        width, height = self.size
        self._shift = (self._shift + 4) % width
        luma = frame.planes[0]
        pad = bytes(luma.line_size - width)
        start = self._shift
        luma.update(b"".join(self._texture[row * self._stride + start:
                                           row * self._stride + start + width] + pad
                             for row in range(height)))
        return frame


class EncodedLoopTrack(VideoStreamTrack):
    """A MovingTrack encoded once (VP8) and sent in a loop at 30 fps: the peer only packs
    packets, so in the benchmark the peers' process does not compete with the relay for
    CPU by encoding. The loop starts with a keyframe, which is what the relay decodes first."""

    def __init__(self, rgb: tuple[int, int, int], size: tuple[int, int] = (640, 480),
                 seconds: float = 3.0, bit_rate: int = LOOP_BIT_RATE) -> None:
        super().__init__()
        self._packets = encoded_loop(rgb, size, int(30 * seconds), bit_rate)
        self._index = 0

    async def recv(self) -> av.Packet:
        pts, time_base = await self.next_timestamp()
        packet = av.Packet(self._packets[self._index % len(self._packets)])
        self._index += 1
        packet.pts, packet.time_base = pts, time_base
        return packet


@functools.cache
def encoded_loop(rgb: tuple[int, int, int], size: tuple[int, int], count: int,
                 bit_rate: int) -> list[bytes]:
    """`count` frames of a MovingTrack as VP8 frames, one keyframe first."""
    source = MovingTrack(rgb, size)
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = size[0], size[1], "yuv420p"
    codec.bit_rate, codec.gop_size = bit_rate, count
    codec.time_base = fractions.Fraction(1, 30)
    codec.options = {"deadline": "realtime", "cpu-used": "-6", "lag-in-frames": "0"}

    packets = []
    for index in range(count):
        frame = source.render()
        frame.pts, frame.time_base = index, codec.time_base
        packets += [bytes(p) for p in codec.encode(frame)]
    packets += [bytes(p) for p in codec.encode(None)]
    return packets


class ToneTrack(MediaStreamTrack):
    """A sine tone, 20 ms mono frames at 48 kHz."""

    kind = "audio"

    def __init__(self, hz: float) -> None:
        super().__init__()
        second = array("h", (int(8000 * math.sin(2 * math.pi * hz * i / SAMPLE_RATE))
                             for i in range(SAMPLE_RATE))).tobytes()
        self._two_seconds = second + second  # a frame may wrap past the end of one
        self._start: float | None = None
        self._pts = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += AUDIO_SAMPLES
            await asyncio.sleep(self._start + self._pts / SAMPLE_RATE - time.monotonic())
        frame = AudioFrame(format="s16", layout="mono", samples=AUDIO_SAMPLES)
        at = 2 * (self._pts % SAMPLE_RATE)
        frame.planes[0].update(self._two_seconds[at:at + 2 * AUDIO_SAMPLES])
        frame.pts, frame.sample_rate = self._pts, SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


def candidate_addresses(sdp: str) -> set[str]:
    """The addresses of every ICE candidate in an SDP."""
    return {m.group(1) for m in re.finditer(r"a=candidate:\S+ \d+ \S+ \d+ (\S+) ", sdp)}


def plane_mean(frame: VideoFrame, index: int) -> float:
    """Mean sample of one plane over its pixels (not the padding at the end of each line)."""
    plane = frame.planes[index]
    data, total, count = bytes(plane), 0, 0
    for row in range(0, plane.height, 4):
        line = data[row * plane.line_size:row * plane.line_size + plane.width]
        total, count = total + sum(line), count + len(line)
    return total / count


def looks_like(frame: VideoFrame, rgb: tuple[int, int, int], tolerance: float = 25) -> bool:
    """The decoded frame's mean Y, U and V are near those of `rgb`."""
    return all(abs(plane_mean(frame, i) - want) <= tolerance
               for i, want in enumerate(_yuv(rgb)))


def tone_hz(frames: list[AudioFrame]) -> float:
    """Estimated pitch of decoded audio (first channel), from zero crossings."""
    samples: list[int] = []
    for frame in frames:
        channels = len(frame.layout.channels)
        samples.extend(array("h", bytes(frame.planes[0]))[:frame.samples * channels:channels])
    if not samples:
        return 0.0
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / frames[0].sample_rate)


class Peer:
    """One side of a call: sends colour + tone, keeps what it receives."""

    def __init__(self, rgb: tuple[int, int, int], hz: float, *, video: bool = True,
                 size: tuple[int, int] = (160, 120), encoded: bool = False,
                 keep: int = 50) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.video: list[VideoFrame] = []
        self.audio: list[AudioFrame] = []
        self.video_count = self.audio_count = 0
        self.first_video_at: float | None = None
        self.kinds: set[str] = set()
        self._keep = keep
        self._tasks: list[asyncio.Task] = []
        self.pc.addTrack(ToneTrack(hz))
        if video:
            self.pc.addTrack(EncodedLoopTrack(rgb, size) if encoded else
                             ColourTrack(rgb, size))
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        self.kinds.add(track.kind)
        self._tasks.append(asyncio.ensure_future(self._read(track)))

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                self.video_count += 1
                self.first_video_at = self.first_video_at or time.perf_counter()
                self.video = [*self.video[-self._keep + 1:], frame]
            else:
                self.audio_count += 1
                self.audio = [*self.audio[-self._keep + 1:], frame]

    async def offer(self) -> str:
        """The offer after ICE gathering (aiortc gathers in setLocalDescription)."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def connect(self, signal: Callable[[str], Awaitable[str]]) -> float:
        """Offer, get the answer through `signal`, apply it; returns when the offer left."""
        sdp = await self.offer()
        sent = time.perf_counter()
        await self.pc.setRemoteDescription(RTCSessionDescription(await signal(sdp), "answer"))
        return sent

    def forget(self) -> None:
        self.video, self.audio = [], []
        self.video_count = self.audio_count = 0

    async def wait_for(self, *, video: int = 0, audio: int = 0, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.video_count < video or self.audio_count < audio:
            if time.monotonic() > deadline:
                raise TimeoutError(f"got {self.video_count} video / {self.audio_count} "
                                   f"audio frames, wanted {video} / {audio}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.pc.close()
        for task in self._tasks:
            task.cancel()
