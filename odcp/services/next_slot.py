""""Next available": the first free slot of many doctors at once, and keeping it stored.

Why a batch: discovery shows, filters and sorts by each doctor's first free slot, and
`slots.next_available` costs several queries per doctor. `first_free_slots` loads the
rules, overrides, time off and active appointments of all given doctors together (a
handful of queries, whatever their number) and runs the same per-day arithmetic as
`slots.open_slots` (`windows_for_day`, `window_slots`), so both agree slot for slot. Busy
time is loaded in widening looks (two days, two weeks, the horizon): most doctors have a
free slot within two days, and only the rest are looked at further on. A few doctors (a
booking's commit) are looked at to the horizon at once: fewer queries, few rows.

Why lock the documents before reading: a refresh that read the inputs first could store
a value computed before another transaction's booking and overwrite that transaction's
newer value. Taking the documents' row locks first (FOR UPDATE on PostgreSQL; on SQLite a
no-op UPDATE takes the database write lock) makes every later read in the transaction see
whatever committed before, and makes concurrent refreshes of a doctor queue. The stored
value is the first slot within the clinic's booking horizon, for any consultation mode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, bindparam, or_, update
from sqlmodel import Session, col, select

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, DoctorSearchDocument
from odcp.services import slots

log = logging.getLogger("odcp.next_slot")

LOOKS = (timedelta(days=2), timedelta(days=14))  # then up to the booking horizon
FEW = 20  # up to this many doctors, one look
CHUNK = 500  # doctors per refresh transaction, so a full refresh never blocks for long
_DOCS = DoctorSearchDocument.__table__


def first_free_slots(session: Session, doctor_ids: Iterable[int], *,
                     now: datetime | None = None) -> dict[int, datetime | None]:
    """Each doctor's first free slot start (UTC) within the notice and booking horizon,
    or None; equal to `slots.next_available(within_days=horizon)` for each of them."""
    ids = sorted(set(doctor_ids))
    found: dict[int, datetime | None] = dict.fromkeys(ids)
    if not ids:
        return found
    earliest, horizon = slots.bookable_range(slots.policy(session), now or utcnow())
    if horizon <= earliest:
        return found
    zones = {d: (ZoneInfo(tz), modes) for d, tz, modes in session.exec(
        select(DoctorProfile.id, DoctorProfile.timezone, DoctorProfile.modes)
        .where(col(DoctorProfile.id).in_(ids)))}
    rules = slots.rules_by_doctor(session, ids)
    overrides = slots.overrides_by_doctor(session, ids, (earliest - timedelta(days=2)).date(),
                                          (horizon + timedelta(days=2)).date())
    pending = [d for d in ids if d in zones and (rules.get(d) or overrides.get(d))]
    start = earliest
    looks = LOOKS if len(pending) > FEW else ()
    for end in (*(min(earliest + look, horizon) for look in looks), horizon):
        if not pending or end <= start:
            continue
        busy = slots.busy_by_doctor(session, pending, start, end + timedelta(days=1))
        still = []
        for d in pending:
            tz, modes = zones[d]
            first = _first_free(tz, modes, rules.get(d, []), overrides.get(d, {}),
                                busy.get(d, []), start, end)
            if first is None:
                still.append(d)
            found[d] = first
        pending, start = still, end
    return found


def _first_free(tz: ZoneInfo, modes: list[str], rules: list, overrides: dict,
                busy: list, start: datetime, end: datetime) -> datetime | None:
    """The first free slot starting in [start, end). A local day's windows all start
    before the next day's, so the first day with any free slot holds the answer."""
    by_weekday: dict[int, list] = {}
    for rule in rules:
        by_weekday.setdefault(rule.weekday, []).append(rule)
    day, last_day = start.astimezone(tz).date() - timedelta(days=1), end.astimezone(tz).date()
    while day <= last_day:
        firsts = []
        for window in slots.windows_for_day(day, tz, by_weekday.get(day.weekday(), ()),
                                            overrides.get(day), modes):
            slot = next(slots.window_slots(window, busy, start, end), None)
            if slot is not None:
                firsts.append(slot.starts_at)
        if firsts:
            return min(firsts)
        day += timedelta(days=1)
    return None


