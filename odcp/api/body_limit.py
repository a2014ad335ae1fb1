"""A cap on every request body, enforced while it arrives, before anyone reads it.

Why here and not in the routes: FastAPI reads (and for multipart, spools to disk) the whole
body before it resolves any dependency or calls the handler, so a size check in a handler,
and even the sign-in check, comes after an anonymous client has sent gigabytes. This
middleware answers 413 at once for a declared Content-Length over the limit, and stops a
chunked (undeclared) body the moment it passes the limit. The services still check each
file's and text's own limit with a clear message; these caps are only a little above them.

Only /api/ paths: Reflex mounts the web app (pages, its event socket and its /_upload
route, which the pages' own file pickers use) inside this FastAPI app, so everything else
passes through untouched.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from odcp.api.errors import error_response
from odcp.services import chat, doctor_documents, patient_documents

MB = 1024 * 1024
DEFAULT_LIMIT = 1 * MB  # JSON bodies: the largest (a full SOAP note) is well under this
MULTIPART_SLACK = 64 * 1024  # form boundaries, headers and a caption around the file
UPLOADS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), limit + MULTIPART_SLACK) for pattern, limit in (
        (r"^/api/v1/appointments/\d+/chat/attachments$", chat.MAX_ATTACHMENT_BYTES),
        (r"^/api/v1/records/documents$", patient_documents.MAX_BYTES),
        (r"^/api/v1/doctor/profile/licence$", doctor_documents.MAX_DOCUMENT_BYTES),
        (r"^/api/v1/doctor/profile/photo$", doctor_documents.MAX_PHOTO_BYTES),
    ))


def limit_for(path: str) -> int | None:
    """The cap for an API path; None for the web app's own routes, which Reflex mounts
    inside this app (its /_upload takes the pages' files; see the module docstring)."""
    if not path.startswith("/api/"):
        return None
    for pattern, limit in UPLOADS:
        if pattern.match(path):
            return limit
    return DEFAULT_LIMIT


def _message(limit: int) -> str:
    return f"The request is larger than {limit // MB or 1} MB; nothing was saved."


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit_for(path)`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = limit_for(scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await error_response(413, _message(limit))(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # only a chunked body can get here
                    raise HTTPException(status_code=413, detail=_message(limit))
            return message

        await self.app(scope, limited, send)
