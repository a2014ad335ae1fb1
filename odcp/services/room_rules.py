"""When a consultation room is open and who may enter it (reads only; changes: room.py).

Only the appointment's doctor and patient enter (anyone else gets the same Forbidden,
whether or not the appointment exists). The room opens `room_opens_minutes_before` the
start and closes GRACE after the end, or later while media is still flowing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.consultation import Part, RoomParticipant, RoomSession, SideStatus
from odcp.services import appointments, slots
from odcp.services.actor import Actor
from odcp.services.errors import Forbidden, NotFound

GRACE = timedelta(minutes=30)
NOT_YOURS = "Only the appointment's doctor and patient can enter this consultation room."
ROOM_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.IN_PROGRESS)
IN_ROOM = (SideStatus.WAITING, SideStatus.CONNECTING, SideStatus.CONNECTED,
           SideStatus.RECONNECTING)
MEDIA_KINDS = {"video": ("audio", "video"), "audio": ("audio",), "chat": ()}
Live = frozenset[str] | None  # parts whose media the relay reports flowing; None: trust DB


def window(session: Session, appt: Appointment) -> tuple[datetime, datetime]:
    """(opens_at, closes_at) of the appointment's room, before any running-call extension."""
    opens = appt.starts_at - timedelta(minutes=slots.policy(session).room_opens_minutes_before)
    return opens, appt.ends_at + GRACE


def media_kinds(appt: Appointment) -> tuple[str, ...]:
    """What the relay carries: audio appointments no video, chat appointments nothing."""
    return MEDIA_KINDS.get(appt.mode, ())


def other_part(part: str) -> str:
    return Part.DOCTOR if part == Part.PATIENT else Part.PATIENT


def enter(session: Session, *, actor: Actor, appointment_id: int) -> tuple[Appointment, str]:
    """The appointment and the actor's side; Forbidden (revealing nothing) for anyone else,
    administrators included: a consultation is private to its two participants."""
    try:
        appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    except NotFound:
        raise Forbidden(NOT_YOURS) from None
    if part not in (Part.PATIENT, Part.DOCTOR):
        raise Forbidden(NOT_YOURS)
    return appt, part


def find_room(session: Session, appointment_id: int) -> RoomSession | None:
    return session.exec(select(RoomSession)
                        .where(RoomSession.appointment_id == appointment_id)).first()


def participants(session: Session, room: RoomSession | None) -> dict[str, RoomParticipant]:
    if room is None:
        return {}
    rows = session.exec(select(RoomParticipant)
                        .where(RoomParticipant.room_session_id == room.id)).all()
    return {row.part: row for row in rows}


def effective(row: RoomParticipant | None, live: Live) -> SideStatus:
    """A side's status; 'connected' in the DB but unknown to the relay (a restarted
    backend) means the media is gone: the side must reconnect."""
    if row is None:
        return SideStatus.ABSENT
    if row.status == SideStatus.CONNECTED and live is not None and row.part not in live:
        return SideStatus.RECONNECTING
    return SideStatus(row.status)


def running(session: Session, room: RoomSession | None, live: Live) -> bool:
    """Started, not ended, and media still flowing on some side."""
    if room is None or room.started_at is None or room.ended_at is not None:
        return False
    return any(effective(p, live) == SideStatus.CONNECTED
               for p in participants(session, room).values())


def closed_reason(session: Session, appt: Appointment, room: RoomSession | None,
                  now: datetime, live: Live = None) -> str | None:
    """Why the room cannot be entered now, in words for the user; None when it is open."""
    if room is not None and room.ended_at is not None:
        return "This consultation has ended."
    if appt.status == AppointmentStatus.PENDING:
        return "The appointment is waiting for the doctor's approval; the room opens once " \
               "it is confirmed."
    if appt.status not in ROOM_STATUSES:
        return f"The appointment is {appt.status.replace('_', ' ')}; the room is closed."
    opens, closes = window(session, appt)
    if now < opens:
        return f"The consultation room opens at {opens:%Y-%m-%d %H:%M} UTC " \
               f"({slots.policy(session).room_opens_minutes_before} minutes before the start)."
    if now > closes and not running(session, room, live):
        return f"The consultation room closed at {closes:%Y-%m-%d %H:%M} UTC."
    return None
