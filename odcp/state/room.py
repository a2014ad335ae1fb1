"""/appointments/[appointment_id]/room: the consultation room of one appointment, for its
patient (waiting room, then the call) and its doctor (admit, the call, end).

The rules live in odcp.services.room*; this state only shows the room and forwards what
the user does. The room is re-read every POLL seconds by a background task while the page
is open: that is how each side sees the other arrive, mute or drop, and it is the
patient's presence in the waiting room (a patient who stops polling drops off the
doctor's list). The task stops when the user leaves the page, closes the tab, leaves the
call or the consultation ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

import reflex as rx

from odcp.models.base import utcnow
from odcp.services import room_calls
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.services.room_view import RoomView
from odcp.state.consult_notes import appointment_id_from
from odcp.state.live_tab import client_connected
from odcp.state.room_media import RoomMediaMixin, actor_for
from odcp.state.session import SessionState
from odcp.state.viewer_zone import local_label

log = logging.getLogger("odcp.room")
POLL = 2.5  # seconds; well inside room_view.PRESENCE
OPENING = ("pending", "confirmed", "in_progress")  # statuses whose room may still open


def closed_notice(view: RoomView, zone: str, now: datetime) -> str:
    """Why the room is closed, with times in the viewer's zone (the service says UTC)."""
    if not view.notice or view.ended_at is not None or view.appointment_status not in (
            "confirmed", "in_progress"):
        return view.notice
    if now < view.opens_at:
        minutes = int((view.starts_at - view.opens_at).total_seconds() // 60)
        return (f"The consultation room opens at {local_label(view.opens_at, zone)}, "
                f"{minutes} minutes before the start. Keep this page open: it lets you in "
                f"by itself.")
    return f"The consultation room closed at {local_label(view.closes_at, zone)}."


class RoomState(RoomMediaMixin, SessionState):
    loaded: bool = False
    error: str = ""
    notice: str = ""
    visit: str = ""
    part: str = ""
    mode: str = ""
    media: list[str] = []
    is_open: bool = False
    ended: bool = False
    left: bool = False
    call_state: str = "waiting"
    me_status: str = "absent"
    other_name: str = ""
    other_status: str = "absent"
    other_muted: bool = False
    other_video_off: bool = False
    other_waiting_since: str = ""
    can_admit: bool = False
    can_end: bool = False
    ice_servers: list[dict] = []
    summary_href: str = ""
    _appointment_id: int = 0
    _zone: str = "UTC"
    _poll_run: int = 0

    async def _actor(self) -> Actor | None:
        return await asyncio.to_thread(actor_for, self._session_id,
                                       self.router.session.client_ip or None,
                                       self.router.headers.user_agent or None)

    def _show(self, view: RoomView) -> None:
        zone, now = self._zone, utcnow()
        self.loaded, self.part, self.mode = True, view.me.part, view.mode
        self.media, self.is_open = list(view.media), view.is_open
        self.ended, self.call_state = view.ended_at is not None, view.call_state
        self.notice = closed_notice(view, zone, now)
        self.me_status, self.other_name = view.me.status, view.other.name
        self.other_status, self.other_muted = view.other.status, view.other.audio_muted
        self.other_video_off = view.other.video_off
        self.other_waiting_since = (local_label(view.other.waiting_since, zone)
                                    if view.other.waiting_since else "")
        self.can_admit, self.can_end = view.can_admit, view.can_end
        self.ice_servers = view.ice_servers
        self.summary_href = f"/appointments/{view.appointment_id}/summary"
        self.visit = (f"With {view.other.name} · {local_label(view.starts_at, zone)} · "
                      f"{view.mode} consultation")
        self.connect = view.can_connect and not self.left and not self.ended

    async def _enter(self, actor: Actor) -> RoomView:
        """Join when the room is open (the patient lands in the waiting room)."""
        view = await room_calls.state(actor=actor, appointment_id=self._appointment_id)
        if view.is_open and not self.left:
            view = await room_calls.join(actor=actor, appointment_id=self._appointment_id)
            await self._send_flags(actor)
        return view

    @rx.event
    async def open(self):
        self.loaded, self.error, self.notice, self.left = False, "", "", False
        self._reset_media()
        self._new_attempt()
        self._appointment_id = appointment_id_from(self.router.url.path, 2) or 0
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        self._zone = actor.user.timezone or "UTC"
        try:
            self._show(await self._enter(actor))
        except DomainError as exc:
            self.error, self.loaded = exc.message, True
            return None
        return self._start_polling()

    def _start_polling(self):
        self._poll_run += 1
        return RoomState.poll

    def _stop_polling(self) -> None:
        self._poll_run += 1

    @rx.event(background=True)
    async def poll(self):
        async with self:
            run, path = self._poll_run, self.router.url.path
        while True:
            await asyncio.sleep(POLL)
            async with self:
                if run != self._poll_run or self.router.url.path != path:
                    return
                was_open, token = self.is_open, self.router.session.client_token
            actor = await self._actor()
            if actor is None or not await client_connected(token):
                log.info("room poll of appointment %s stops: signed out or tab closed",
                         self._appointment_id)
                return
            try:
                view = await (room_calls.state(actor=actor,
                                               appointment_id=self._appointment_id)
                              if was_open else self._enter(actor))
            except DomainError as exc:
                async with self:
                    self.error = exc.message
                return
            async with self:
                if run != self._poll_run:
                    return
                self._show(view)
                if view.notice and (self.ended or utcnow() > view.opens_at
                                    or view.appointment_status not in OPENING):
                    return  # nothing more will happen in this room

    @rx.event
    async def admit(self):
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        try:
            self._show(await room_calls.admit(actor=actor,
                                              appointment_id=self._appointment_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return None

    @rx.event
    async def leave(self):
        """Leave the call (or the waiting room); Rejoin brings the user back."""
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        self.left, self.connect = True, False
        self._stop_polling()
        try:
            await room_calls.leave(actor=actor, appointment_id=self._appointment_id)
            self._show(await room_calls.state(actor=actor,
                                              appointment_id=self._appointment_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return None

    @rx.event
    async def rejoin(self):
        """Come back after leaving or a dropped connection: a new peer connection."""
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        self.left = False
        self._new_attempt()
        try:
            self._show(await self._enter(actor))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return self._start_polling()

    @rx.event
    async def end_call(self):
        """The doctor ends and confirms (the dialog): the appointment is completed."""
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        try:
            await room_calls.end(actor=actor, appointment_id=self._appointment_id,
                                 confirm=True)
            self._show(await room_calls.state(actor=actor,
                                              appointment_id=self._appointment_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._stop_polling()
        return rx.toast.success("Consultation ended; the appointment is completed.")

    @rx.event
    async def page_closed(self):
        """Navigating away leaves the room (a closed tab is noticed by the relay and by
        the missing heartbeat instead)."""
        self._stop_polling()
        self.connect = False
        if self.loaded and self.is_open and not self.left and not self.ended and \
                self.me_status not in ("absent", "left"):
            actor = await self._actor()
            if actor is not None:
                with contextlib.suppress(DomainError):
                    await room_calls.leave(actor=actor, appointment_id=self._appointment_id)
        self.left = True
