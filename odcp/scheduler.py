"""In-process timed jobs (APScheduler), started by the Reflex app's lifespan.

Why the jobs only sweep DB queues: APScheduler's job stores cannot be shared between
processes, so every worker runs the same sweeps and the queue rows' claim-once UPDATE
keeps any row from being handled twice.

The "next available" sweeps are idempotent recomputations (each doctor's row is locked
while it is recomputed), so several workers running them is harmless: at startup every
doctor (the data may have changed while the app was down); every minute the values time
has overtaken (a stored slot now inside the minimum notice); every quarter hour doctors
with none stored, as the booking horizon moves on. A policy change seen by the minute
sweep (made through another worker, or a lost background refresh) refreshes everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import Session

from odcp.db import get_engine
from odcp.services import next_slot, slots
from odcp.services.mail import outbox

log = logging.getLogger("odcp.scheduler")


async def _retry_mail() -> None:
    sent = await asyncio.to_thread(outbox.deliver_pending, get_engine())
    if sent:
        log.info("delivered %s queued mail message(s)", sent)


class NextSlotSweeps:
    """The "next available" jobs; remembers the policy the last full refresh used."""

    def __init__(self) -> None:
        self._policy: tuple[int, int] | None = None

    def _current_policy(self) -> tuple[int, int]:
        with Session(get_engine()) as session:
            rules = slots.policy(session)
            return rules.min_notice_minutes, rules.booking_horizon_days

    def _full(self) -> int:
        self._policy = self._current_policy()
        return next_slot.refresh_all(get_engine())

    def _stale(self) -> int:
        if self._policy != self._current_policy():
            return self._full()
        return next_slot.refresh_stale(get_engine())

    async def full(self) -> None:
        changed = await asyncio.to_thread(self._full)
        log.info("next free slots refreshed for every doctor (%s changed)", changed)

    async def stale(self) -> None:
        changed = await asyncio.to_thread(self._stale)
        if changed:
            log.info("refreshed %s next free slot(s) overtaken by time", changed)

    async def empty(self) -> None:
        await asyncio.to_thread(next_slot.refresh_stale, get_engine(), include_empty=True)


@contextlib.asynccontextmanager
async def scheduler_lifespan():
    """Run the sweeps while the backend is up."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(_retry_mail, "interval", seconds=60, id="mail-retry",
                      max_instances=1, coalesce=True)
    sweeps = NextSlotSweeps()
    scheduler.add_job(sweeps.full, id="next-slot-startup")  # once, right away
    scheduler.add_job(sweeps.stale, "interval", seconds=60, id="next-slot-stale",
                      max_instances=1, coalesce=True)
    scheduler.add_job(sweeps.empty, "interval", minutes=15, id="next-slot-empty",
                      max_instances=1, coalesce=True)
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
