"""The chat panel of the consultation room (/appointments/[appointment_id]/room).

`open` (on load) checks the seat and shows the newest page of history; it then starts
`follow`, a background task that stays on the appointment's live events (new messages,
read marks, the other side's presence) and keeps this user online until the tab closes,
the page changes or `close` runs (see odcp/state/room_chat_live.py for why it must notice
by itself). Every rule (who, until when, which files) is the chat service's; this state
only shows its answers. The seat, user ids and read marks stay in backend-only vars.
"""

from __future__ import annotations

import asyncio
import contextlib

import reflex as rx

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import chat, chat_presence
from odcp.services.errors import Conflict, DomainError
from odcp.state import room_chat_live as live
from odcp.state.consult_notes import appointment_id_from
from odcp.state.room_chat_lines import ChatLine, line_of, merged, read_through
from odcp.state.session import SessionState

CHECK_EVERY = 3.0  # seconds between "is the tab still on this page" checks
RECHECK_EVERY = 60.0  # seconds between re-checks of the seat (sign-out, suspension)
UPLOAD_ID = "chat-upload"


class RoomChatState(SessionState):
    """What the chat panel shows; see the module docstring."""

    chat_lines: list[ChatLine] = []
    has_earlier: bool = False
    can_write: bool = False
    notice: str = ""  # why the chat is read-only (the service's words)
    load_error: str = ""  # no chat to show (not signed in, not your appointment)
    send_error: str = ""
    sending: bool = False
    other_name: str = ""
    other_online: bool = False
    zone: str = "UTC"
    chat_ready: bool = False

    _seat: chat.Seat | None = None
    _generation: int = 0  # bumped by open/close: a live task of an older one ends
    _live_generation: int = 0  # the generation a live task is following
    _my_read: int = 0

    def _line(self, data: dict) -> ChatLine:
        return line_of(data, me=self._seat.user_id, zone=self.zone, other_name=self.other_name)

    def _reset_chat(self) -> None:
        self._seat, self._my_read = None, 0
        self.chat_lines, self.has_earlier, self.can_write = [], False, False
        self.notice = self.load_error = self.send_error = self.other_name = ""
        self.other_online, self.sending, self.chat_ready = False, False, False

    @rx.event
    def open(self):
        """Load the newest messages and start following the live ones."""
        self._generation += 1
        self._reset_chat()
        appointment_id = appointment_id_from(self.router.url.path, 2) or 0
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                self.load_error = "Sign in to see this chat."
                return None
            self.zone = actor.user.timezone or "UTC"
            try:
                page = chat.history(session, actor=actor, appointment_id=appointment_id)
            except DomainError as exc:
                self.load_error = exc.message
                return None
            self._seat = page.seat
            other = session.get(User, page.seat.other_user_id)
            self.other_name = other.full_name if other else ""
        self._show_page(page, newest=True)
        self.chat_ready = True
        if self._seat.part == "admin":
            return None
        self._mark_read()
        return RoomChatState.follow

    def _show_page(self, page: chat.HistoryPage, *, newest: bool) -> None:
        lines = [self._line(m.as_dict()) for m in page.messages]
        self.chat_lines = lines if newest else merged(self.chat_lines, lines)
        self.has_earlier = page.has_more
        self.can_write, self.notice = page.seat.can_write, page.seat.notice

    @rx.event
    def load_earlier(self):
        if self._seat is None or not self.chat_lines:
            return None
        with session_scope() as session:
            try:
                page = chat.history(session, actor=self.actor(session),
                                    appointment_id=self._seat.appointment_id,
                                    before=self.chat_lines[0].id)
            except DomainError as exc:
                return rx.toast.error(exc.message)
        self._show_page(page, newest=False)
        return None

    def _mark_read(self) -> None:
        """Mark the other side's newest shown message read (marks only move forward)."""
        theirs = [line.id for line in self.chat_lines if not line.mine]
        if self._seat is None or not theirs or max(theirs) <= self._my_read:
            return
        # A lost seat is not this call's to report: the next send or check says why.
        with contextlib.suppress(DomainError), session_scope() as session:
            self._my_read = chat.mark_read(session, actor=self.actor(session),
                                           appointment_id=self._seat.appointment_id,
                                           up_to_id=max(theirs))

    def _refused(self, exc: DomainError) -> None:
        self.send_error = exc.message
        if isinstance(exc, Conflict):  # the chat closed while the page was open
            self.can_write, self.notice = False, exc.message

    @rx.event
    def send(self, form: dict):
        """Enter in the message box (or the Send button) posts the text."""
        self.send_error = ""
        if self._seat is None:
            return None
        with session_scope() as session:
            try:
                view = chat.post_message(session, actor=self.actor(session),
                                         appointment_id=self._seat.appointment_id,
                                         text=str(form.get("text", "")))
            except DomainError as exc:
                self._refused(exc)
                return None
        self.chat_lines = merged(self.chat_lines, [self._line(view.as_dict())])
        return rx.set_value("chat-text", "")

    @rx.event
    async def send_file(self, files: list[rx.UploadFile]):
        """A chosen picture or PDF is sent at once; the service checks its type and size
        (reading one byte past the limit is enough for it to refuse)."""
        self.send_error = ""
        if self._seat is None or not files:
            return
        self.sending = True
        yield
        data = await files[0].read(chat.MAX_ATTACHMENT_BYTES + 1)
        name = files[0].filename or ""
        try:
            view = await asyncio.to_thread(self._post_file, data, name)
        except DomainError as exc:
            self._refused(exc)
        else:
            self.chat_lines = merged(self.chat_lines, [self._line(view.as_dict())])
        self.sending = False
        yield rx.clear_selected_files(UPLOAD_ID)

    def _post_file(self, data: bytes, name: str):
        with session_scope() as session:
            return chat.post_attachment(session, actor=self.actor(session),
                                        appointment_id=self._seat.appointment_id,
                                        data=data, filename=name)

    @rx.event
    def dismiss_error(self):
        self.send_error = ""

    @rx.event
    def close(self):
        """The panel left the page: end the live task now (it would notice within
        CHECK_EVERY seconds anyway)."""
        self._generation += 1
        live.wake_to_leave(self.router.session.client_token)

    @rx.event
    def resume(self):
        """The panel (re)appeared after `close` ran (a client-side navigation back to the
        room, or a layout that re-mounts it): follow the live events again."""
        seat = self._seat
        if (seat is None or seat.part == "admin" or self._live_generation == self._generation
                or appointment_id_from(self.router.url.path, 2) != seat.appointment_id):
            return None
        return RoomChatState.follow

    def _apply(self, event: dict) -> bool:
        """One live event onto the page; whether a new message from the other side came."""
        kind, seat = event.get("type"), self._seat
        if kind == "message":
            line = self._line(event["message"])
            self.chat_lines = merged(self.chat_lines, [line])
            return not line.mine
        if kind == "read" and int(event.get("user_id", 0)) == seat.other_user_id:
            self.chat_lines = read_through(self.chat_lines, int(event["up_to_id"]))
        elif kind == "presence" and int(event.get("user_id", 0)) == seat.other_user_id:
            self.other_online = event.get("state") != "offline"
        return False

    def _still_here(self, generation: int, seat: chat.Seat) -> bool:
        path_id = appointment_id_from(self.router.url.path, 2)
        return (self._generation == generation and self._seat == seat
                and path_id == seat.appointment_id and "/room" in self.router.url.path)

    def _resync(self) -> None:
        """The bus dropped events (a slow tab or a Redis reconnect): reload the page."""
        with session_scope() as session:
            page = chat.history(session, actor=self.actor(session),
                                appointment_id=self._seat.appointment_id)
        self._show_page(page, newest=True)

    @rx.event(background=True)
    async def follow(self):
        """Live messages, read marks and presence, while this tab stays on the chat."""
        async with self:
            seat, generation = self._seat, self._generation
            token = self.router.session.client_token
            if seat is None or self._live_generation == generation:
                return  # nothing to follow, or another task already does
            self._live_generation = generation
        try:
            async with chat_presence.live(seat) as sub:
                live.follow_from(token, sub)
                try:
                    await self._follow_events(sub, seat, generation, token)
                finally:
                    live.forget(token, sub)
        finally:
            async with self:
                if self._live_generation == generation:
                    self._live_generation = 0  # a re-mounted panel may follow again

    async def _follow_events(self, sub, seat: chat.Seat, generation: int, token: str) -> None:
        """Until the tab leaves: apply events, renew presence, re-check the seat. A tab
        must miss two connection checks in a row to count as gone (a reconnect takes a
        moment and keeps its token)."""
        loop = asyncio.get_running_loop()
        beat = recheck = loop.time()
        missed = 0
        async with self:
            other = "doctor" if seat.part == "patient" else "patient"
            self.other_online = chat_presence.presence(seat)[other] != "offline"
        while True:
            batch = await live.next_batch(sub, CHECK_EVERY)
            missed = 0 if await live.client_connected(token) else missed + 1
            if live.LEAVE in batch or missed >= 2:
                return
            async with self:
                if not self._still_here(generation, seat):
                    return
                if live.RESYNC in batch:
                    self._resync()
                if any([self._apply(event) for event in batch]):
                    self._mark_read()
                if loop.time() - recheck >= RECHECK_EVERY:
                    recheck = loop.time()
                    if not self._still_allowed():
                        return
            if loop.time() - beat >= chat_presence.HEARTBEAT:
                beat = loop.time()
                chat_presence.announce(seat, "online")

    def _still_allowed(self) -> bool:
        """A sign-out, suspension or lost seat ends the live view (as on the API socket)."""
        with session_scope() as session:
            try:
                seat = chat.seat(session, actor=self.actor(session),
                                 appointment_id=self._seat.appointment_id)
            except DomainError as exc:
                self._reset_chat()
                self.load_error = exc.message
                return False
        self.can_write, self.notice = seat.can_write, seat.notice
        return True
