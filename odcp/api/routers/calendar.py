"""Doctors' private calendar feeds: the public .ics URL and the doctor's own controls.

GET /calendar/feeds/{token}.ics needs no sign-in (calendar apps cannot sign in): the
secret in the URL is the credential, so an unknown, rotated or revoked one is a plain 404
and the answer is never cached on the way.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel

from odcp.api.deps import DB, SignedIn
from odcp.services import calendar_feeds

router = APIRouter(tags=["calendar"])
ICS_HEADERS = {
    "Cache-Control": "no-store, private",
    "Content-Disposition": 'inline; filename="appointments.ics"',
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


class FeedStatusOut(BaseModel):
    active: bool
    created_at: datetime | None
    last_used_at: datetime | None


class FeedSecretOut(BaseModel):
    """Shown once: the URL cannot be read back later, only replaced."""

    url: str
    created_at: datetime


@router.get("/calendar/feeds/{token}.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}, 404: {}})
def feed(token: str, session: DB) -> Response:
    text = calendar_feeds.render(session, token=token)
    return Response(text, media_type="text/calendar; charset=utf-8", headers=ICS_HEADERS)


@router.get("/doctor/calendar-feed")
def feed_status(session: DB, actor: SignedIn) -> FeedStatusOut:
    found = calendar_feeds.status(session, actor=actor)
    return FeedStatusOut(active=found.active, created_at=found.created_at,
                         last_used_at=found.last_used_at)


@router.post("/doctor/calendar-feed", status_code=201)
def rotate_feed(session: DB, actor: SignedIn) -> FeedSecretOut:
    """Create the feed URL, or replace it (the previous URL stops working at once)."""
    secret = calendar_feeds.rotate(session, actor=actor)
    return FeedSecretOut(url=secret.url, created_at=secret.created_at)


@router.delete("/doctor/calendar-feed", status_code=204)
def revoke_feed(session: DB, actor: SignedIn) -> Response:
    calendar_feeds.revoke(session, actor=actor)
    return Response(status_code=204)
