"""The consultation room through the API: state, waiting room, admission, signalling.

A client (the web room page or a mobile app) polls GET .../room every few seconds (that
is also its presence in the waiting room), joins, and once it may connect sends an SDP
offer with all ICE candidates gathered (no trickle ICE) to POST .../room/offer, using the
`ice_servers` from the state. Mute and camera-off stay in the client (track.enabled) and
are reported to POST .../room/media-state for the other side's display.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from odcp.api.deps import SignedIn
from odcp.services import room_calls
from odcp.services.room_calls import MAX_SDP
from odcp.services.room_view import RoomView

router = APIRouter(tags=["consultation room"])
ROOM = "/appointments/{appointment_id}/room"


class SideOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    part: str
    name: str
    status: str = Field(description="absent, waiting, connecting, connected, reconnecting, "
                                    "left or ended")
    since: datetime | None
    waiting_since: datetime | None
    audio_muted: bool
    video_off: bool


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    appointment_id: int
    mode: str
    media: list[str] = Field(description="what the relay carries: audio, video, or nothing")
    appointment_status: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    notice: str = Field(description="why the room cannot be entered now; empty when open")
    admitted: bool
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    call_state: str = Field(description="waiting, connecting, connected, reconnecting, ended")
    me: SideOut
    other: SideOut
    can_admit: bool
    can_connect: bool
    can_end: bool
    ice_servers: list[dict] = Field(description="for new RTCPeerConnection({iceServers})")


class OfferIn(BaseModel):
    sdp: str = Field(min_length=1, max_length=MAX_SDP)
    type: Literal["offer"]


class AnswerOut(BaseModel):
    sdp: str
    type: str


class MediaStateIn(BaseModel):
    audio_muted: bool
    video_off: bool


class EndIn(BaseModel):
    confirm: bool = Field(description="must be true: the doctor confirms the end")


class WaitingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    appointment_id: int
    patient_name: str
    mode: str
    starts_at: datetime
    waiting_since: datetime


def _out(view: RoomView) -> RoomOut:
    return RoomOut.model_validate(view)


@router.get(ROOM)
async def room_state(appointment_id: int, actor: SignedIn) -> RoomOut:
    """The room as the caller sees it (403 for anyone but its doctor and patient)."""
    return _out(await room_calls.state(actor=actor, appointment_id=appointment_id))


@router.post(ROOM + "/join")
async def join(appointment_id: int, actor: SignedIn) -> RoomOut:
    """The patient enters the waiting room (the room, once admitted); the doctor the room.
    409 outside the room's window."""
    return _out(await room_calls.join(actor=actor, appointment_id=appointment_id))


@router.post(ROOM + "/admit")
async def admit(appointment_id: int, actor: SignedIn) -> RoomOut:
    return _out(await room_calls.admit(actor=actor, appointment_id=appointment_id))


@router.post(ROOM + "/offer")
async def offer(appointment_id: int, body: OfferIn, actor: SignedIn) -> AnswerOut:
    """SDP offer -> the relay's answer. Only inside the window, only the doctor or the
    admitted patient; a new offer replaces the caller's previous connection (rejoin)."""
    answer = await room_calls.offer(actor=actor, appointment_id=appointment_id, sdp=body.sdp,
                                    sdp_type=body.type)
    return AnswerOut(sdp=answer.sdp, type=answer.type)


@router.post(ROOM + "/media-state")
async def media_state(appointment_id: int, body: MediaStateIn, actor: SignedIn) -> RoomOut:
    return _out(await room_calls.set_media_state(
        actor=actor, appointment_id=appointment_id, audio_muted=body.audio_muted,
        video_off=body.video_off))


@router.post(ROOM + "/leave")
async def leave(appointment_id: int, actor: SignedIn) -> RoomOut:
    await room_calls.leave(actor=actor, appointment_id=appointment_id)
    return _out(await room_calls.state(actor=actor, appointment_id=appointment_id))


@router.post(ROOM + "/end")
async def end(appointment_id: int, body: EndIn, actor: SignedIn) -> RoomOut:
    """The doctor ends the consultation; the appointment is completed."""
    await room_calls.end(actor=actor, appointment_id=appointment_id, confirm=body.confirm)
    return _out(await room_calls.state(actor=actor, appointment_id=appointment_id))


@router.get("/doctor/waiting-room")
async def waiting_room(actor: SignedIn) -> list[WaitingOut]:
    """Patients waiting now in the doctor's rooms, longest first."""
    return [WaitingOut.model_validate(w) for w in await room_calls.waiting(actor=actor)]
