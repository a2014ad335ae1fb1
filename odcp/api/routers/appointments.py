"""Slots and appointments through the API: the same services as the pages."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.models.appointment import Appointment
from odcp.services import appointments, booking, slots
from odcp.services.errors import Invalid

router = APIRouter(tags=["appointments"])


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    modes: list[str]


class AppointmentOut(BaseModel):
    id: int
    patient_id: int
    doctor_id: int
    starts_at: datetime
    ends_at: datetime
    mode: str
    status: str
    fee_cents: int
    currency: str
    rescheduled_from_id: int | None
    follow_up_of_id: int | None
    follow_up_after_days: int | None
    follow_up_note: str | None = None
    cancel_reason: str | None


class BookIn(BaseModel):
    doctor_id: int
    starts_at: datetime
    mode: str = Field(max_length=10)
    reason: str = Field(default="", max_length=booking.MAX_REASON)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=500)


class MoveIn(BaseModel):
    starts_at: datetime


class FollowUpIn(BaseModel):
    after_days: int
    note: str = Field(default="", max_length=500)


def _out(appt: Appointment) -> AppointmentOut:
    out = AppointmentOut.model_validate(appt, from_attributes=True)
    return out.model_copy(update={"follow_up_note": appointments.follow_up_note(appt) or None})


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid(f"{name} needs a time zone offset, e.g. 2026-03-30T09:00:00Z", field=name)
    return value


@router.get("/slots")
def open_slots(session: DB, doctor_id: int, start: datetime, end: datetime,
               mode: str | None = None) -> list[SlotOut]:
    """Free slots of a bookable doctor, in UTC (show them in the viewer's zone)."""
    booking.bookable_doctor(session, doctor_id)
    found = slots.open_slots(session, doctor_id=doctor_id, start=_aware(start, "start"),
                             end=_aware(end, "end"), mode=mode)
    return [SlotOut(starts_at=s.starts_at, ends_at=s.ends_at, modes=list(s.modes))
            for s in found]


@router.post("/appointments", status_code=201, response_model=AppointmentOut)
def book(body: BookIn, session: DB, actor: SignedIn):
    try:
        appt = booking.book_slot(session, actor=actor, doctor_id=body.doctor_id,
                                 starts_at=_aware(body.starts_at, "starts_at"), mode=body.mode,
                                 reason=body.reason)
    except booking.SlotTaken as exc:
        return JSONResponse(status_code=409, content={"error": {
            "status": 409, "message": exc.message,
            "alternatives": [s.starts_at.isoformat() for s in exc.alternatives]}})
    return _out(appt)


@router.get("/appointments")
def my_appointments(session: DB, actor: SignedIn,
                    upcoming: bool = Query(True)) -> list[AppointmentOut]:
    return [_out(a) for a in appointments.list_for_patient(session, actor=actor,
                                                           upcoming=upcoming)]


@router.get("/doctor/agenda")
def agenda(session: DB, actor: SignedIn, start: datetime, end: datetime
           ) -> list[AppointmentOut]:
    return [_out(a) for a in appointments.list_for_doctor(
        session, actor=actor, start=_aware(start, "start"), end=_aware(end, "end"))]


@router.get("/appointments/{appointment_id}")
def get_appointment(appointment_id: int, session: DB, actor: SignedIn) -> AppointmentOut:
    return _out(appointments.get_for(session, actor=actor, appointment_id=appointment_id)[0])


@router.post("/appointments/{appointment_id}/cancel")
def cancel(appointment_id: int, body: ReasonIn, session: DB, actor: SignedIn
           ) -> AppointmentOut:
    return _out(appointments.cancel(session, actor=actor, appointment_id=appointment_id,
                                    reason=body.reason))


@router.post("/appointments/{appointment_id}/reschedule", status_code=201)
def reschedule(appointment_id: int, body: MoveIn, session: DB, actor: SignedIn
               ) -> AppointmentOut:
    return _out(appointments.reschedule(session, actor=actor, appointment_id=appointment_id,
                                        starts_at=_aware(body.starts_at, "starts_at")))


@router.post("/appointments/{appointment_id}/approve")
def approve(appointment_id: int, session: DB, actor: SignedIn) -> AppointmentOut:
    return _out(appointments.approve(session, actor=actor, appointment_id=appointment_id))


@router.post("/appointments/{appointment_id}/no-show")
def no_show(appointment_id: int, session: DB, actor: SignedIn) -> AppointmentOut:
    return _out(appointments.mark_no_show(session, actor=actor, appointment_id=appointment_id))


@router.post("/appointments/{appointment_id}/complete")
def complete(appointment_id: int, session: DB, actor: SignedIn) -> AppointmentOut:
    return _out(appointments.complete(session, actor=actor, appointment_id=appointment_id))


@router.post("/appointments/{appointment_id}/follow-up")
def follow_up(appointment_id: int, body: FollowUpIn, session: DB, actor: SignedIn
              ) -> AppointmentOut:
    return _out(appointments.recommend_follow_up(
        session, actor=actor, appointment_id=appointment_id, after_days=body.after_days,
        note=body.note))


@router.post("/appointments/{appointment_id}/follow-up/book", status_code=201)
def book_follow_up(appointment_id: int, body: MoveIn, session: DB, actor: SignedIn
                   ) -> AppointmentOut:
    return _out(appointments.book_follow_up(session, actor=actor,
                                            appointment_id=appointment_id,
                                            starts_at=_aware(body.starts_at, "starts_at")))
