"""Booking: racing patients, booking throughput, open slots and "next available".

(a) race: 200 threads, each with its own session, book one slot through
    `booking.book_slot` as 200 different patients; exactly one may win.
(b) throughput: 8 clients book distinct slots through `booking.book_slot`, against the
    same rows INSERTed by 8 clients on the raw driver (one transaction per row), so the
    ratio is what the rules (row locks, slot check, overlap check, audit, the next free
    slot kept in the same commit) cost over the bare write.
(c) `slots.open_slots` for one doctor over 30 days (p50 over repeats, against the same
    SELECTs on the raw driver), and `next_slot.first_free_slots` for 1,000 doctors
    (p50 over repeats, against `slots.next_available` doctor by doctor, whose answers
    must be the same).

Builds its own databases: a temporary SQLite file, and a throwaway PostgreSQL database
(created and dropped here) when ODCP_TEST_DATABASE_URL or the local server answers; never
the configured one. Usage: `.venv/bin/python -m bench.booking` from the repository root.
"""

from __future__ import annotations

import os
import queue
import sys
import tempfile
import threading
import time
from datetime import timedelta

DOCTORS = 1_000
RACERS = 200
CLIENTS = 8
PER_CLIENT = 40
REPEATS = 50

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("ODCP_INSTANCE_DIR", tempfile.mkdtemp(prefix="odcp-bench-booking-"))
os.environ.setdefault("ODCP_ENV", "development")

from sqlalchemy import Engine, func, select  # noqa: E402
from sqlalchemy import text as sql_text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench._booking_data import build_clinic  # noqa: E402
from bench.common import bench_line, percentile, run_on_databases  # noqa: E402
from odcp import db  # noqa: E402
from odcp.models.appointment import Appointment  # noqa: E402
from odcp.models.base import utcnow  # noqa: E402
from odcp.models.doctor import DoctorProfile  # noqa: E402
from odcp.models.user import User  # noqa: E402
from odcp.services import booking, directory, migrations, next_slot, slots  # noqa: E402
from odcp.services.actor import Actor  # noqa: E402


def _patients(engine: Engine, ids: list[int]) -> list[User]:
    with Session(engine, expire_on_commit=False) as session:
        users = list(session.execute(select(User).where(User.__table__.c.id.in_(ids))
                                     .order_by(User.__table__.c.id)).scalars())
        session.expunge_all()
    return users


def _listed(engine: Engine, count: int) -> list[int]:
    with Session(engine) as session:
        return list(session.execute(directory.listed_doctors_query(DoctorProfile.id)
                                    .order_by(DoctorProfile.id).limit(count)).scalars())


def _race(engine: Engine, name: str, doctor_id: int, patients: list[User]) -> None:
    with Session(engine) as session:
        slot = slots.next_available(session, doctor_id=doctor_id, within_days=14)
    start = threading.Barrier(len(patients))
    outcomes: list[str] = []

    def attempt(patient: User) -> None:
        start.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                booking.book_slot(session, actor=Actor(user=patient), doctor_id=doctor_id,
                                  starts_at=slot.starts_at, mode=slot.modes[0],
                                  reason="racing for the same slot")
                outcomes.append("won")
            except booking.SlotTaken:
                outcomes.append("taken")
            except Exception as exc:  # reported, never counted as a win
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    table = Appointment.__table__
    with Session(engine) as session:
        stored = session.execute(select(func.count()).select_from(table).where(
            table.c.doctor_id == doctor_id, table.c.starts_at == slot.starts_at)).scalar()
    others = sorted({o for o in outcomes if o not in ("won", "taken")})
    bench_line("booking_race", db=name, attempts=len(patients),
               winners=outcomes.count("won"), stored=stored,
               taken=outcomes.count("taken"), errors=",".join(others) or 0,
               seconds=f"{elapsed:.2f}")


