"""What happens in a consultation room: waiting, admission, media, leaving, the end.

Who may enter and when is in room_rules. The patient waits until the doctor admits them,
once per appointment: a dropped side rejoins without a second admission, also after a
backend restart (everything here is in the database). Both sides connected for the first
time starts the consultation (in progress); the doctor's confirmed end completes it.

Every change first takes the appointment's row lock (a no-op UPDATE: a row lock on
PostgreSQL, the write lock on SQLite), so the two sides' joins, connects and drops, which
arrive at the same moment from two browsers, are applied one after the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.models.consultation import (
    Part,
    RoomEvent,
    RoomEventKind,
    RoomParticipant,
    RoomSession,
    SideStatus,
)
from odcp.services import appointments, audit
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Forbidden, Invalid
from odcp.services.room_rules import (
    IN_ROOM,
    Live,
    closed_reason,
    effective,
    enter,
    find_room,
    media_kinds,
    other_part,
    participants,
)


def _lock(session: Session, appointment_id: int) -> None:
    session.exec(update(Appointment).where(col(Appointment.id) == appointment_id)
                 .values(id=Appointment.id))


def _open_room(session: Session, *, actor: Actor, appointment_id: int, now: datetime,
               live: Live = None) -> tuple[Appointment, str, RoomSession]:
    """Lock, authorize, check the window; the room session, created on first entry."""
    _lock(session, appointment_id)
    appt, part = enter(session, actor=actor, appointment_id=appointment_id)
    session.refresh(appt)
    room = find_room(session, appt.id)
    reason = closed_reason(session, appt, room, now, live)
    if reason:
        raise Conflict(reason)
    if room is None:
        room = RoomSession(appointment_id=appt.id, created_at=now, updated_at=now)
        session.add(room)
        session.flush()
    return appt, part, room


def _event(session: Session, room: RoomSession, kind: RoomEventKind, *, user_id: int | None,
           part: str | None, now: datetime, note: str | None = None) -> None:
    room.updated_at = now
    session.add(RoomEvent(room_session_id=room.id, user_id=user_id, part=part, kind=kind,
                          at=now, note=note))


def _side(session: Session, room: RoomSession, part: str, user_id: int) -> RoomParticipant:
    row = participants(session, room).get(part)
    if row is None:
        row = RoomParticipant(room_session_id=room.id, user_id=user_id, part=part,
                              status=SideStatus.ABSENT)
        session.add(row)
    return row


def _set(row: RoomParticipant, status: SideStatus, now: datetime) -> None:
    """Move a side to `status`, adding the time it was connected to its total."""
    if row.connected_since is not None and status != SideStatus.CONNECTED:
        row.connected_seconds += max(0, int((now - row.connected_since).total_seconds()))
        row.connected_since = None
    if status == SideStatus.CONNECTED and row.connected_since is None:
        row.connected_since = now
    if row.status != status:
        row.status, row.status_at = status, now


def _arrive(session: Session, room: RoomSession, row: RoomParticipant, status: SideStatus,
            now: datetime) -> None:
    """Enter (or re-enter) the room; a join event only when the side was not in it."""
    if row.status not in IN_ROOM:
        _event(session, room, RoomEventKind.JOIN, user_id=row.user_id, part=row.part, now=now)
        row.first_joined_at = row.first_joined_at or now
    if status == SideStatus.WAITING and row.status != SideStatus.WAITING:
        row.waiting_since = now
    _set(row, status, now)
    row.last_seen_at = now


def join(session: Session, *, actor: Actor, appointment_id: int,
         now: datetime | None = None, live: Live = None) -> str:
    """The patient enters the waiting room (or the room once admitted); the doctor the room.
    Returns the actor's part."""
    now = now or utcnow()
    _appt, part, room = _open_room(session, actor=actor, appointment_id=appointment_id,
                                   now=now, live=live)
    row = _side(session, room, part, actor.user_id)
    if part == Part.PATIENT and room.admitted_at is None:
        _arrive(session, room, row, SideStatus.WAITING, now)
    elif row.status not in (SideStatus.CONNECTING, SideStatus.CONNECTED):
        _arrive(session, room, row, SideStatus.CONNECTING, now)
    row.last_seen_at = now
    return part


def admit(session: Session, *, actor: Actor, appointment_id: int,
          now: datetime | None = None) -> RoomSession:
    """The doctor lets the waiting patient in; once per appointment."""
    now = now or utcnow()
    appt, part, room = _open_room(session, actor=actor, appointment_id=appointment_id, now=now)
    if part != Part.DOCTOR:
        raise Forbidden("Only the doctor can admit the patient.")
    patient = participants(session, room).get(Part.PATIENT)
    if patient is None or patient.status != SideStatus.WAITING:
        raise Conflict("The patient is not in the waiting room.")
    waited = int((now - (patient.waiting_since or now)).total_seconds())
    room.admitted_at, room.admitted_by_id = now, actor.user_id
    patient.waiting_since = None
    _set(patient, SideStatus.CONNECTING, now)
    _event(session, room, RoomEventKind.ADMIT, user_id=actor.user_id, part=part, now=now,
           note=f"waited {waited} s")
    audit.record(session, actor=actor, action="room.admit", target_type="appointment",
                 target_id=appt.id, subject_user_id=appt.patient_id,
                 detail={"waited_seconds": waited})
    return room


