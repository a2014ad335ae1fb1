"""p95 delivery latency of chat messages with 100 concurrent conversations.

Setup: a throwaway SQLite instance with 100 doctor/patient pairs, each with a confirmed
chat appointment and API tokens (minted directly: 200 bcrypt sign-ins would only time
bcrypt). One uvicorn process serves the API; this process opens 200 WebSockets (both
sides of every conversation) and every conversation sends RATE messages a second,
alternating sides, through POST /messages (open loop: a slow answer never delays the next
send). Latency is from just before the POST to the moment the *other* party's WebSocket
delivers the event, both read on this process's monotonic clock.

Baseline, same server, same run: a bare echo WebSocket (no auth, no DB, no bus) driven by
the same 200 sockets at the same rate; `ratio` = chat p95 / echo p95.

Usage: `.venv/bin/python -m bench.chat` from the repository root.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from fastapi import WebSocket, WebSocketDisconnect
from simple_websocket import AioClient, ConnectionClosed

from bench.api import _migrate, _use_instance
from bench.common import bench_line, percentile, serve

CONVERSATIONS = 100
# Messages per second per conversation: one every 4 s, alternating sides, so each person
# writes every 8 s (faster than people type) and the server sees 25 messages a second.
RATE = float(os.environ.get("ODCP_BENCH_CHAT_RATE", "0.25"))
SECONDS = float(os.environ.get("ODCP_BENCH_CHAT_SECONDS", "40"))
DRAIN_SECONDS = 10.0
ECHO_PATH = "/bench/echo"


def create_bench_app():
    """The real API plus a bare echo WebSocket for the baseline."""
    from odcp.api.app import create_api

    api = create_api()

    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        try:
            while True:
                await ws.send_text(await ws.receive_text())
        except WebSocketDisconnect:
            return

    api.add_api_websocket_route(ECHO_PATH, echo)
    return api


@dataclass
class Pair:
    appointment_id: int
    tokens: dict[str, str]  # part -> access token


def _seed(count: int) -> list[Pair]:
    """Doctors, patients, one confirmed chat appointment each, and their access tokens."""
    from odcp.db import session_scope
    from odcp.models import AccountStatus, Appointment, DoctorProfile, Role
    from odcp.models.base import utcnow
    from odcp.models.doctor import VerificationStatus
    from odcp.services import auth
    from odcp.services.accounts import build_user
    from odcp.services.actor import Actor

    pairs = []
    start = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    with session_scope() as session:
        for i in range(count):
            users = {part: build_user(session, email=f"{part}{i}@bench.example",
                                      password="", full_name=f"Bench {part.title()} {i}",
                                      role=role, status=AccountStatus.ACTIVE,
                                      password_hash="!unusable")  # noqa: S106
                     for part, role in (("doctor", Role.DOCTOR), ("patient", Role.PATIENT))}
            session.flush()
            profile = DoctorProfile(user_id=users["doctor"].id, timezone="UTC",
                                    modes=["chat"], verification_status=VerificationStatus.VERIFIED)
            session.add(profile)
            session.flush()
            appt = Appointment(patient_id=users["patient"].id, doctor_id=profile.id,
                               mode="chat", status="confirmed",
                               starts_at=start + timedelta(minutes=30 * i),
                               ends_at=start + timedelta(minutes=30 * i + 30))
            session.add(appt)
            session.flush()
            tokens = {part: auth.start_session(session, user=user, actor=Actor(ip="127.0.0.1"),
                                               kind="api").access_token
                      for part, user in users.items()}
            pairs.append(Pair(appointment_id=appt.id, tokens=tokens))
    return pairs


@dataclass
class Run:
    sent: dict[str, tuple[float, str]] = field(default_factory=dict)  # nonce -> (t0, part)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def _reader(ws: AioClient, part: str, run: Run, key: str) -> None:
    """Record latency when a message from the other side (or an echo) arrives."""
    while True:
        raw = await ws.receive()
        if raw is None:
            return
        event = json.loads(raw)
        nonce = event.get("nonce") if key == "echo" else (
            event.get("message", {}).get("text") if event.get("type") == "message" else None)
        sent = run.sent.get(nonce) if nonce else None
        if sent is not None and (key == "echo" or sent[1] != part):
            run.latencies.append(time.perf_counter() - sent[0])
            run.sent.pop(nonce, None)


async def _conversation(index: int, send, stop_at: float) -> None:
    """Steady sends, alternating sides; each send runs as its own task (open loop)."""
    interval = 1.0 / RATE
    next_at = time.perf_counter() + interval * (index / CONVERSATIONS)  # spread the starts
    turn = 0
    pending = set()
    while next_at < stop_at:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        task = asyncio.create_task(send(("patient", "doctor")[turn % 2]))
        pending.add(task)
        task.add_done_callback(pending.discard)
        turn += 1
        next_at += interval
    if pending:
        await asyncio.gather(*pending)


async def _open(url: str, first: dict | None) -> AioClient:
    ws = await AioClient.connect(url)
    if first is not None:
        await ws.send(json.dumps(first))
        ready = json.loads(await ws.receive(timeout=30))
        if ready.get("type") != "ready":
            raise RuntimeError(f"websocket refused: {ready}")
    return ws


async def _drive(base: str, pairs: list[Pair], echo: bool, seconds: float = SECONDS) -> Run:
    run = Run()
    ws_base = base.replace("http://", "ws://")
    sockets: dict[tuple[int, str], AioClient] = {}
    for pair in pairs:
        for part, token in pair.tokens.items():
            url = ws_base + (ECHO_PATH if echo else
                             f"/api/v1/appointments/{pair.appointment_id}/chat/ws")
            sockets[(pair.appointment_id, part)] = await _open(
                url, None if echo else {"type": "auth", "token": token})
    _log(f"{len(sockets)} sockets open")
    readers = [asyncio.create_task(_reader(ws, part, run, "echo" if echo else "chat"))
               for (_, part), ws in sockets.items()]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        def sender(pair: Pair):
            async def send(part: str) -> None:
                nonce = uuid.uuid4().hex
                run.sent[nonce] = (time.perf_counter(), part)
                try:
                    if echo:
                        await sockets[(pair.appointment_id, part)].send(
                            json.dumps({"nonce": nonce}))
                        return
                    resp = await client.post(
                        f"/api/v1/appointments/{pair.appointment_id}/chat/messages",
                        json={"text": nonce},
                        headers={"Authorization": f"Bearer {pair.tokens[part]}"})
                    resp.raise_for_status()
                except Exception:
                    run.errors += 1
                    run.sent.pop(nonce, None)
            return send

        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_conversation(i, sender(p), stop_at)
                               for i, p in enumerate(pairs)))
        deadline = time.perf_counter() + DRAIN_SECONDS
        while run.sent and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
    for task in readers:
        task.cancel()
    for ws in sockets.values():
        with contextlib.suppress(ConnectionClosed):
            await ws.close()
    return run


def _log(message: str) -> None:
    print(f"[bench.chat {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="odcp-bench-chat-") as instance_dir:
        env = _use_instance(instance_dir)
        _migrate()
        pairs = _seed(CONVERSATIONS)
        _log("seeded")
        with serve("bench.chat:create_bench_app", "/api/v1/health", env) as base:
            asyncio.run(_drive(base, pairs[:10], echo=False, seconds=8))  # warm-up
            _log("warm")
            echo = asyncio.run(_drive(base, pairs, echo=True))
            _log(f"echo done: {len(echo.latencies)} received")
            chat = asyncio.run(_drive(base, pairs, echo=False))
    lost = len(chat.sent) + chat.errors
    if not chat.latencies or not echo.latencies:
        print(f"bench.chat failed: chat errors={chat.errors} echo errors={echo.errors}",
              file=sys.stderr)
        return 1
    chat_p95 = percentile(chat.latencies, 95) * 1000
    echo_p95 = percentile(echo.latencies, 95) * 1000
    bench_line("chat", conversations=CONVERSATIONS, p95_ms=f"{chat_p95:.1f}",
               p50_ms=f"{percentile(chat.latencies, 50) * 1000:.1f}",
               messages=len(chat.latencies), lost=lost, rate_per_s=f"{CONVERSATIONS * RATE:.0f}",
               echo_p95_ms=f"{echo_p95:.1f}", ratio=f"{chat_p95 / echo_p95:.1f}")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
