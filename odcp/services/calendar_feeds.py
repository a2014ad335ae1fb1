"""A doctor's private iCal feed: one secret URL their calendar app subscribes to.

The URL is the only credential (calendar apps cannot sign in), so it is 256 random bits,
shown once, stored only as a SHA-256 hash and looked up by that hash: a guess costs one
index probe and tells nothing about how close it came. Rotating makes a new URL and kills
the old one; revoking kills it outright; a doctor whose account is no longer active has
no working feed.

Privacy trade-off, decided here: a subscribed feed leaves the clinic. Google, Apple or
Microsoft copy it to their servers, it is fetched without sign-in, and the URL can leak
(a shared calendar, a forwarded link, a proxy log). So events carry the patient's
initials, the mode and the status, never the full name, contact details or the reason
for the visit. Initials and a time are enough for the doctor to recognise the booking in
their day; the full name is one click away on the agenda, behind sign-in. The same goes
for the audit trail: fetches only update `last_used_at` (at most every few minutes), so
the doctor can see whether the URL is in use, without an audit row per poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.models.calendar_feed import CalendarFeed
from odcp.models.doctor import DoctorProfile
from odcp.models.user import AccountStatus, User
from odcp.services import audit, calendar_files, slots
from odcp.services.actor import Actor
from odcp.services.doctor_profiles import require_active_doctor
from odcp.services.errors import NotFound
from odcp.services.tokens import new_token, token_hash
from odcp.settings import get_settings

PAST = timedelta(days=30)
REFRESH_MINUTES = 15
USE_RECORDED_EVERY = timedelta(minutes=5)
FEED_PAGE = "/doctor/calendar"
_LABEL = {AppointmentStatus.PENDING: "Request", AppointmentStatus.CANCELLED: "Cancelled",
          AppointmentStatus.NO_SHOW: "No-show"}


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    created_at: datetime | None = None
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class FeedSecret:
    """What `rotate` hands out once: the token is not stored and cannot be shown again."""

    token: str
    url: str
    created_at: datetime


def feed_path(token: str) -> str:
    return f"/api/v1/calendar/feeds/{token}.ics"


def initials(full_name: str) -> str:
    """'Alice van der Berg' -> 'A. B.'; what the feed shows instead of the name."""
    words = [w for w in full_name.replace("-", " ").split() if w[:1].isalpha()]
    picked = words[:1] + words[-1:] if len(words) > 1 else words
    return " ".join(f"{w[0].upper()}." for w in picked) or "Patient"


def _live(session: Session, doctor_id: int) -> CalendarFeed | None:
    return session.exec(select(CalendarFeed).where(
        CalendarFeed.doctor_id == doctor_id, col(CalendarFeed.revoked_at).is_(None))).first()


def status(session: Session, *, actor: Actor) -> FeedStatus:
    """Whether the doctor has a live feed, since when and when it was last fetched."""
    feed = _live(session, require_active_doctor(session, actor=actor).id)
    if feed is None:
        return FeedStatus(active=False)
    return FeedStatus(active=True, created_at=feed.created_at, last_used_at=feed.last_used_at)


def rotate(session: Session, *, actor: Actor) -> FeedSecret:
    """Create the doctor's feed URL, or replace it: the previous URL stops working."""
    profile = require_active_doctor(session, actor=actor)
    # Two clicks at once queue on the doctor's row; the partial unique index is the backstop.
    session.exec(update(DoctorProfile).where(col(DoctorProfile.id) == profile.id)
                 .values(id=DoctorProfile.id))
    now = utcnow()
    previous = _live(session, profile.id)
    if previous is not None:
        previous.revoked_at = now
        session.add(previous)
        session.flush()
    token = new_token()
    feed = CalendarFeed(doctor_id=profile.id, token_hash=token_hash(token), created_at=now)
    session.add(feed)
    session.flush()
    audit.record(session, actor=actor, action="calendar_feed.rotate" if previous
                 else "calendar_feed.create", target_type="calendar_feed", target_id=feed.id,
                 detail={"replaced_feed_id": previous.id} if previous else None)
    return FeedSecret(token=token, url=get_settings().public_url.rstrip("/") + feed_path(token),
                      created_at=now)


def revoke(session: Session, *, actor: Actor) -> None:
    """Turn the feed off: its URL answers 404 from now on."""
    feed = _live(session, require_active_doctor(session, actor=actor).id)
    if feed is None:
        raise NotFound("You have no calendar feed to turn off.")
    feed.revoked_at = utcnow()
    session.add(feed)
    audit.record(session, actor=actor, action="calendar_feed.revoke",
                 target_type="calendar_feed", target_id=feed.id)


def _event(appt: Appointment, patient_name: str) -> list[str]:
    who = initials(patient_name)
    label = _LABEL.get(appt.status)
    title = f"{appt.mode.capitalize()} consultation · {who}"
    return calendar_files.event_lines(
        appt, title=f"{label}: {title}" if label else title, page=FEED_PAGE,
        description=f"{appt.mode.capitalize()} consultation with patient {who}, "
                    f"{str(appt.status).replace('_', ' ')}. The full name and details are "
                    f"on your calendar page (sign-in needed).")


def render(session: Session, *, token: str, now: datetime | None = None) -> str:
    """The feed for `token`: the doctor's appointments from 30 days back to the booking
    horizon, cancelled ones marked so. NotFound for an unknown or revoked token."""
    feed = session.exec(select(CalendarFeed).where(
        CalendarFeed.token_hash == token_hash(token or ""),
        col(CalendarFeed.revoked_at).is_(None))).first()
    profile = session.get(DoctorProfile, feed.doctor_id) if feed else None
    doctor = session.get(User, profile.user_id) if profile else None
    if doctor is None or doctor.status != AccountStatus.ACTIVE:
        raise NotFound("No such calendar feed.")
    now = now or utcnow()
    until = now + timedelta(days=slots.policy(session).booking_horizon_days)
    rows = session.exec(
        select(Appointment, User.full_name).join(User, col(User.id) == Appointment.patient_id)
        .where(Appointment.doctor_id == profile.id, Appointment.starts_at >= now - PAST,
               Appointment.starts_at < until)
        .order_by(col(Appointment.starts_at))).all()
    if feed.last_used_at is None or now - feed.last_used_at >= USE_RECORDED_EVERY:
        feed.last_used_at = now
        session.add(feed)
    return calendar_files.calendar([_event(a, name) for a, name in rows],
                                   name=f"{get_settings().clinic_name} · {doctor.full_name}",
                                   refresh_minutes=REFRESH_MINUTES)
