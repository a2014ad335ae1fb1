"""/api/v1/doctor/availability: a doctor's weekly hours and date overrides.

Times are "HH:MM" wall-clock times in the doctor's own zone (named in every response);
an end of "00:00" (or "24:00") means midnight. Admins who manage appointments pass
`doctor_id` to read or edit any doctor's schedule. Changes never move bookings:
`appointments_outside` says how many active appointments now fall outside the hours.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from odcp.api.deps import DB, SignedIn
from odcp.models.schedule import DateOverride
from odcp.services import availability as svc
from odcp.services import availability_rules as rules
from odcp.services.actor import Actor

router = APIRouter(prefix="/doctor/availability", tags=["doctor"])

HHMM = Field(pattern=r"^\d{2}:\d{2}$", examples=["09:00"])


class WindowIn(BaseModel):
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start: str = HHMM
    end: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["17:00"],
                     description='"00:00" or "24:00" means midnight')
    slot_minutes: int = Field(default=30, description=f"{rules.MIN_SLOT}-{rules.MAX_SLOT}")
    buffer_minutes: int = Field(default=0, description=f"break after each slot, "
                                f"0-{rules.MAX_BUFFER}")
    modes: list[str] = Field(max_length=5, description="a subset of the profile's modes")


class WeekIn(BaseModel):
    windows: list[WindowIn] = Field(max_length=7 * rules.MAX_WINDOWS_PER_DAY)


class WeekOut(WeekIn):
    doctor_id: int
    timezone: str = Field(description="the IANA zone all times are in")
    offered_modes: list[str]


class SavedWeekOut(WeekOut):
    appointments_outside: int


class OverrideIn(BaseModel):
    date: date
    closed: bool = Field(description="true: no appointments that day; else give the hours")
    start: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    end: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    slot_minutes: int = 30
    modes: list[str] = Field(default_factory=list, max_length=5)


class OverrideOut(BaseModel):
    id: int
    date: date
    closed: bool
    start: str | None
    end: str | None
    slot_minutes: int | None
    modes: list[str]

    @classmethod
    def of(cls, row: DateOverride) -> OverrideOut:
        closed = row.start_time is None
        return cls(id=row.id, date=row.on_date, closed=closed,
                   start=None if closed else rules.hhmm(row.start_time),
                   end=None if closed else rules.hhmm(row.end_time),
                   slot_minutes=None if closed else row.slot_minutes, modes=list(row.modes))


class OverridesOut(BaseModel):
    doctor_id: int
    timezone: str
    overrides: list[OverrideOut] = Field(description="today (doctor's zone) and later")


class SavedOverrideOut(OverrideOut):
    timezone: str
    appointments_outside: int


class RemovedOut(BaseModel):
    appointments_outside: int


def _week(session: Session, actor: Actor, doctor_id: int | None) -> WeekOut:
    seen = svc.read(session, actor=actor, doctor_id=doctor_id)
    return WeekOut(doctor_id=seen.doctor_id, timezone=seen.timezone,
                   offered_modes=list(seen.offered_modes),
                   windows=[WindowIn(weekday=r.weekday, start=rules.hhmm(r.start_time),
                                     end=rules.hhmm(r.end_time), slot_minutes=r.slot_minutes,
                                     buffer_minutes=r.buffer_minutes, modes=list(r.modes))
                            for r in seen.rules])


@router.get("")
def get_week(session: DB, actor: SignedIn, doctor_id: int | None = None) -> WeekOut:
    return _week(session, actor, doctor_id)


@router.put("")
def put_week(body: WeekIn, session: DB, actor: SignedIn,
             doctor_id: int | None = None) -> SavedWeekOut:
    """Replace the whole weekly schedule (an empty list closes every weekday)."""
    windows = [rules.Window(weekday=w.weekday, start=rules.parse_time(w.start, field="start"),
                          end=rules.parse_time(w.end, field="end", end=True),
                          slot_minutes=w.slot_minutes, buffer_minutes=w.buffer_minutes,
                          modes=tuple(w.modes)) for w in body.windows]
    _, clashes = svc.replace_week(session, actor=actor, windows=windows, doctor_id=doctor_id)
    return SavedWeekOut(**_week(session, actor, doctor_id).model_dump(),
                        appointments_outside=clashes)


@router.get("/overrides")
def get_overrides(session: DB, actor: SignedIn, doctor_id: int | None = None) -> OverridesOut:
    seen = svc.read(session, actor=actor, doctor_id=doctor_id)
    return OverridesOut(doctor_id=seen.doctor_id, timezone=seen.timezone,
                        overrides=[OverrideOut.of(o) for o in seen.overrides])


@router.post("/overrides", status_code=201)
def add_override(body: OverrideIn, session: DB, actor: SignedIn,
                 doctor_id: int | None = None) -> SavedOverrideOut:
    """Set one date's hours (or close it), replacing any override already on that date."""
    data = rules.OverrideInput(on_date=body.date)
    if not body.closed:
        data = rules.OverrideInput(
            on_date=body.date, start=rules.parse_time(body.start or "", field="start"),
            end=rules.parse_time(body.end or "", field="end", end=True),
            slot_minutes=body.slot_minutes, modes=tuple(body.modes))
    row, clashes = svc.set_override(session, actor=actor, data=data, doctor_id=doctor_id)
    zone = svc.read(session, actor=actor, doctor_id=doctor_id).timezone
    return SavedOverrideOut(**OverrideOut.of(row).model_dump(), timezone=zone,
                            appointments_outside=clashes)


@router.delete("/overrides/{override_id}")
def delete_override(override_id: int, session: DB, actor: SignedIn,
                    doctor_id: int | None = None) -> RemovedOut:
    return RemovedOut(appointments_outside=svc.remove_override(
        session, actor=actor, override_id=override_id, doctor_id=doctor_id))
