"""The chat between an appointment's doctor and patient (also the whole of a chat visit).

Who: only the two parties write, read-mark and show presence; an administrator with the
appointments permission may read the history and attachments (each read audited, e.g. for
a complaint); everyone else gets NotFound, exactly as for an appointment they cannot see.

When: from booking until `chat_open_days_after` days after the appointment's end (clinic
policy); afterwards, and at once for a cancelled appointment, the chat is read-only and
`Seat.notice` says why. Text and attachment names are sealed per appointment; attachment
bytes are checked by content and kept in the encrypted file store. Live events go out on
odcp.services.chat_bus only after the transaction commits, so no one is told about a
message that was rolled back; presence and live following are in chat_presence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.models.chat import (
    AttachmentView,
    ChatAttachment,
    ChatMessage,
    ChatReadMark,
    MessageView,
)
from odcp.models.doctor import DoctorProfile
from odcp.models.user import User
from odcp.services import appointments, audit, file_store, slots
from odcp.services.actor import Actor
from odcp.services.chat_bus import publish_after_commit
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound

MAX_TEXT = 4000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
ATTACHMENT_TYPES = frozenset({file_store.PDF, file_store.PNG, file_store.JPEG,
                              file_store.WEBP, file_store.GIF})
FOLDER = "chat"


@dataclass(frozen=True)
class Seat:
    """Someone's place in one appointment's chat, as checked by `seat`."""

    appointment_id: int
    user_id: int
    part: str  # patient, doctor or admin
    patient_id: int
    doctor_user_id: int
    can_write: bool
    notice: str
    closes_at: datetime

    @property
    def other_user_id(self) -> int:
        return self.doctor_user_id if self.user_id == self.patient_id else self.patient_id


def _context(appointment_id: int) -> str:
    return f"appointment:{appointment_id}:chat"


def _day(moment: datetime, user: User) -> str:
    try:
        zone = ZoneInfo(user.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%a %d %b %Y")


def seat(session: Session, *, actor: Actor, appointment_id: int,
         now: datetime | None = None) -> Seat:
    """The actor's seat in the chat, or NotFound when they are not part of it."""
    appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    days = slots.policy(session).chat_open_days_after
    closes_at = appt.ends_at + timedelta(days=days)
    if part == "admin":
        notice = "You are reading this chat as an administrator; every read is logged."
    elif appt.status == AppointmentStatus.CANCELLED:
        notice = "This appointment was cancelled, so its chat is read-only."
    elif (now or utcnow()) >= closes_at:
        notice = (f"This chat closed on {_day(closes_at, actor.user)}, {days} days after the "
                  f"appointment, and is now read-only. Book a follow-up to talk again.")
    else:
        notice = ""
    doctor = session.get(DoctorProfile, appt.doctor_id)
    return Seat(appointment_id=appt.id, user_id=actor.user_id, part=part,
                patient_id=appt.patient_id, doctor_user_id=doctor.user_id,
                can_write=part != "admin" and not notice, notice=notice, closes_at=closes_at)


def _party_seat(session: Session, actor: Actor, appointment_id: int, *,
                write: bool = False, now: datetime | None = None) -> Seat:
    found = seat(session, actor=actor, appointment_id=appointment_id, now=now)
    if found.part == "admin":
        raise Forbidden("Only the appointment's doctor and patient take part in its chat.")
    if write and not found.can_write:
        raise Conflict(found.notice)
    return found