def begin_media(session: Session, *, actor: Actor, appointment_id: int,
                now: datetime | None = None, live: Live = None) -> tuple[str, tuple[str, ...]]:
    """Before the relay answers an offer: the side may send media now (a new offer replaces
    its previous connection). Returns the part and the media kinds the relay may carry."""
    now = now or utcnow()
    appt, part, room = _open_room(session, actor=actor, appointment_id=appointment_id,
                                  now=now, live=live)
    kinds = media_kinds(appt)
    if not kinds:
        raise Conflict("This is a chat appointment: it has no audio or video.")
    if part == Part.PATIENT and room.admitted_at is None:
        raise Conflict("The doctor has not admitted you yet; please stay in the waiting room.")
    _arrive(session, room, _side(session, room, part, actor.user_id), SideStatus.CONNECTING,
            now)
    return part, kinds


def media_connected(session: Session, *, actor: Actor, appointment_id: int, part: str,
                    now: datetime | None = None, live: Live = None) -> bool:
    """The relay reports media flowing for `part`. When both sides are connected for the
    first time the consultation starts: the appointment moves to in progress. Returns
    whether it started now."""
    now = now or utcnow()
    _lock(session, appointment_id)
    room = find_room(session, appointment_id)
    rows = participants(session, room)
    if room is None or room.ended_at is not None or part not in rows:
        return False
    row = rows[part]
    _set(row, SideStatus.CONNECTED, now)
    row.last_seen_at = now
    _event(session, room, RoomEventKind.CONNECT, user_id=row.user_id, part=part, now=now)
    other = rows.get(other_part(part))
    if room.started_at is not None or effective(other, live) != SideStatus.CONNECTED:
        return False
    room.started_at = now
    appt = session.get(Appointment, appointment_id, populate_existing=True)
    if appt.status == AppointmentStatus.CONFIRMED:
        appt.status, appt.updated_at = AppointmentStatus.IN_PROGRESS, now
    audit.record(session, actor=actor, action="room.start", target_type="appointment",
                 target_id=appointment_id, subject_user_id=appt.patient_id)
    return True


def media_lost(session: Session, *, appointment_id: int, part: str, reason: str,
               now: datetime | None = None) -> None:
    """The relay lost `part`'s media (dropped network, closed tab, failed ICE)."""
    now = now or utcnow()
    _lock(session, appointment_id)
    room = find_room(session, appointment_id)
    row = participants(session, room).get(part)
    if room is None or row is None or row.status not in (SideStatus.CONNECTING,
                                                         SideStatus.CONNECTED):
        return
    _set(row, SideStatus.RECONNECTING, now)
    _event(session, room, RoomEventKind.DISCONNECT, user_id=row.user_id, part=part, now=now,
           note=reason[:200])


def set_media_state(session: Session, *, actor: Actor, appointment_id: int,
                    audio_muted: bool, video_off: bool, now: datetime | None = None) -> None:
    """Mute and camera-off happen in the browser; this tells the other side."""
    _lock(session, appointment_id)
    _appt, part = enter(session, actor=actor, appointment_id=appointment_id)
    row = participants(session, find_room(session, appointment_id)).get(part)
    if row is None or row.status not in IN_ROOM:
        raise Conflict("Join the consultation room first.")
    row.audio_muted, row.video_off = bool(audio_muted), bool(video_off)
    row.last_seen_at = now or utcnow()


def leave(session: Session, *, actor: Actor, appointment_id: int,
          now: datetime | None = None) -> str:
    """The actor leaves (waiting room or call); they may come back while the room is open."""
    now = now or utcnow()
    _lock(session, appointment_id)
    _appt, part = enter(session, actor=actor, appointment_id=appointment_id)
    room = find_room(session, appointment_id)
    row = participants(session, room).get(part)
    if room is not None and row is not None and row.status in IN_ROOM:
        _set(row, SideStatus.LEFT, now)
        row.left_at, row.waiting_since = now, None
        _event(session, room, RoomEventKind.LEAVE, user_id=actor.user_id, part=part, now=now)
    return part


def end(session: Session, *, actor: Actor, appointment_id: int, confirm: bool,
        now: datetime | None = None) -> RoomSession:
    """The doctor ends the consultation and confirms: the appointment is completed."""
    now = now or utcnow()
    _lock(session, appointment_id)
    appt, part = enter(session, actor=actor, appointment_id=appointment_id)
    if part != Part.DOCTOR:
        raise Forbidden("Only the doctor can end the consultation.")
    if confirm is not True:
        raise Invalid("Confirm that you want to end the consultation.", field="confirm")
    appointments.complete(session, actor=actor, appointment_id=appt.id)
    room = find_room(session, appt.id)
    if room is None:
        room = RoomSession(appointment_id=appt.id, created_at=now)
        session.add(room)
        session.flush()
    room.ended_at, room.ended_by_id = now, actor.user_id
    if room.started_at is not None:
        room.duration_seconds = int((now - room.started_at).total_seconds())
    for row in participants(session, room).values():
        _set(row, SideStatus.ENDED, now)
        row.waiting_since = None
    _event(session, room, RoomEventKind.END, user_id=actor.user_id, part=part, now=now)
    audit.record(session, actor=actor, action="room.end", target_type="appointment",
                 target_id=appt.id, subject_user_id=appt.patient_id,
                 detail={"duration_seconds": room.duration_seconds})
    return room