def _lock_documents(session: Session, doctor_ids: list[int]) -> dict[int, datetime | None]:
    """Lock these doctors' documents (see the module docstring); their stored values."""
    rows = select(_DOCS.c.doctor_id, _DOCS.c.next_slot_at).where(
        _DOCS.c.doctor_id.in_(doctor_ids)).order_by(_DOCS.c.doctor_id)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(_DOCS).where(_DOCS.c.doctor_id.in_(doctor_ids))
                        .values(next_slot_at=_DOCS.c.next_slot_at))
    else:
        rows = rows.with_for_update()
    return {d: at for d, at in session.execute(rows)}


def refresh(session: Session, doctor_ids: Iterable[int], *,
            now: datetime | None = None) -> int:
    """Recompute and store next_slot_at for these doctors in the session's transaction
    (the caller commits); doctors without a search document are skipped. Returns how
    many stored values changed."""
    ids = sorted(set(doctor_ids))
    if not ids:
        return 0
    stored = _lock_documents(session, ids)
    fresh = first_free_slots(session, stored, now=now)
    changed = [{"d": d, "at": at} for d, at in fresh.items() if at != stored[d]]
    if changed:
        at = bindparam("at", type_=_DOCS.c.next_slot_at.type)
        session.execute(update(_DOCS).where(_DOCS.c.doctor_id == bindparam("d"))
                        .values(next_slot_at=at), changed)
        moved = {c["d"] for c in changed}
        for obj in list(session.identity_map.values()):
            if isinstance(obj, DoctorSearchDocument) and obj.doctor_id in moved:
                session.expire(obj, ["next_slot_at"])
    return len(changed)


def stored(session: Session, doctor_ids: Iterable[int]) -> dict[int, datetime | None]:
    """The stored next slot of each doctor (None when unknown or none)."""
    ids = list(doctor_ids)
    found = dict.fromkeys(ids)
    found.update(session.execute(select(_DOCS.c.doctor_id, _DOCS.c.next_slot_at)
                                 .where(_DOCS.c.doctor_id.in_(ids))).all())
    return found


def _refresh_in_chunks(engine: Engine, doctor_ids: list[int], now: datetime | None) -> int:
    changed = 0
    for i in range(0, len(doctor_ids), CHUNK):
        with Session(engine) as session:
            changed += refresh(session, doctor_ids[i:i + CHUNK], now=now)
            session.commit()
    return changed


def refresh_all(engine: Engine, *, now: datetime | None = None) -> int:
    """Every doctor's value (startup, after a policy change); returns how many changed."""
    with Session(engine) as session:
        ids = list(session.execute(select(_DOCS.c.doctor_id)).scalars())
    return _refresh_in_chunks(engine, ids, now)


def refresh_stale(engine: Engine, *, now: datetime | None = None,
                  include_empty: bool = False) -> int:
    """Values that time has overtaken: a stored slot now inside the minimum notice (or
    past). With `include_empty`, also doctors with none stored, whose horizon has moved
    on since. Returns how many changed."""
    now = now or datetime.now(UTC)
    with Session(engine) as session:
        soonest, _ = slots.bookable_range(slots.policy(session), now)
        stale = _DOCS.c.next_slot_at < soonest
        if include_empty:
            stale = or_(stale, _DOCS.c.next_slot_at.is_(None))
        ids = list(session.execute(select(_DOCS.c.doctor_id).where(stale)).scalars())
    return _refresh_in_chunks(engine, ids, now) if ids else 0


_lock = threading.Lock()
_wanted: set[Engine] = set()
_running = False


def refresh_all_in_background(engine: Engine) -> None:
    """Run `refresh_all` on a worker thread, off the caller's request. Requests made while
    one runs are merged into one more run, so the last one always sees the latest data."""
    global _running
    with _lock:
        _wanted.add(engine)
        if _running:
            return
        _running = True
    threading.Thread(target=_background, name="next-slot-refresh", daemon=True).start()


def _background() -> None:
    global _running
    while True:
        with _lock:
            if not _wanted:
                _running = False
                return
            engine = _wanted.pop()
        try:
            changed = refresh_all(engine)
            log.info("refreshed every doctor's next free slot (%s changed)", changed)
        except Exception:  # the startup refresh and the stale job will try again
            log.exception("refreshing next free slots failed")


def wait_for_background(timeout: float = 30.0) -> bool:
    """Whether background refreshes finished within `timeout` seconds (tests, shutdown)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _running:
                return True
        time.sleep(0.02)
    return False
