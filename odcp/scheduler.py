"""In-process timed jobs (APScheduler), started by the Reflex app's lifespan.

Why the jobs only sweep DB queues: APScheduler's job stores cannot be shared between
processes, so every worker runs the same sweeps and the queue rows' claim-once UPDATE
keeps any row from being handled twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from odcp.db import get_engine
from odcp.services.mail import outbox

log = logging.getLogger("odcp.scheduler")


async def _retry_mail() -> None:
    sent = await asyncio.to_thread(outbox.deliver_pending, get_engine())
    if sent:
        log.info("delivered %s queued mail message(s)", sent)


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    """Run the sweeps while the backend is up."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(_retry_mail, "interval", seconds=60, id="mail-retry",
                      max_instances=1, coalesce=True)
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
