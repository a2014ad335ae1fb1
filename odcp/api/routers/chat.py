"""/api/v1/appointments/{id}/chat: history, sending, attachments, read marks, live events.

The WebSocket authenticates with its first message, {"type": "auth", "token": "<access
token>"}, not with a `?token=` query parameter: URLs (and so the token) end up in access
logs, proxy logs and browser history, and browsers cannot set an Authorization header on
a WebSocket. Until that message arrives (within AUTH_SECONDS) nothing is sent. Close codes
mirror HTTP: 4401 not signed in (or signed out since), 4403 not allowed (administrators
read the history only), 4404 not your appointment (or none); 1011 for our own failure.
After {"type": "ready"} the server sends message, read, presence and resync events; the
client may send {"type": "typing"} and {"type": "ping"}.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from odcp.api.deps import browser_or_bearer_user, current_user, signed_in_actor
from odcp.db import session_scope
from odcp.models.chat import MessageView
from odcp.services import auth, chat, chat_presence
from odcp.services.actor import Actor
from odcp.services.errors import DomainError, Invalid, NotAuthenticated
from odcp.services.tokens import decode_jwt

router = APIRouter(prefix="/appointments/{appointment_id}/chat", tags=["chat"])
log = logging.getLogger("odcp.api.chat")
AUTH_SECONDS = 10
RECHECK_SECONDS = 60.0
TYPING_EVERY = 2.0  # a typing notice lasts 6 s; a keystroke each time would flood the bus
_MULTIPART_SLACK = 64 * 1024
T = TypeVar("T")


class AttachmentOut(BaseModel):
    id: int
    name: str
    content_type: str
    size_bytes: int


class MessageOut(BaseModel):
    id: int
    appointment_id: int
    sender_id: int
    sender: str
    text: str
    attachment: AttachmentOut | None
    created_at: datetime
    read: bool


class ChatPageOut(BaseModel):
    messages: list[MessageOut]
    has_more: bool
    can_write: bool
    notice: str
    closes_at: datetime
    read_up_to: dict[str, int]
    presence: dict[str, str]


class TextIn(BaseModel):
    text: str = Field(max_length=chat.MAX_TEXT + 1000)  # the service trims, then checks


class ReadIn(BaseModel):
    up_to_id: int


class ReadOut(BaseModel):
    up_to_id: int


def _out(view: MessageView) -> MessageOut:
    return MessageOut.model_validate(view.as_dict())


def _unit_of_work(request: Request, work: Callable[[Session, Actor], T], *,
                  browser: bool = False) -> Awaitable[T]:
    """Authenticate, run `work` and commit in ONE worker-thread hop.

    Why not the DB dependency: a sync dependency's exit (the commit) needs its own
    threadpool slot, and on SQLite the write lock taken by an INSERT (or by the sign-in
    session's last-seen touch) is held until then; at a high message rate every slot fills
    with requests waiting for that lock while the holder waits for a slot."""

    def unit() -> T:
        with session_scope() as session:
            user = (browser_or_bearer_user(request, session) if browser
                    else current_user(request, session))
            return work(session, signed_in_actor(request, user))

    return run_in_threadpool(unit)


@router.get("/messages", response_model=ChatPageOut)
async def messages(appointment_id: int, request: Request, before: int | None = None,
                   limit: int = Query(chat.PAGE_SIZE)):
    """Oldest first; `has_more` means older messages exist: ask with before=<first id>."""

    def work(session: Session, actor: Actor) -> ChatPageOut:
        page = chat.history(session, actor=actor, appointment_id=appointment_id,
                            before=before, limit=limit)
        seat = page.seat
        return ChatPageOut(
            messages=[_out(m) for m in page.messages], has_more=page.has_more,
            can_write=seat.can_write, notice=seat.notice, closes_at=seat.closes_at,
            read_up_to=page.read_up_to,
            presence={} if seat.part == "admin" else chat_presence.presence(seat))

    return await _unit_of_work(request, work)


@router.post("/messages", status_code=201, response_model=MessageOut)
async def send(appointment_id: int, body: TextIn, request: Request):
    return await _unit_of_work(request, lambda session, actor: _out(chat.post_message(
        session, actor=actor, appointment_id=appointment_id, text=body.text)))


@router.post("/attachments", status_code=201, response_model=MessageOut)
async def upload(appointment_id: int, request: Request, file: UploadFile, text: str = Form("")):
    """Multipart: `file` (PNG, JPEG, WebP, GIF or PDF up to 10 MB), optional `text`."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > chat.MAX_ATTACHMENT_BYTES + _MULTIPART_SLACK:
        raise Invalid("The file is larger than 10 MB.", field="file")

    def work(session: Session, actor: Actor) -> MessageOut:
        data = file.file.read(chat.MAX_ATTACHMENT_BYTES + 1)  # over the limit: refused
        return _out(chat.post_attachment(session, actor=actor, appointment_id=appointment_id,
                                         data=data, filename=file.filename or "", text=text))

    return await _unit_of_work(request, work)


@router.get("/attachments/{attachment_id}")
async def download(appointment_id: int, attachment_id: int, request: Request,
                   inline: bool = False) -> Response:
    """The decrypted file; `inline=true` shows pictures in the browser (PDFs always
    download). Never cached, never sniffed, sandboxed if opened."""
    doc = await _unit_of_work(request, lambda session, actor: chat.attachment(
        session, actor=actor, appointment_id=appointment_id, attachment_id=attachment_id),
        browser=True)  # the chat panel shows pictures with <img> and the session cookie
    how = "inline" if inline and doc.content_type.startswith("image/") else "attachment"
    return Response(doc.data, media_type=doc.content_type, headers={
        "Content-Disposition": f"{how}; filename*=UTF-8''{quote(doc.name)}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.post("/read", response_model=ReadOut)
async def read(appointment_id: int, body: ReadIn, request: Request):
    return await _unit_of_work(request, lambda session, actor: ReadOut(up_to_id=chat.mark_read(
        session, actor=actor, appointment_id=appointment_id, up_to_id=body.up_to_id)))


def _seat_for(token: str, appointment_id: int, origin: Actor) -> tuple[chat.Seat, str]:
    """(seat, auth session id) for an access token; DomainError otherwise."""
    with session_scope() as session:
        user = auth.user_for_access_token(session, access_token=token)
        actor = Actor(user=user, ip=origin.ip, user_agent=origin.user_agent)
        sid = str(decode_jwt(token, purpose="access").get("sid", ""))
        return chat.seat(session, actor=actor, appointment_id=appointment_id), sid


def _still_allowed(sid: str, appointment_id: int, origin: Actor) -> chat.Seat:
    """Re-check a live connection: a revoked session or a lost seat ends it."""
    with session_scope() as session:
        user = auth.user_for_session_id(session, session_id=sid)
        actor = Actor(user=user, ip=origin.ip, user_agent=origin.user_agent)
        return chat.seat(session, actor=actor, appointment_id=appointment_id)


def _close_code(exc: DomainError) -> int:
    return 4000 + exc.status_code if 400 <= exc.status_code < 500 else 1011


async def _first_token(ws: WebSocket) -> str:
    try:
        first = await asyncio.wait_for(ws.receive_json(), AUTH_SECONDS)
    except (TimeoutError, ValueError, KeyError):
        first = None
    if not isinstance(first, dict) or first.get("type") != "auth" or not first.get("token"):
        raise NotAuthenticated('Send {"type": "auth", "token": "<access token>"} first.')
    return str(first["token"])


async def _client_frames(ws: WebSocket, seat: chat.Seat) -> None:
    """Typing notices (passed on at most every TYPING_EVERY seconds) and pings."""
    loop = asyncio.get_running_loop()
    last_typing = -TYPING_EVERY
    while True:
        frame = await ws.receive_json()
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "typing":
            if loop.time() - last_typing >= TYPING_EVERY:
                last_typing = loop.time()
                chat_presence.announce(seat, "typing")
        elif kind != "ping":
            await ws.send_json({"type": "error", "message": "Send typing or ping; messages "
                                "and read marks go through the HTTP endpoints."})


async def _keep_alive(seat: chat.Seat, sid: str, origin: Actor) -> None:
    """While the socket is open the user is online (renewed every HEARTBEAT, no DB work).
    Every RECHECK seconds the access is checked again, so signing out, a suspension or a
    lost seat ends the connection; the first check is jittered so sockets opened together
    do not all hit the database at the same moment."""
    loop = asyncio.get_running_loop()
    next_check = loop.time() + RECHECK_SECONDS * random.uniform(0.5, 1.0)
    while True:
        await asyncio.sleep(min(chat_presence.HEARTBEAT, max(0.0, next_check - loop.time())))
        if loop.time() >= next_check:
            await asyncio.to_thread(_still_allowed, sid, seat.appointment_id, origin)
            next_check = loop.time() + RECHECK_SECONDS
        chat_presence.announce(seat, "online")


async def _forward(ws: WebSocket, sub) -> None:
    async for event in sub:
        await ws.send_json(event)


@router.websocket("/ws")
async def live(ws: WebSocket, appointment_id: int) -> None:
    """Live events: message, read, presence (and resync: reload the history)."""
    await ws.accept()
    origin = Actor(ip=ws.client.host if ws.client else None,
                   user_agent=ws.headers.get("user-agent"))
    try:
        token = await _first_token(ws)
        seat, sid = await asyncio.to_thread(_seat_for, token, appointment_id, origin)
        async with chat_presence.live(seat) as sub:
            await ws.send_json({"type": "ready", "part": seat.part, "user_id": seat.user_id,
                                "can_write": seat.can_write, "notice": seat.notice,
                                "presence": chat_presence.presence(seat)})
            tasks = [asyncio.create_task(_forward(ws, sub)),
                     asyncio.create_task(_client_frames(ws, seat)),
                     asyncio.create_task(_keep_alive(seat, sid, origin))]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            finally:
                for task in tasks:
                    task.cancel()
            for task in done:
                task.result()
    except WebSocketDisconnect:
        return
    except DomainError as exc:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(code=_close_code(exc), reason=exc.message[:120])
    except Exception:
        log.exception("chat websocket failed")
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(code=1011, reason="Something went wrong on our side.")
