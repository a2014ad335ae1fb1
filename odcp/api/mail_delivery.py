"""Mail committed while handling an API request goes out right after the response.

Why a middleware: no endpoint has to remember to deliver. The outbox's after-commit
listener gathers what this request committed (`outbox.collect`), the client gets its
answer without waiting for SMTP, and the delivery then runs in a worker thread. This works
with or without the web app's background sender (the API can be served on its own); a
failed delivery stays queued for the scheduler's retry sweep.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from odcp.services.mail import outbox


class DeliverMailAfterResponse:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with outbox.collect() as batches:
            try:
                await self.app(scope, receive, send)
            finally:  # what was committed goes out even if the request failed later
                if batches:
                    await anyio.to_thread.run_sync(outbox.deliver_batches, list(batches))
