"""Sign-in for API clients (Bearer tokens) and the browser's cookie hand-off."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from odcp.api.deps import DB, SESSION_COOKIE, Anonymous, SignedIn
from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.models.user import UserPublic
from odcp.services import auth, sign_in
from odcp.services.errors import NotAuthenticated
from odcp.settings import get_settings

router = APIRouter(prefix="/auth", tags=["auth"])
COOKIE = SESSION_COOKIE


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class RefreshIn(BaseModel):
    refresh_token: str = Field(max_length=200)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 (OAuth token type, not a secret)
    expires_in: int
    user: UserPublic


def _tokens(issued: auth.Issued) -> TokensOut:
    return TokensOut(access_token=issued.access_token or "", refresh_token=issued.token,
                     expires_in=get_settings().access_token_minutes * 60,
                     user=UserPublic.of(issued.user))


class ChallengeOut(BaseModel):
    """The password was right; send the second-step code to /auth/login/mfa."""

    mfa_required: bool = True
    stage: str = Field(description="verify: send a code; enrol: set up first "
                                   "(/auth/login/mfa/enrolment), then send a code")
    mfa_token: str


class ChallengeIn(BaseModel):
    mfa_token: str = Field(max_length=2000)


class MfaIn(ChallengeIn):
    code: str = Field(max_length=32)


class MfaTokensOut(TokensOut):
    recovery_codes: list[str] = Field(default_factory=list,
                                      description="shown once, after enrolment")


class EnrolmentOut(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg_data_uri: str


def _login(email: str, password: str, actor) -> sign_in.Outcome:
    with session_scope() as session:  # a refusal commits its own audit entry first
        return sign_in.begin(session, email=email, password=password, actor=actor, kind="api")


@router.post("/login")
async def login(body: LoginIn, actor: Anonymous) -> TokensOut | ChallengeOut:
    outcome = await run_cpu_bound(_login, body.email, body.password, actor)
    if outcome.issued is None:
        return ChallengeOut(stage=outcome.stage or "verify", mfa_token=outcome.challenge or "")
    return _tokens(outcome.issued)


@router.post("/login/mfa/enrolment")
def login_enrolment(body: ChallengeIn, session: DB) -> EnrolmentOut:
    """For accounts that must set up two-step sign-in before their first session."""
    enrolment = sign_in.enrolment(session, challenge=body.mfa_token)
    return EnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.uri,
                        qr_svg_data_uri=enrolment.qr_svg_data_uri)


@router.post("/login/mfa")
def login_mfa(body: MfaIn, actor: Anonymous) -> MfaTokensOut:
    with session_scope() as session:
        outcome = sign_in.finish(session, challenge=body.mfa_token, code=body.code,
                                 actor=actor, kind="api")
    tokens = _tokens(outcome.issued)
    return MfaTokensOut(**tokens.model_dump(), recovery_codes=outcome.recovery_codes)


@router.post("/refresh")
def refresh_tokens(body: RefreshIn, actor: Anonymous) -> TokensOut:
    with session_scope() as session:  # kept even when refused: a replay revokes the family
        try:
            issued = auth.refresh(session, refresh_token=body.refresh_token, actor=actor)
        except NotAuthenticated as exc:
            refused = exc
        else:
            return _tokens(issued)
    raise refused


@router.post("/logout", status_code=204)
def logout(request: Request, session: DB, actor: SignedIn) -> None:
    token = request.headers["authorization"].partition(" ")[2].strip()
    claims = auth.decode_jwt(token, purpose="access")
    auth.sign_out(session, session_id=claims["sid"], actor=actor)


@router.get("/me")
def me(actor: SignedIn) -> UserPublic:
    return UserPublic.of(actor.user)


@router.get("/browser/session", include_in_schema=False)
def browser_session(ticket: str, session: DB, next: str = "/") -> RedirectResponse:
    """Trade the sign-in page's ticket for an httpOnly cookie and go back to the app."""
    settings = get_settings()
    try:
        token = auth.redeem_browser_ticket(session, ticket=ticket)
    except NotAuthenticated:
        return RedirectResponse(settings.public_url + "/login?expired=1", status_code=303)
    response = RedirectResponse(settings.public_url + sign_in.local_path(next),
                                status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=settings.public_url.startswith("https"),
                        max_age=settings.refresh_token_days * 86400)
    return response


@router.get("/browser/signed-out", include_in_schema=False)
def browser_signed_out(next: str = "/") -> RedirectResponse:
    """Drop the cookie after the page has revoked its session."""
    response = RedirectResponse(get_settings().public_url + sign_in.local_path(next),
                                status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
