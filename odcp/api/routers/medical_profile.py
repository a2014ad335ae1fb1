"""The patient's medical profile over REST: their own copy, a treating doctor's read, and
the list of who read it. Who may read is decided in odcp.services.medical_profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body
from pydantic import BaseModel

from odcp.api.deps import DB, SignedIn
from odcp.services import medical_profile
from odcp.services.medical_profile import MedicalProfile

router = APIRouter(tags=["medical profile"])


class AccessOut(BaseModel):
    at: datetime
    viewer_name: str
    viewer_role: str


@router.get("/me/medical-profile")
def get_own_profile(session: DB, actor: SignedIn) -> MedicalProfile:
    return medical_profile.get_own(session, actor=actor)


@router.put("/me/medical-profile")
def replace_own_profile(
    session: DB, actor: SignedIn,
    body: dict[str, Any] = Body(  # noqa: B008 (FastAPI's way to declare a body)
        description="The whole profile (fields as in the response); left-out fields "
                    "are cleared. Problems come back as 422 with the field named."),
) -> MedicalProfile:
    """The body is checked by the service, so the API and the page give the same messages."""
    return medical_profile.update_own(session, actor=actor, data=body)


@router.get("/patients/{user_id}/medical-profile")
def read_patient_profile(user_id: int, session: DB, actor: SignedIn) -> MedicalProfile:
    """For a doctor who has or had an appointment with the patient; the read is audited."""
    return medical_profile.read_for(session, actor=actor, patient_user_id=user_id)


@router.get("/me/record-access")
def record_access(session: DB, actor: SignedIn) -> list[AccessOut]:
    """Who opened your medical profile and when (UTC), newest first."""
    return [AccessOut(at=a.at, viewer_name=a.viewer_name, viewer_role=a.viewer_role)
            for a in medical_profile.access_log(session, actor=actor)]
