"""What a consultation room looks like to one of its two sides, and the doctor's waiting list.

Reading the room is also the presence heartbeat: clients poll it every few seconds, and a
waiting patient who stops polling (closed tab, lost network) drops off the doctor's list
after PRESENCE instead of waiting there forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment
from odcp.models.base import utcnow
from odcp.models.consultation import Part, RoomParticipant, RoomSession, SideStatus
from odcp.models.doctor import DoctorProfile
from odcp.models.user import User
from odcp.services import room_rules as rules
from odcp.services import slots
from odcp.services.actor import Actor
from odcp.services.doctor_profiles import require_active_doctor
from odcp.services.rtc_ice import browser_ice_servers

PRESENCE = timedelta(seconds=60)
HEARTBEAT_EVERY = timedelta(seconds=10)  # at most one presence write per side and interval
S = SideStatus


@dataclass(frozen=True)
class SideView:
    part: str
    name: str
    status: str
    since: datetime | None
    waiting_since: datetime | None
    audio_muted: bool
    video_off: bool


@dataclass(frozen=True)
class RoomView:
    appointment_id: int
    mode: str
    media: tuple[str, ...]
    appointment_status: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    notice: str
    admitted: bool
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    call_state: str
    me: SideView
    other: SideView
    can_admit: bool
    can_connect: bool
    can_end: bool
    ice_servers: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class WaitingPatient:
    appointment_id: int
    patient_name: str
    mode: str
    starts_at: datetime
    waiting_since: datetime


def _call_state(record: RoomSession | None, mine: S, theirs: S) -> str:
    """One word for the whole call, from both sides' states."""
    if record is not None and record.ended_at is not None:
        return "ended"
    if mine == theirs == S.CONNECTED:
        return "connected"
    if record is not None and record.started_at is not None:
        return "reconnecting"
    if S.CONNECTING in (mine, theirs) or S.CONNECTED in (mine, theirs):
        return "connecting"
    return "waiting"


def _side(session: Session, part: str, appt: Appointment, row: RoomParticipant | None,
          live: rules.Live) -> SideView:
    user_id = appt.patient_id if part == Part.PATIENT else session.exec(
        select(DoctorProfile.user_id).where(DoctorProfile.id == appt.doctor_id)).one()
    user = session.get(User, user_id)
    return SideView(part=part, name=user.full_name if user else "", status=rules.effective(
        row, live), since=row.status_at if row else None,
        waiting_since=row.waiting_since if row else None,
        audio_muted=bool(row and row.audio_muted), video_off=bool(row and row.video_off))


def view(session: Session, *, actor: Actor, appointment_id: int, now: datetime | None = None,
         live: rules.Live = None) -> RoomView:
    """The room as the actor sees it; Forbidden for anyone but its doctor and patient."""
    now = now or utcnow()
    appt, part = rules.enter(session, actor=actor, appointment_id=appointment_id)
    record = rules.find_room(session, appt.id)
    rows = rules.participants(session, record)
    mine = rows.get(part)
    if mine is not None and mine.status in rules.IN_ROOM and (
            mine.last_seen_at is None or now - mine.last_seen_at >= HEARTBEAT_EVERY):
        mine.last_seen_at = now
    opens, closes = rules.window(session, appt)
    notice = rules.closed_reason(session, appt, record, now, live)
    me = _side(session, part, appt, mine, live)
    other = _side(session, rules.other_part(part), appt, rows.get(rules.other_part(part)), live)
    admitted = record is not None and record.admitted_at is not None
    kinds = rules.media_kinds(appt)
    return RoomView(
        appointment_id=appt.id, mode=appt.mode, media=kinds,
        appointment_status=str(appt.status), starts_at=appt.starts_at, ends_at=appt.ends_at,
        opens_at=opens, closes_at=closes, is_open=notice is None, notice=notice or "",
        admitted=admitted, started_at=record.started_at if record else None,
        ended_at=record.ended_at if record else None,
        duration_seconds=record.duration_seconds if record else None,
        call_state=_call_state(record, S(me.status), S(other.status)), me=me, other=other,
        can_admit=part == Part.DOCTOR and notice is None and other.status == S.WAITING,
        can_connect=notice is None and bool(kinds) and (part == Part.DOCTOR or admitted),
        can_end=part == Part.DOCTOR and appt.status in rules.ROOM_STATUSES,
        ice_servers=browser_ice_servers() if kinds else [],
    )


def waiting_patients(session: Session, *, actor: Actor,
                     now: datetime | None = None) -> list[WaitingPatient]:
    """Patients waiting now in the rooms of the doctor's open appointments, longest first."""
    now = now or utcnow()
    profile = require_active_doctor(session, actor=actor)
    opens_before = timedelta(minutes=slots.policy(session).room_opens_minutes_before)
    rows = session.exec(
        select(RoomParticipant, Appointment, User)
        .join(RoomSession, col(RoomSession.id) == RoomParticipant.room_session_id)
        .join(Appointment, col(Appointment.id) == RoomSession.appointment_id)
        .join(User, col(User.id) == Appointment.patient_id)
        .where(Appointment.doctor_id == profile.id,
               col(Appointment.status).in_(rules.ROOM_STATUSES),
               Appointment.starts_at <= now + opens_before,
               Appointment.ends_at >= now - rules.GRACE,
               RoomParticipant.part == Part.PATIENT, RoomParticipant.status == S.WAITING,
               col(RoomParticipant.last_seen_at) >= now - PRESENCE)
        .order_by(col(RoomParticipant.waiting_since))).all()
    return [WaitingPatient(appointment_id=appt.id, patient_name=user.full_name,
                           mode=appt.mode, starts_at=appt.starts_at,
                           waiting_since=row.waiting_since or row.status_at)
            for row, appt, user in rows]
