"""The chat between an appointment's doctor and patient: messages, attachments, read marks.

Message text and attachment names are sealed (AES-GCM, context per appointment; see
odcp.services.chat); the attachment bytes live in the encrypted file store, the row keeps
only the stored name. Messages are ordered by id, which is also the paging cursor.
`MessageView`/`AttachmentView` are the decrypted read models the pages and the API show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_appointment_id_id", "appointment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointments.id")
    sender_id: int = Field(foreign_key="users.id")
    body_enc: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatAttachment(SQLModel, table=True):
    """A picture or PDF sent in the chat; one per message."""

    __tablename__ = "chat_attachments"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="chat_messages.id", unique=True, index=True)
    appointment_id: int = Field(foreign_key="appointments.id", index=True)
    stored_name: str = Field(max_length=200)
    name_enc: str = Field(sa_column=Column(Text, nullable=False))
    content_type: str = Field(max_length=50)
    size_bytes: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatReadMark(SQLModel, table=True):
    """How far a party has read: every message with an id up to `last_read_id`."""

    __tablename__ = "chat_read_marks"

    appointment_id: int = Field(foreign_key="appointments.id", primary_key=True)
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    last_read_id: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class AttachmentView:
    """An attachment as its readers see it (the name decrypted, no storage details)."""

    id: int
    name: str
    content_type: str
    size_bytes: int

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class MessageView:
    """A decrypted message for one viewer; `read` = sent by the viewer and read by the other
    party. Built only by odcp.services.chat, after its authorization checks."""

    id: int
    appointment_id: int
    sender_id: int
    sender: str  # patient or doctor
    text: str
    attachment: AttachmentView | None
    created_at: datetime
    read: bool = False

    def as_dict(self) -> dict:
        """JSON-ready (live events, API)."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data