def clean_text(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Invalid("Write a message first.", field="text")
    if len(text) > MAX_TEXT:
        raise Invalid(f"A message can be at most {MAX_TEXT} characters.", field="text")
    return text


def _view(message: ChatMessage, attachment: ChatAttachment | None, seat_: Seat,
          other_read: int) -> MessageView:
    context = _context(message.appointment_id)
    attached = None if attachment is None else AttachmentView(
        id=attachment.id, name=decrypt_text(attachment.name_enc, context=context),
        content_type=attachment.content_type, size_bytes=attachment.size_bytes)
    sender = "patient" if message.sender_id == seat_.patient_id else "doctor"
    return MessageView(id=message.id, appointment_id=message.appointment_id,
                       sender_id=message.sender_id, sender=sender,
                       text=decrypt_text(message.body_enc, context=context) if message.body_enc
                       else "", attachment=attached, created_at=message.created_at,
                       read=message.sender_id == seat_.user_id and message.id <= other_read)


def _visit_starts(session: Session, seat_: Seat, now: datetime) -> Appointment | None:
    """A chat appointment is under way once both sides have written in its slot (from when
    its room opens until its end); the appointment to move to in progress, or None. The
    doctor completes it as any other (appointments.complete)."""
    appt = session.get(Appointment, seat_.appointment_id)
    opens = appt.starts_at - timedelta(minutes=slots.policy(session).room_opens_minutes_before)
    if (appt.mode != "chat" or appt.status != AppointmentStatus.CONFIRMED
            or not opens <= now < appt.ends_at):
        return None
    other = session.exec(select(ChatMessage.id).where(
        ChatMessage.appointment_id == appt.id, ChatMessage.sender_id == seat_.other_user_id,
        col(ChatMessage.created_at) >= opens).limit(1)).first()
    return appt if other is not None else None


def _add(session: Session, actor: Actor, seat_: Seat, text: str, now: datetime | None,
         attachment: file_store.CheckedFile | None = None) -> MessageView:
    """Reads and the file first, then the inserts: on SQLite the first write takes the
    database's write lock until the commit, so it should come last."""
    now = now or utcnow()
    context = _context(seat_.appointment_id)
    starting = _visit_starts(session, seat_, now)
    if attachment is not None:
        stored = file_store.new_name(f"chat-{seat_.appointment_id}")
        file_store.put_encrypted(FOLDER, stored, attachment.data,
                                 context=f"{context}:file:{stored}")
        file_store.swap_on_commit(session, folder=FOLDER, new=stored, old=None)
    message = ChatMessage(appointment_id=seat_.appointment_id, sender_id=seat_.user_id,
                          body_enc=encrypt_text(text, context=context) if text else "",
                          created_at=now)
    session.add(message)
    session.flush()
    row = None
    if attachment is not None:
        row = ChatAttachment(message_id=message.id, appointment_id=seat_.appointment_id,
                             stored_name=stored, content_type=attachment.content_type,
                             name_enc=encrypt_text(attachment.name, context=context),
                             size_bytes=len(attachment.data), created_at=now)
        session.add(row)
        session.flush()
    view = _view(message, row, seat_, other_read=0)
    publish_after_commit(session, seat_.appointment_id,
                         {"type": "message", "message": view.as_dict()})
    if starting is not None:
        starting.status, starting.updated_at = AppointmentStatus.IN_PROGRESS, now
        audit.record(session, actor=actor, action="appointment.start", detail={"by": "chat"},
                     target_type="appointment", target_id=starting.id,
                     subject_user_id=starting.patient_id)
        publish_after_commit(session, starting.id, {"type": "status", "status": "in_progress"})
    return view


def post_message(session: Session, *, actor: Actor, appointment_id: int, text: str,
                 now: datetime | None = None) -> MessageView:
    """Send a text message (1 to MAX_TEXT characters after trimming)."""
    found = _party_seat(session, actor, appointment_id, write=True, now=now)
    return _add(session, actor, found, clean_text(text), now)


def post_attachment(session: Session, *, actor: Actor, appointment_id: int, data: bytes,
                    filename: str, text: str = "", now: datetime | None = None) -> MessageView:
    """Send a picture (PNG, JPEG, WebP, GIF) or a PDF up to 10 MB, with an optional caption."""
    found = _party_seat(session, actor, appointment_id, write=True, now=now)
    caption = clean_text(text, required=False)
    checked = file_store.check_file(data, filename, allowed=ATTACHMENT_TYPES,
                                    max_bytes=MAX_ATTACHMENT_BYTES, what="an attachment",
                                    field="file", default_name="attachment")
    return _add(session, actor, found, caption, now, checked)


@dataclass(frozen=True)
class HistoryPage:
    seat: Seat
    messages: list[MessageView]  # oldest first
    has_more: bool  # older messages exist: ask again with before=messages[0].id
    read_up_to: dict[str, int]  # the last message id each party has read


def _marks(session: Session, seat_: Seat) -> dict[int, int]:
    rows = session.exec(select(ChatReadMark).where(
        ChatReadMark.appointment_id == seat_.appointment_id)).all()
    return {row.user_id: row.last_read_id for row in rows}


def history(session: Session, *, actor: Actor, appointment_id: int, before: int | None = None,
            limit: int = PAGE_SIZE, now: datetime | None = None) -> HistoryPage:
    """A page of messages older than `before` (the newest page without it)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE_SIZE}.", field="limit")
    found = seat(session, actor=actor, appointment_id=appointment_id, now=now)
    query = select(ChatMessage, ChatAttachment).outerjoin(
        ChatAttachment, col(ChatAttachment.message_id) == col(ChatMessage.id)).where(
        ChatMessage.appointment_id == appointment_id)
    if before is not None:
        query = query.where(col(ChatMessage.id) < before)
    rows = list(session.exec(query.order_by(col(ChatMessage.id).desc()).limit(limit + 1)))
    marks = _marks(session, found)
    other_read = marks.get(found.other_user_id, 0) if found.part != "admin" else 0
    messages = [_view(m, a, found, other_read) for m, a in reversed(rows[:limit])]
    if found.part == "admin":
        audit.record(session, actor=actor, action="chat.read", target_type="appointment",
                     target_id=appointment_id, subject_user_id=found.patient_id,
                     detail={"messages": len(messages), "before": before})
    return HistoryPage(seat=found, messages=messages, has_more=len(rows) > limit,
                       read_up_to={"patient": marks.get(found.patient_id, 0),
                                   "doctor": marks.get(found.doctor_user_id, 0)})


@dataclass(frozen=True)
class Download:
    data: bytes
    name: str
    content_type: str


def attachment(session: Session, *, actor: Actor, appointment_id: int,
               attachment_id: int) -> Download:
    """The decrypted file for one of the two parties (or an admin, audited)."""
    found = seat(session, actor=actor, appointment_id=appointment_id)
    row = session.get(ChatAttachment, attachment_id)
    if row is None or row.appointment_id != appointment_id:
        raise NotFound("No such attachment in this chat.")
    context = _context(appointment_id)
    data = file_store.get_encrypted(FOLDER, row.stored_name,
                                    context=f"{context}:file:{row.stored_name}")
    if found.part == "admin":
        audit.record(session, actor=actor, action="chat.attachment_read",
                     target_type="chat_attachment", target_id=row.id,
                     subject_user_id=found.patient_id, detail={"appointment_id": appointment_id})
    return Download(data=data, name=decrypt_text(row.name_enc, context=context),
                    content_type=row.content_type)


def mark_read(session: Session, *, actor: Actor, appointment_id: int, up_to_id: int) -> int:
    """Mark every message up to `up_to_id` read (marks only move forward); the new mark."""
    found = _party_seat(session, actor, appointment_id)
    message = session.get(ChatMessage, up_to_id)
    if message is None or message.appointment_id != appointment_id:
        raise NotFound("No such message in this chat.")
    key = (appointment_id, found.user_id)
    forward = update(ChatReadMark).where(
        col(ChatReadMark.appointment_id) == appointment_id,
        col(ChatReadMark.user_id) == found.user_id, col(ChatReadMark.last_read_id) < up_to_id,
    ).values(last_read_id=up_to_id, updated_at=utcnow())
    if session.execute(forward).rowcount == 0 and session.get(ChatReadMark, key) is None:
        try:
            with session.begin_nested():
                session.add(ChatReadMark(appointment_id=appointment_id, user_id=found.user_id,
                                         last_read_id=up_to_id))
        except IntegrityError:  # the same reader's other tab got there first
            session.execute(forward)
    last = session.get(ChatReadMark, key, populate_existing=True).last_read_id
    publish_after_commit(session, appointment_id, {
        "type": "read", "user_id": found.user_id, "part": found.part, "up_to_id": last})
    return last


def unread_count(session: Session, *, actor: Actor, appointment_id: int) -> int:
    """Messages from the other party the actor has not marked read."""
    found = _party_seat(session, actor, appointment_id)
    last = _marks(session, found).get(found.user_id, 0)
    return session.exec(select(func.count()).where(
        ChatMessage.appointment_id == appointment_id, col(ChatMessage.id) > last,
        ChatMessage.sender_id != found.user_id)).one()
