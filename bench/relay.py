"""Server CPU per relayed 1:1 VGA call, calls per core, and offer-to-first-frame time.

The relay (odcp.services.media_relay.RelayHub) runs in this process; the two peers of each
call (640x480 panning texture, VP8 at 30 fps, + a 48 kHz tone each) run in a child process
per call, so `time.process_time()` here counts the relay's work alone (all its threads:
aiortc encodes in an executor). Signalling is one JSON line per offer over a 127.0.0.1
socket; ICE host candidates are restricted to 127.0.0.1 in all processes.

Baseline, measured in the same run: the bare transcoding a relay cannot avoid (decode and
re-encode of VP8 video and Opus audio, both directions) with aiortc's own codecs, from the
same synthetic content. `ratio` = relay CPU / that baseline: what RTP, SRTP, DTLS, ICE and
asyncio add on top.

`relay_fps` is what the relay forwarded per side; below 27 (`saturated=1`) the call did not
run at 30 fps (the relay or the peers lacked CPU: calls + peers exceed the free cores, or
the machine is busy) and
`cpu_per_call` is scaled to 30 fps from the raw figure, which overstates it somewhat (the
relay still decodes every incoming frame but re-encodes only those it can).

Usage: `.venv/bin/python -m bench.relay [--calls N] [--seconds S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time

from bench._rtc_peer import BLUE, LOOP_BIT_RATE, RED, Peer, ToneTrack, encoded_loop
from bench.common import HOST, REPO_ROOT, bench_line
from odcp.services import rtc_ice
from odcp.services.media_relay import RelayHub

VGA = (640, 480)
FPS = 30
WARMUP = 4.0


async def _serve(hub: RelayHub, connected: set[tuple[int, str]]) -> asyncio.Server:
    async def on_state(call: int, part: str, event: str) -> None:
        (connected.add if event == "connected" else connected.discard)((call, part))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        req = json.loads(await reader.readline())
        call, part = req["call"], req["part"]
        answer = await hub.answer(
            call_id=call, part=part, kinds=("audio", "video"), sdp=req["sdp"],
            on_state=lambda p, e, c=call: on_state(c, p, e))
        writer.write(json.dumps({"sdp": answer.sdp}).encode() + b"\n")
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, HOST, 0, limit=2**20)


async def _read_stdin_line() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


async def run_peers(port: int, call: int) -> None:
    """Child process, one per call (one Python process cannot drive many VGA peers: its
    event loop thread saturates): connect both sides, report frame counts at mark/stop."""
    rtc_ice.restrict_host_addresses(rtc_ice.LOOPBACK)
    peers: list[Peer] = []

    async def join(part: str) -> float:
        peer = Peer(RED if part == "patient" else BLUE, 440, size=VGA, encoded=True)
        peers.append(peer)

        async def signal(sdp: str) -> str:
            reader, writer = await asyncio.open_connection(HOST, port, limit=2**20)
            writer.write(json.dumps({"call": call, "part": part, "sdp": sdp}).encode() + b"\n")
            answer = json.loads(await reader.readline())["sdp"]
            writer.close()
            return answer

        sent = await peer.connect(signal)
        await peer.wait_for(video=1, timeout=60)
        return (peer.first_video_at - sent) * 1000

    first = await asyncio.gather(join("patient"), join("doctor"))
    print(json.dumps({"first_frame_ms": first}), flush=True)
    marks = []
    for command in ("mark", "stop"):
        assert (await _read_stdin_line()).strip() == command
        marks.append((time.perf_counter(), sum(p.video_count for p in peers)))
    fps = (marks[1][1] - marks[0][1]) / (marks[1][0] - marks[0][0]) / len(peers)
    print(json.dumps({"fps": fps}), flush=True)
    for peer in peers:
        await peer.close()


def transcode_cpu_per_call(seconds: float = 3.0) -> float:
    """CPU (cores) to decode + re-encode one call's media, both directions, at real rate."""
    from aiortc.codecs.opus import OpusDecoder, OpusEncoder
    from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder
    from aiortc.jitterbuffer import JitterFrame

    async def tone(n: int) -> list:
        track = ToneTrack(440)
        return [await track.recv() for _ in range(n)]

    video = encoded_loop(RED, VGA, 90, LOOP_BIT_RATE)  # what the peers send
    audio = asyncio.run(tone(int(50 * seconds)))
    source_a = OpusEncoder()
    encoded_a = [source_a.encode(f) for f in audio]
    started = time.process_time()
    for _direction in range(2):
        dec_v, enc_v, dec_a, enc_a = Vp8Decoder(), Vp8Encoder(), OpusDecoder(), OpusEncoder()
        for index in range(int(30 * seconds)):
            packet = JitterFrame(data=video[index % len(video)], timestamp=index * 3000)
            for frame in dec_v.decode(packet):
                enc_v.encode(frame)
        for payloads, ts in encoded_a:
            for frame in dec_a.decode(JitterFrame(data=payloads[0], timestamp=ts)):
                enc_a.encode(frame)
    return (time.process_time() - started) / seconds


