"""Queue mail in the caller's transaction; deliver after commit, claimed exactly once.

Why a claim by conditional UPDATE: several workers (or a retry racing a first attempt) may
try the same row; only the one whose UPDATE changed a row sends it.

Why callers never deliver by hand: `queue` notes the new row's id on `session.info`, and a
session `after_commit` listener hands the ids on once the rows are really stored (a
rolled-back transaction drops them, so it sends nothing). Who delivers depends on where
the commit ran: inside an API request, the request delivers right after its response has
gone out (`collect`); in the web app, a background thread started by the app's lifespan
(`background_delivery`) does, so the event loop never waits for SMTP. Anywhere else (the
CLI, plain scripts) the rows stay queued for the scheduler's retry sweep, which also picks
up anything a crash or a failed delivery left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextvars import ContextVar
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Engine, and_, event, or_, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from odcp.models.base import utcnow
from odcp.models.notification import OutboxMessage
from odcp.services.actor import Actor
from odcp.services.mail.templates import render
from odcp.services.mail.transports import TransportError, transport_for
from odcp.services.permissions import Permission, require_permission
from odcp.settings import get_settings

log = logging.getLogger("odcp.mail")
MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=5)
_PENDING = "odcp.outbox.pending"  # session.info key: ids queued in the open transaction


def queue(session: Session, *, to: str, kind: str, **values: str) -> OutboxMessage:
    rendered = render(kind, **values)
    message = OutboxMessage(to_address=to, subject=rendered.subject[:200],
                            text_body=rendered.text,
                            html_body=rendered.html, kind=kind)
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING, []).append(message.id)
    return message


def _claimable(now: datetime):
    """Queued, or stuck in `sending` for CLAIM_TIMEOUT (a crashed worker): while a row is
    `sending`, `sent_at` holds when that attempt began, so a running attempt is never
    taken over."""
    stale = now - CLAIM_TIMEOUT
    return and_(col(OutboxMessage.attempts) < MAX_ATTEMPTS, or_(
        col(OutboxMessage.status) == "queued",
        (col(OutboxMessage.status) == "sending")
        & or_(col(OutboxMessage.sent_at) < stale,
              col(OutboxMessage.sent_at).is_(None) & (col(OutboxMessage.created_at) < stale))))


def _claim(engine: Engine, message_id: int) -> bool:
    now = utcnow()
    with engine.begin() as conn:
        result = conn.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, _claimable(now))
            .values(status="sending", attempts=OutboxMessage.attempts + 1, sent_at=now)
        )
        return result.rowcount == 1


def _email(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = get_settings().mail_from
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="odcp.local")
    msg.set_content(row.text_body)
    msg.add_alternative(row.html_body, subtype="html")
    return msg


def deliver(engine: Engine, message_id: int) -> str:
    """Send one queued message; returns its new status. Blocking: run in a thread."""
    if not _claim(engine, message_id):
        return "skipped"
    transport = transport_for(get_settings())
    with Session(engine) as session:
        row = session.get(OutboxMessage, message_id)
        try:
            transport.send(_email(row))
        except TransportError as exc:
            row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
            row.last_error, row.sent_at = str(exc)[:300], None
            log.warning("mail %s not delivered (attempt %s)", row.id, row.attempts)
        else:
            row.status = "sent" if transport.name == "smtp" else "stored"
            row.sent_at = utcnow()
        session.add(row)
        session.commit()
        return row.status


def deliver_pending(engine: Engine, *, limit: int = 50) -> int:
    """Retry every queued message, and any a crash left half-sent (the scheduler calls
    this); returns how many went out."""
    with Session(engine) as session:
        ids = session.exec(select(OutboxMessage.id).where(_claimable(utcnow()))
                           .order_by(OutboxMessage.id).limit(limit)).all()
    return sum(deliver(engine, i) in ("sent", "stored") for i in ids)


def list_messages(session: Session, *, actor: Actor, page: int = 1,
                  page_size: int = 25) -> tuple[list[OutboxMessage], int]:
    """The outbox for admins allowed to read it, newest first."""
    require_permission(actor, Permission.OUTBOX_VIEW)
    total = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())
                        .offset((max(page, 1) - 1) * page_size).limit(page_size)).all()
    return list(rows), total


def deliver_many(engine: Engine, message_ids: list[int]) -> None:
    """Deliver just-committed messages; failures stay queued for the scheduler's retry."""
    for message_id in message_ids:
        try:
            deliver(engine, message_id)
        except Exception:  # a DB hiccup must not stop the others; the sweep retries
            log.exception("mail %s: delivery attempt failed", message_id)


# Delivery after commit ------------------------------------------------------------------

Batch = tuple[Engine, list[int]]
_collector: ContextVar[list[Batch] | None] = ContextVar("odcp_mail_collector", default=None)
_executor: ThreadPoolExecutor | None = None
_in_flight: set[Future] = set()


@event.listens_for(OrmSession, "after_commit")
def _hand_off_after_commit(session: OrmSession) -> None:
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    batch: Batch = (session.get_bind().engine, ids)
    collector = _collector.get()
    if collector is not None:
        collector.append(batch)
    elif _executor is not None:
        future = _executor.submit(deliver_many, *batch)
        _in_flight.add(future)
        future.add_done_callback(_in_flight.discard)
    else:
        log.debug("mail %s left queued for the retry sweep", ids)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back(session: OrmSession, previous_transaction) -> None:
    if not previous_transaction.nested:  # the rows are gone with the transaction
        session.info.pop(_PENDING, None)


@contextlib.contextmanager
def collect() -> Iterator[list[Batch]]:
    """Gather mail committed inside the block (in this context) instead of handing it to
    the background thread; the caller delivers it with `deliver_batches`, e.g. once its
    HTTP response has gone out."""
    batches: list[Batch] = []
    token = _collector.set(batches)
    try:
        yield batches
    finally:
        _collector.reset(token)


def deliver_batches(batches: list[Batch]) -> None:
    """Blocking: run in a thread."""
    for engine, ids in batches:
        deliver_many(engine, ids)


def start_background_delivery(workers: int = 2) -> None:
    """From now on mail committed in this process goes out from a background thread."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="odcp-mail")


def drain(timeout: float = 10.0) -> bool:
    """Wait for the deliveries handed off so far; True when all have finished."""
    return not wait_futures(list(_in_flight), timeout=timeout).not_done


def stop_background_delivery(timeout: float = 10.0) -> None:
    """Finish what was handed off (up to `timeout`); later mail waits for the sweep."""
    global _executor
    executor, _executor = _executor, None
    if executor is not None:
        drain(timeout)
        executor.shutdown(wait=False)


@contextlib.asynccontextmanager
async def background_delivery():
    """Lifespan task for the web app: deliver committed mail without blocking the loop."""
    start_background_delivery()
    try:
        yield
    finally:
        await asyncio.to_thread(stop_background_delivery)
