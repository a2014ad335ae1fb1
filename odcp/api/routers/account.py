"""GET/PATCH /api/v1/account: one's own profile."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SignedIn
from odcp.models.user import UserPublic
from odcp.services import accounts

router = APIRouter(prefix="/account", tags=["account"])


class ProfileIn(BaseModel):
    full_name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    timezone: str = Field(max_length=64)
    language: str = Field(max_length=16)


class ProfileOut(UserPublic):
    phone: str | None


@router.get("")
def get_account(actor: SignedIn) -> ProfileOut:
    return ProfileOut.model_validate(actor.user, from_attributes=True)


@router.patch("")
def update_account(body: ProfileIn, session: DB, actor: SignedIn) -> ProfileOut:
    user = accounts.update_profile(session, actor=actor, full_name=body.full_name,
                                   phone=body.phone, timezone=body.timezone,
                                   language=body.language)
    return ProfileOut.model_validate(user, from_attributes=True)
