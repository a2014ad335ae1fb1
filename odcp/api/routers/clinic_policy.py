"""The clinic's booking policy: public to read (patients are held to it), changed by
appointment administrators (rules in services.clinic_policy)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from odcp.api.deps import DB, SignedIn
from odcp.models.schedule import ClinicPolicy
from odcp.services import clinic_policy

router = APIRouter(tags=["clinic policy"])


class PolicyOut(BaseModel):
    booking_horizon_days: int
    min_notice_minutes: int
    cancel_cutoff_hours: int
    reschedule_cutoff_hours: int
    requires_approval: bool
    room_opens_minutes_before: int
    chat_open_days_after: int
    share_notes_with_patient: bool


class AdminPolicyOut(PolicyOut):
    updated_at: datetime | None
    updated_by: str | None


class PolicyIn(BaseModel):
    """Settings left out keep their value. Limits: horizon 1-365 days, notice 0-10,080
    minutes and shorter than the horizon, cut-offs 0-720 hours, room 0-120 minutes, chat
    0-90 days."""

    booking_horizon_days: int | None = None
    min_notice_minutes: int | None = None
    cancel_cutoff_hours: int | None = None
    reschedule_cutoff_hours: int | None = None
    requires_approval: bool | None = None
    room_opens_minutes_before: int | None = None
    chat_open_days_after: int | None = None
    share_notes_with_patient: bool | None = None


def _admin_out(session, policy: ClinicPolicy) -> AdminPolicyOut:
    last = clinic_policy.last_change(session)
    return AdminPolicyOut(**clinic_policy.values(policy), updated_at=last.at if last else None,
                          updated_by=last.by if last else None)


@router.get("/clinic-policy")
def public_policy(session: DB) -> PolicyOut:
    """The booking rules patients are held to (no sign-in needed)."""
    return PolicyOut(**clinic_policy.values(clinic_policy.current(session)))


@router.get("/admin/clinic-policy")
def read_policy(session: DB, actor: SignedIn) -> AdminPolicyOut:
    return _admin_out(session, clinic_policy.read(session, actor=actor))


@router.put("/admin/clinic-policy")
def update_policy(body: PolicyIn, session: DB, actor: SignedIn) -> AdminPolicyOut:
    changes = body.model_dump(exclude_none=True)
    return _admin_out(session, clinic_policy.update(session, actor=actor, changes=changes))
