"""Keep each doctor's stored next free slot right, in the same commit as the change.

Why session events rather than calls in services: appointments, time off, weekly rules,
date overrides and the clinic policy are written by many services (booking, the
lifecycle moves, the agenda, the rule, override and policy editors, the seed), and more
will come. A listener on every ORM session sees each of those rows change, so no service
can forget to update discovery, and a booked slot disappears from "next available" for
everyone the moment the booking commits, not at the next sweep. After the commit the
same doctors are announced on `schedule_events`, so open booking pages re-read their
slots at once.

How: `before_flush` notes which doctors' rows change (old and new doctor on a move), and
`do_orm_execute` does the same for ORM bulk `update(...)`/`delete(...)` statements on
those tables (the rows they touch, read before and after); `before_commit` flushes what
is left and recomputes those doctors with `next_slot.refresh` inside the same
transaction, so the value commits or rolls back with the change itself. A policy change
(notice, horizon) moves every doctor: for a small clinic that is done inline too; for a
large one it runs after the commit on a background thread
(`next_slot.refresh_all_in_background`), so an admin's save is not held up; the startup
refresh and the scheduler's sweeps make it end up right even if that thread dies.

Only ORM statements are seen: SQL written as text that changes these tables must call
`next_slot.refresh` itself (no service does today). Bulk statements on the policy row or
on doctor profiles are not followed (services use them as row locks); the real changes
come through the unit of work, and the scheduler's sweep catches a missed policy change.
"""

from __future__ import annotations

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from odcp.models.appointment import Appointment
from odcp.models.doctor import DoctorProfile, DoctorSearchDocument
from odcp.models.schedule import AvailabilityRule, ClinicPolicy, DateOverride, TimeOff
from odcp.services import next_slot, schedule_events

INLINE_FULL_REFRESH = 300  # up to this many doctors, a policy change refreshes inline
_DOCTORS = "odcp.next_slot.doctors"
_POLICY = "odcp.next_slot.policy"
_LATER = "odcp.next_slot.later"
_ANNOUNCE = "odcp.next_slot.announce"

# Per watched class: the attributes whose change moves a free slot (None: any).
_WATCHED: dict[type, tuple[str, ...] | None] = {
    Appointment: ("doctor_id", "starts_at", "ends_at", "status"),
    TimeOff: ("doctor_id", "starts_at", "ends_at"),
    AvailabilityRule: None,
    DateOverride: None,
    DoctorProfile: ("timezone", "modes"),
}
_POLICY_FIELDS = ("min_notice_minutes", "booking_horizon_days")


def _changed(obj, names: tuple[str, ...] | None) -> bool:
    state = inspect(obj)
    names = names or tuple(a.key for a in state.mapper.column_attrs)
    return any(state.attrs[name].history.has_changes() for name in names)


_BULK_WATCHED = (Appointment, TimeOff, AvailabilityRule, DateOverride)


def _doctors_of(obj) -> set[int]:
    """The doctor the row belongs to now, and before, if it moved."""
    key = "id" if isinstance(obj, DoctorProfile) else "doctor_id"
    history = inspect(obj).attrs[key].history
    return {d for d in (getattr(obj, key), *history.deleted) if d is not None}


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    doctors: set[int] = session.info.setdefault(_DOCTORS, set())
    for obj in session.new:
        if isinstance(obj, DoctorSearchDocument):  # a new document starts out computed
            doctors.add(obj.doctor_id)
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, ClinicPolicy):
            session.info[_POLICY] = True
        elif type(obj) in _WATCHED and type(obj) is not DoctorProfile:
            doctors |= _doctors_of(obj)
    for obj in session.dirty:
        if isinstance(obj, ClinicPolicy) and _changed(obj, _POLICY_FIELDS):
            session.info[_POLICY] = True
        elif type(obj) in _WATCHED and _changed(obj, _WATCHED[type(obj)]):
            doctors |= _doctors_of(obj)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    """An ORM `update(Model)` / `delete(Model)`: the doctors of the rows it touches, before
    and after (an UPDATE may move rows to another doctor)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    if state.bind_mapper.class_ not in _BULK_WATCHED:
        return None
    table, session = state.bind_mapper.local_table, state.session
    touched = select(table.c.id, table.c.doctor_id)
    if state.statement.whereclause is not None:
        touched = touched.where(state.statement.whereclause)
    before = session.execute(touched).all()
    result = state.invoke_statement()
    doctors: set[int] = session.info.setdefault(_DOCTORS, set())
    doctors |= {doctor_id for _, doctor_id in before}
    if state.is_update and before:
        doctors |= set(session.execute(select(table.c.doctor_id).where(
            table.c.id.in_([row_id for row_id, _ in before]))).scalars())
    return result


@event.listens_for(Session, "before_commit")
def _recompute(session: Session) -> None:
    session.flush()  # note what is still unflushed
    doctors = session.info.pop(_DOCTORS, set())
    if session.info.pop(_POLICY, False):
        count = session.execute(select(func.count()).select_from(
            DoctorSearchDocument.__table__)).scalar_one()
        if count <= INLINE_FULL_REFRESH:
            doctors = set(session.execute(select(DoctorSearchDocument.doctor_id)).scalars())
        else:
            session.info[_LATER] = True
    if doctors:
        next_slot.refresh(session, doctors)
        session.info.setdefault(_ANNOUNCE, set()).update(doctors)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Tell open booking pages (schedule_events); refresh everyone later if that was left."""
    if session.in_nested_transaction():
        return
    schedule_events.announce(session.info.pop(_ANNOUNCE, ()))
    if session.info.pop(_LATER, False):
        next_slot.refresh_all_in_background(session.get_bind())


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction is gone, not a savepoint
        for key in (_DOCTORS, _POLICY, _LATER, _ANNOUNCE):
            session.info.pop(key, None)
