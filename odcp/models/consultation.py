"""The consultation room of an appointment: one session, its two participants, its events.

Why in the database and not only in the media relay's memory: who was admitted, when the
call started and ended, and how long each side was connected must survive a backend
restart (a rejoin after a restart needs no second admission) and are the clinic's record
of the consultation. The relay's peer connections themselves live in memory only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class Part(StrEnum):
    PATIENT = "patient"
    DOCTOR = "doctor"


class SideStatus(StrEnum):
    """One side's call state, shown to both sides."""

    ABSENT = "absent"            # not in the room (yet)
    WAITING = "waiting"          # patient in the waiting room, not admitted yet
    CONNECTING = "connecting"    # in the room, media being negotiated
    CONNECTED = "connected"      # media flowing through the relay
    RECONNECTING = "reconnecting"  # media dropped; the side may rejoin
    LEFT = "left"                # left the room; may come back while it is open
    ENDED = "ended"              # the doctor ended the consultation


class RoomEventKind(StrEnum):
    JOIN = "join"
    LEAVE = "leave"
    ADMIT = "admit"
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    END = "end"


class RoomSession(SQLModel, table=True):
    """The consultation room of one appointment (at most one per appointment)."""

    __tablename__ = "room_sessions"
    __table_args__ = (
        UniqueConstraint("appointment_id", name="ux_room_sessions_appointment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointments.id")
    admitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    admitted_by_id: int | None = Field(default=None, foreign_key="users.id")
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                        description="both sides first connected")
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by_id: int | None = Field(default=None, foreign_key="users.id")
    duration_seconds: int | None = Field(default=None, description="started -> ended")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoomParticipant(SQLModel, table=True):
    """One side (patient or doctor) of a room session and its current call state."""

    __tablename__ = "room_participants"
    __table_args__ = (
        UniqueConstraint("room_session_id", "part", name="ux_room_participants_session_part"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_session_id: int = Field(foreign_key="room_sessions.id")
    user_id: int = Field(foreign_key="users.id")
    part: Part = Field(sa_column=Column(String(10), nullable=False))
    status: SideStatus = Field(sa_column=Column(String(20), nullable=False, index=True))
    status_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_joined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    connected_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    connected_seconds: int = Field(default=0, description="total time with media flowing")
    audio_muted: bool = Field(default=False)
    video_off: bool = Field(default=False)


class RoomEvent(SQLModel, table=True):
    """Who joined, left, was admitted, connected, dropped or ended, and when."""

    __tablename__ = "room_events"
    __table_args__ = (Index("ix_room_events_session_at", "room_session_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    room_session_id: int = Field(foreign_key="room_sessions.id")
    user_id: int | None = Field(default=None, foreign_key="users.id")
    part: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))
    kind: RoomEventKind = Field(sa_column=Column(String(20), nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=200)
