"""/api/v1/admin/appointments: every appointment for appointment administrators, and
reassigning one to another doctor (rules in services.appointments_admin). Cancelling is
POST /api/v1/appointments/{id}/cancel with a reason, as for doctors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.api.routers.appointments import AppointmentOut
from odcp.api.schema import model_of
from odcp.models.appointment import AppointmentStatus
from odcp.services import appointments_admin as admin
from odcp.services.appointments_admin import AdminRow, AppointmentFilter, DoctorChoice

router = APIRouter(prefix="/admin/appointments", tags=["admin"])


AdminAppointmentOut = model_of(AdminRow, "AdminAppointmentOut")
DoctorChoiceOut = model_of(DoctorChoice, "DoctorChoiceOut")


class AdminAppointmentPageOut(BaseModel):
    appointments: list[AdminAppointmentOut]
    total: int
    page: int
    page_size: int
    pages: int


class ReassignIn(BaseModel):
    doctor_id: int
    reason: str = Field(max_length=admin.REASON_LENGTH[1])


@router.get("")
def list_appointments(
    session: DB,
    actor: SignedIn,
    status: AppointmentStatus | None = None,
    doctor_id: int | None = None,
    patient: str = Query("", max_length=admin.MAX_SEARCH,
                         description="part of the patient's name or email"),
    since: Annotated[datetime | None, Query(description="starts at or after, with an offset")
                     ] = None,
    until: Annotated[datetime | None, Query(description="starts before, with an offset")
                     ] = None,
    order: Literal["upcoming", "newest"] = Query(
        "upcoming", description="upcoming: not yet ended, soonest first, then the past, "
                                "latest first; newest: most recently booked first"),
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=admin.MAX_PAGE_SIZE),
) -> AdminAppointmentPageOut:
    filters = AppointmentFilter(status=status, doctor_id=doctor_id, patient=patient,
                                since=since, until=until, order=order)
    result = admin.list_appointments(session, actor=actor, filters=filters, page=page,
                                     page_size=page_size)
    return AdminAppointmentPageOut(
        appointments=[AdminAppointmentOut.model_validate(r, from_attributes=True)
                      for r in result.rows],
        total=result.total, page=result.page, page_size=result.page_size, pages=result.pages)


@router.get("/{appointment_id}/doctors")
def free_doctors(appointment_id: int, session: DB, actor: SignedIn) -> list[DoctorChoiceOut]:
    """Every other listed doctor and whether they can take this appointment as it is."""
    return [DoctorChoiceOut.model_validate(c, from_attributes=True)
            for c in admin.free_doctors(session, actor=actor, appointment_id=appointment_id)]


@router.post("/{appointment_id}/reassign")
def reassign(appointment_id: int, body: ReassignIn, session: DB, actor: SignedIn
             ) -> AppointmentOut:
    """Give the appointment to another doctor: same patient, time and mode."""
    appt = admin.reassign(session, actor=actor, appointment_id=appointment_id,
                          doctor_id=body.doctor_id, reason=body.reason)
    return AppointmentOut.model_validate(appt, from_attributes=True)