def _throughput(engine: Engine, name: str, doctors: list[int], patients: list[User]) -> None:
    with Session(engine) as session:
        free = [[s for s in slots.open_slots(session, doctor_id=d, start=utcnow(),
                                             end=utcnow() + timedelta(days=21))]
                for d in doctors]
    work: queue.Queue = queue.Queue()
    for i, patient in enumerate(patients):  # round robin over doctors, distinct slots
        slot = free[i % len(doctors)][i // len(doctors)]
        work.put((patient, doctors[i % len(doctors)], slot))
    made: list[int] = []

    def client() -> None:
        with Session(engine, expire_on_commit=False) as session:
            while True:
                try:
                    patient, doctor_id, slot = work.get_nowait()
                except queue.Empty:
                    return
                made.append(booking.book_slot(
                    session, actor=Actor(user=patient), doctor_id=doctor_id,
                    starts_at=slot.starts_at, mode=slot.modes[0],
                    reason="follow-up of blood pressure").id)

    service_s = _clients(client)
    columns = [c.name for c in Appointment.__table__.columns if c.name != "id"]
    raw = engine.raw_connection()
    try:
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        cur = raw.cursor()
        ids = ", ".join(str(i) for i in made)
        cur.execute(f"SELECT {', '.join(columns)} FROM appointments "  # noqa: S608
                    f"WHERE id IN ({ids})")
        rows = cur.fetchall()
        cur.execute(f"DELETE FROM appointments WHERE id IN ({ids})")  # noqa: S608
        raw.commit()
    finally:
        raw.close()
    insert = (f"INSERT INTO appointments ({', '.join(columns)}) "  # noqa: S608
              f"VALUES ({', '.join([mark] * len(columns))})")
    pending: queue.Queue = queue.Queue()
    for row in rows:
        pending.put(tuple(row))

    def raw_client() -> None:
        conn = engine.raw_connection()
        try:
            while True:
                try:
                    row = pending.get_nowait()
                except queue.Empty:
                    return
                cur = conn.cursor()
                cur.execute(insert, row)
                cur.close()
                conn.commit()
        finally:
            conn.close()

    raw_s = _clients(raw_client)
    per_s, raw_per_s = len(made) / service_s, len(rows) / raw_s
    bench_line("booking_throughput", db=name, clients=CLIENTS, bookings=len(made),
               per_s=f"{per_s:.1f}", raw_per_s=f"{raw_per_s:.1f}",
               ratio=f"{per_s / raw_per_s:.3f}")


def _clients(target) -> float:
    threads = [threading.Thread(target=target) for _ in range(CLIENTS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def _open_slots(engine: Engine, name: str, doctor_id: int) -> None:
    raw_sql = [
        "SELECT * FROM doctor_profiles WHERE id = :d", "SELECT * FROM clinic_policy",
        "SELECT * FROM availability_rules WHERE doctor_id = :d",
        "SELECT * FROM availability_overrides WHERE doctor_id = :d AND on_date >= :day",
        "SELECT starts_at, ends_at FROM appointments WHERE doctor_id = :d AND status IN "
        "('pending', 'confirmed', 'in_progress') AND starts_at < :end AND ends_at > :start",
        "SELECT starts_at, ends_at FROM time_off WHERE doctor_id = :d AND starts_at < :end "
        "AND ends_at > :start"]
    service_ms, raw_ms, found = [], [], 0
    for _ in range(REPEATS):
        now = utcnow()
        t0 = time.perf_counter()
        with Session(engine) as session:
            found = len(slots.open_slots(session, doctor_id=doctor_id, start=now,
                                         end=now + timedelta(days=30)))
        t1 = time.perf_counter()
        with engine.connect() as conn:
            at = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
            params = {"d": doctor_id, "day": now.date(), "start": at,
                      "end": at + timedelta(days=31)}
            for sql in raw_sql:
                conn.execute(sql_text(sql), params).all()
        raw_ms.append((time.perf_counter() - t1) * 1000)
        service_ms.append((t1 - t0) * 1000)
    p50, raw_p50 = percentile(service_ms, 50), percentile(raw_ms, 50)
    bench_line("open_slots", db=name, days=30, ms=f"{p50:.2f}", stat="p50",
               p95_ms=f"{percentile(service_ms, 95):.2f}", raw_ms=f"{raw_p50:.2f}",
               ratio=f"{p50 / raw_p50:.2f}", slots=found)


def _next_available(engine: Engine, name: str) -> None:
    ids = list(range(1, DOCTORS + 1))
    batch_ms, found = [], {}
    for _ in range(10):
        t0 = time.perf_counter()
        with Session(engine) as session:
            found = next_slot.first_free_slots(session, ids)
        batch_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    with Session(engine) as session:
        horizon = slots.policy(session).booking_horizon_days
        one_by_one = {d: slots.next_available(session, doctor_id=d, within_days=horizon)
                      for d in ids}
    per_doctor_ms = (time.perf_counter() - t0) * 1000
    mismatches = sum(found[d] != (s.starts_at if s else None) for d, s in one_by_one.items())
    t0 = time.perf_counter()
    next_slot.refresh_all(engine)
    refresh_ms = (time.perf_counter() - t0) * 1000
    p50 = percentile(batch_ms, 50)
    bench_line("next_available", db=name, doctors=DOCTORS, ms=f"{p50:.1f}", stat="p50",
               per_doctor_ms=f"{per_doctor_ms:.1f}", ratio=f"{p50 / per_doctor_ms:.3f}",
               refresh_all_ms=f"{refresh_ms:.1f}", mismatches=mismatches,
               free=sum(v is not None for v in found.values()))


def _run(engine: Engine, name: str) -> None:
    migrations.upgrade(engine)
    db.use_engine(engine)  # anything that asks for the process engine gets this one
    started = time.perf_counter()
    patient_ids = build_clinic(engine, DOCTORS, RACERS + CLIENTS * PER_CLIENT)
    next_slot.refresh_all(engine)
    print(f"{name}: clinic of {DOCTORS} doctors built in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    patients = _patients(engine, patient_ids)
    listed = _listed(engine, 17)
    _race(engine, name, listed[0], patients[:RACERS])
    _throughput(engine, name, listed[1:], patients[RACERS:])
    _open_slots(engine, name, listed[0])
    _next_available(engine, name)
    db.use_engine(None)


def main() -> int:
    run_on_databases(_run, "booking")
    return 0


if __name__ == "__main__":
    sys.exit(main())
