"""The browser's half of a consultation call, as state: what the WebRTC component is told
(connect, which attempt, the relay's answer, mute and camera flags, a test tone) and what
it reports (devices, its offer, its connection state).

Why attempts are numbered: a rejoin closes the old peer connection and opens a new one,
and an answer or a state report that belongs to the old one must not touch the new one.
Mute and camera-off happen in the browser (track.enabled); the relay is only told so the
other side can show it.
"""

from __future__ import annotations

import contextlib

import reflex as rx

from odcp.db import session_scope
from odcp.services import auth, room_calls
from odcp.services.actor import Actor
from odcp.services.errors import DomainError, NotAuthenticated

# Browser connection states that mean this side has no media and should rejoin.
DROPPED = ("failed", "disconnected")


def actor_for(session_id: str | None, ip: str | None, user_agent: str | None) -> Actor | None:
    """The signed-in user, re-checked against the DB (a revoked session gets None).
    Runs in a worker thread: the room's handlers are async and poll often."""
    if not session_id:
        return None
    with session_scope() as session:
        try:
            user = auth.user_for_session_id(session, session_id=session_id)
        except NotAuthenticated:
            return None
    return Actor(user=user, ip=ip, user_agent=user_agent)


class RoomMediaMixin(rx.State, mixin=True):
    """For RoomState, which supplies `_actor`, `_appointment_id` and `_show`."""

    connect: bool = False
    attempt: int = 0
    answer_sdp: str = ""
    answer_attempt: int = -1
    peer_state: str = ""
    audio_muted: bool = False
    video_off: bool = False
    tone: int = 0
    camera_ok: bool = False
    microphone_ok: bool = False
    mic_heard: bool = False
    device_error: str = ""

    def _reset_media(self) -> None:
        self.connect, self.answer_sdp, self.answer_attempt = False, "", -1
        self.peer_state, self.audio_muted, self.video_off = "", False, False
        self.camera_ok = self.microphone_ok = self.mic_heard = False
        self.device_error = ""

    def _new_attempt(self) -> None:
        """Close this side's peer connection (if any) and let the next one start."""
        self.attempt += 1
        self.answer_sdp, self.answer_attempt, self.peer_state = "", -1, ""

    @rx.var
    def dropped(self) -> bool:
        return self.peer_state in DROPPED

    @rx.event
    def devices_checked(self, report: dict):
        self.camera_ok = bool(report.get("camera"))
        self.microphone_ok = bool(report.get("microphone"))
        self.mic_heard = self.mic_heard or bool(report.get("heard"))
        error = str(report.get("error") or "")
        if error.startswith("NotAllowedError"):
            error = ("Your browser blocked the camera or microphone. Allow them for this "
                     "site (the icon in the address bar), then reload the page.")
        elif error:
            error = f"Your camera or microphone could not be opened ({error[:120]})."
        self.device_error = error

    @rx.event
    async def send_offer(self, sdp: str, attempt: int):
        """The browser's offer (ICE gathered) -> the relay's answer, back down as a prop."""
        if attempt != self.attempt:
            return None
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        try:
            answer = await room_calls.offer(actor=actor, appointment_id=self._appointment_id,
                                            sdp=str(sdp), sdp_type="offer")
        except DomainError as exc:
            self.peer_state = "failed"
            return rx.toast.error(exc.message)
        if attempt == self.attempt:
            self.answer_sdp, self.answer_attempt = answer.sdp, attempt
        return None

    @rx.event
    def peer_changed(self, state: str, attempt: int):
        if attempt == self.attempt:
            self.peer_state = str(state)

    @rx.event
    def play_tone(self):
        self.tone += 1

    @rx.event
    async def toggle_mute(self):
        return await self._media_flags(not self.audio_muted, self.video_off)

    @rx.event
    async def toggle_camera(self):
        return await self._media_flags(self.audio_muted, not self.video_off)

    async def _media_flags(self, audio_muted: bool, video_off: bool):
        """Flip the tracks at once (the prop), then tell the other side."""
        self.audio_muted, self.video_off = audio_muted, video_off
        actor = await self._actor()
        if actor is None:
            return self.to_login()
        try:
            view = await room_calls.set_media_state(
                actor=actor, appointment_id=self._appointment_id, audio_muted=audio_muted,
                video_off=video_off)
        except DomainError:
            return None  # not in the room yet: the flags apply locally and are sent later
        self._show(view)
        return None

    async def _send_flags(self, actor: Actor) -> None:
        """After (re)joining: the other side learns the flags chosen before."""
        if self.audio_muted or self.video_off:
            with contextlib.suppress(DomainError):
                await room_calls.set_media_state(
                    actor=actor, appointment_id=self._appointment_id,
                    audio_muted=self.audio_muted, video_off=self.video_off)

