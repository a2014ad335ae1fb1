"""Time-limited links bound to one thing and one viewer (HMAC-SHA256, no database row).

A link carries `exp` (unix seconds) and `sig`, an HMAC over the purpose, the thing's id,
the viewer's user id and `exp`, keyed from ODCP_SECRET_KEY with a label used for nothing
else. The viewer is not in the URL: the server recomputes the tag with the id of whoever
is signed in, so a link copied to someone else (or altered in any part) fails the same
way, as tampered (403), while a genuine link past its time answers 410 Gone.

Why no row: a link is checked on every download and lives minutes; revocation comes
from the access rule being checked again at download time (odcp.services.care).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from odcp.models.base import utcnow
from odcp.services.errors import DomainError, Forbidden
from odcp.settings import get_settings

_KEY_LABEL = b"odcp signed link v1"
DEFAULT_TTL = timedelta(minutes=10)
MAX_TTL = timedelta(hours=24)


class LinkExpired(DomainError):
    """A genuine link whose time is up: ask for a new one."""

    status_code = 410


@dataclass(frozen=True)
class SignedLink:
    path: str  # with the query string; prefix the public or API base URL
    expires_at: datetime


def _key() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _tag(purpose: str, subject: int | str, viewer_id: int, exp: int) -> str:
    message = f"{purpose}\n{subject}\n{viewer_id}\n{exp}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(path: str, *, purpose: str, subject: int | str, viewer_id: int,
         ttl: timedelta = DEFAULT_TTL, now: datetime | None = None) -> SignedLink:
    """`path` with `?exp=...&sig=...` for `viewer_id`, valid for `ttl`."""
    if not timedelta(0) < ttl <= MAX_TTL:
        raise ValueError("a signed link lives between a second and a day")
    exp = int(((now or utcnow()) + ttl).timestamp())
    query = urlencode({"exp": exp, "sig": _tag(purpose, subject, viewer_id, exp)})
    return SignedLink(path=f"{path}?{query}", expires_at=datetime.fromtimestamp(exp, UTC))


def verify(*, purpose: str, subject: int | str, viewer_id: int, exp: object, sig: object,
           now: datetime | None = None) -> None:
    """Return if the link is genuine, for this viewer and still valid; else Forbidden
    (altered, or issued to someone else) or LinkExpired."""
    try:
        exp_int = int(str(exp))
    except ValueError:
        exp_int = None
    expected = _tag(purpose, subject, viewer_id, exp_int) if exp_int is not None else ""
    if not expected or not hmac.compare_digest(expected.encode(), str(sig or "").encode()):
        raise Forbidden("This link is not valid for you. Ask for a new link from the "
                        "patient's record.")
    if exp_int <= int((now or utcnow()).timestamp()):
        raise LinkExpired("This link has expired. Open the document again from the "
                          "patient's record to get a new one.")
