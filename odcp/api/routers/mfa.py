"""/api/v1/auth/mfa: set up or turn off two-step sign-in for the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.api.routers.auth import EnrolmentOut
from odcp.services import mfa

router = APIRouter(prefix="/auth/mfa", tags=["auth"])


class CodeIn(BaseModel):
    code: str = Field(max_length=32)


class MfaStatusOut(BaseModel):
    enabled: bool
    required: bool
    recovery_codes_left: int


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


@router.get("")
def mfa_status(session: DB, actor: SignedIn) -> MfaStatusOut:
    user = actor.user
    return MfaStatusOut(enabled=user.mfa_enabled_at is not None, required=mfa.is_required(user),
                        recovery_codes_left=mfa.remaining_recovery_codes(session, user=user))


@router.post("/enrol")
def enrol(session: DB, actor: SignedIn) -> EnrolmentOut:
    e = mfa.begin_enrolment(session, user=actor.user)
    return EnrolmentOut(secret=e.secret, otpauth_uri=e.uri, qr_svg_data_uri=e.qr_svg_data_uri)


@router.post("/confirm")
def confirm(body: CodeIn, session: DB, actor: SignedIn) -> RecoveryCodesOut:
    codes = mfa.confirm_enrolment(session, user=actor.user, code=body.code, actor=actor)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/disable", status_code=204)
def disable(body: CodeIn, session: DB, actor: SignedIn) -> None:
    mfa.disable(session, actor=actor, code=body.code)