async def measure(calls: int, seconds: float) -> dict[str, float]:
    rtc_ice.restrict_host_addresses(rtc_ice.LOOPBACK)
    hub, connected = RelayHub(), set()
    server = await _serve(hub, connected)
    port = server.sockets[0].getsockname()[1]
    children = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.relay", "--peers", str(port), "--call", str(call),
        cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for call in range(calls)]

    async def tell_all(command: bytes, timeout: float) -> list[dict]:
        for child in children:
            if command:
                child.stdin.write(command)
        return [json.loads(await asyncio.wait_for(child.stdout.readline(), timeout))
                for child in children]

    try:
        first = [ms for r in await tell_all(b"", 120) for ms in r["first_frame_ms"]]
        while len(connected) < 2 * calls:
            await asyncio.sleep(0.1)
        await asyncio.sleep(WARMUP)
        for child in children:
            child.stdin.write(b"mark\n")
        cpu0, wall0 = time.process_time(), time.perf_counter()
        frames0 = hub.frames_forwarded("video")
        await asyncio.sleep(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        relay_fps = (hub.frames_forwarded("video") - frames0) / wall / (2 * calls)
        fps = statistics.mean(r["fps"] for r in await tell_all(b"stop\n", 60))
        for child in children:
            await child.wait()
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
        await hub.close_all()
        server.close()
    return {"cpu_per_call": cpu / wall / calls, "fps": fps, "relay_fps": relay_fps,
            "first_frame_ms": statistics.median(first)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--peers", type=int, help=argparse.SUPPRESS)  # child: server port
    parser.add_argument("--call", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peers:
        asyncio.run(run_peers(args.peers, args.call))
        return 0
    baseline = transcode_cpu_per_call()
    result = asyncio.run(measure(args.calls, args.seconds))
    raw = result["cpu_per_call"]
    # On a busy machine the relay may not get the CPU for 30 fps; its work is per frame, so
    # the figure is scaled to a 30 fps call (relay_fps and the raw figure are printed).
    per_call = raw * FPS / min(FPS, max(result["relay_fps"], 0.1))
    bench_line("relay", calls=args.calls, cpu_per_call=f"{per_call:.3f}",
               calls_per_core=f"{1 / per_call:.2f}",
               first_frame_ms=f"{result['first_frame_ms']:.0f}",
               relay_fps=f"{result['relay_fps']:.1f}", fps_received=f"{result['fps']:.1f}",
               cpu_per_call_raw=f"{raw:.3f}",
               saturated=int(result["relay_fps"] < 0.9 * FPS),
               baseline_transcode_cpu_per_call=f"{baseline:.3f}",
               ratio=f"{per_call / baseline:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
