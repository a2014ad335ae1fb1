"""/admin/appointments: every appointment with filters and paging, cancel with a reason
and reassign to another doctor (rules in services.appointments_admin and
services.appointments; this state turns the filter bar into a query and shows the results
in the admin's own time zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.services import appointments, appointments_admin
from odcp.services.appointments_admin import AdminRow, AppointmentFilter
from odcp.services.doctor_public import money
from odcp.services.errors import DomainError, Invalid
from odcp.state.paging import PagingMixin
from odcp.state.row_dialog import RowDialogMixin
from odcp.state.session import SessionState

PAGE_SIZE = 20
ALL = "all"  # the selects' "no filter" choice (Radix selects cannot hold "")
STATUS_LABELS = {"pending": "Pending approval", "confirmed": "Confirmed",
                 "in_progress": "In progress", "completed": "Completed",
                 "cancelled": "Cancelled", "no_show": "No-show"}
STATUS_COLORS = {"pending": "amber", "confirmed": "green", "in_progress": "blue",
                 "completed": "gray", "cancelled": "red", "no_show": "orange"}
ORDER_LABELS = {"upcoming": "Upcoming first", "newest": "Newest bookings first"}
MODE_LABELS = {"video": "Video", "audio": "Audio", "chat": "Chat"}


def _row(r: AdminRow, tz: ZoneInfo) -> dict[str, str]:
    start, end = r.starts_at.astimezone(tz), r.ends_at.astimezone(tz)
    return {
        "id": str(r.id), "patient": r.patient_name, "email": r.patient_email,
        "doctor": r.doctor_name, "date": f"{start:%a %d %b %Y}",
        "time": f"{start:%H:%M}\u2013{end:%H:%M}", "mode": MODE_LABELS.get(r.mode, r.mode),
        "status": STATUS_LABELS.get(r.status, r.status),
        "status_color": STATUS_COLORS.get(r.status, "gray"),
        "fee": money(r.fee_cents, r.currency), "note": r.cancel_reason or "",
        "can_cancel": "yes" if r.can_cancel else "",
        "can_reassign": "yes" if r.can_reassign else "",
    }


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class AdminAppointmentsState(PagingMixin, RowDialogMixin, SessionState):
    rows: list[dict[str, str]] = []
    total: int = 0
    zone: str = "UTC"
    error: str = ""
    filter_error: str = ""
    search: str = ""
    date_from: str = ""
    date_to: str = ""
    status_filter: str = ALL
    doctor_filter: str = ALL
    order: str = "upcoming"
    doctor_options: list[list[str]] = []
    filter_key: int = 0
    # the open dialog ("", "cancel", "reassign") is about this row
    target: dict[str, str] = {}
    choices: list[dict[str, str]] = []
    free_count: int = 0
    chosen_doctor: str = ""

    @rx.var
    def filtered(self) -> bool:
        return bool(self.search or self.date_from or self.date_to
                    or self.status_filter != ALL or self.doctor_filter != ALL)

    def _filters(self, tz: ZoneInfo) -> AppointmentFilter:
        """The filter bar as a query: dates are whole days in the admin's zone."""
        start, end = _day(self.date_from), _day(self.date_to)
        return AppointmentFilter(
            status=None if self.status_filter == ALL else self.status_filter,
            doctor_id=None if self.doctor_filter == ALL else int(self.doctor_filter),
            patient=self.search, order=self.order,
            since=datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC) if start
            else None,
            until=datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
            .astimezone(UTC) if end else None)

    def _query(self) -> None:
        with session_scope() as session:
            actor = self.actor(session)
            tz = ZoneInfo(actor.user.timezone if actor.user else "UTC")
            try:
                result = appointments_admin.list_appointments(
                    session, actor=actor, filters=self._filters(tz), page=self.page,
                    page_size=PAGE_SIZE)
            except Invalid as exc:  # a filter that makes no sense: said next to the bar
                self.rows, self.total, self.pages = [], 0, 1
                self.error, self.filter_error = "", exc.message
                return
            except DomainError as exc:
                self.rows, self.total, self.pages = [], 0, 1
                self.error, self.filter_error = exc.message, ""
                return
            self.zone = str(tz)
            self.rows = [_row(r, tz) for r in result.rows]
        self.error = self.filter_error = ""
        self.total = result.total
        self._set_pages(result.pages)

    @rx.event
    def load(self):
        self.page, self.dialog = 1, ""
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                names = appointments_admin.doctor_names(session, actor=actor)
            except DomainError as exc:
                self.rows, self.error = [], exc.message
                return None
        self.doctor_options = [[str(i), n] for i, n in names]
        self.filter_key += 1  # the filter bar shows the filters kept from the last visit
        self._query()
        return None

    @rx.event
    def apply_search(self, form: dict):
        self.search = " ".join(str(form.get("search", "")).split())[
            :appointments_admin.MAX_SEARCH]
        self.date_from = str(form.get("date_from", ""))[:10]
        self.date_to = str(form.get("date_to", ""))[:10]
        self._first_page()

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter = value
        self._first_page()

    @rx.event
    def set_doctor_filter(self, value: str):
        self.doctor_filter = value
        self._first_page()

    @rx.event
    def set_order(self, value: str):
        self.order = value
        self._first_page()

    @rx.event
    def clear_filters(self):
        self.search = self.date_from = self.date_to = ""
        self.status_filter = self.doctor_filter = ALL
        self.filter_key += 1
        self._first_page()

    # --- dialogs ----------------------------------------------------------------------------

    @rx.event
    def open_cancel(self, appointment_id: str):
        self._open("cancel", appointment_id)

    @rx.event
    def open_reassign(self, appointment_id: str):
        if not self._open("reassign", appointment_id):
            return None
        with session_scope() as session:
            try:
                found = appointments_admin.free_doctors(
                    session, actor=self.actor(session), appointment_id=self._target_id)
            except DomainError as exc:
                self.close_dialog()
                return rx.toast.error(exc.message)
        self.choices = [{"id": str(c.doctor_id), "label": f"{c.name} · {c.specialty}",
                         "free": "yes" if c.free else "", "note": c.note} for c in found]
        self.free_count = sum(1 for c in found if c.free)
        self.chosen_doctor = next((c["id"] for c in self.choices if c["free"]), "")
        return None

    def _open(self, kind: str, appointment_id: str) -> bool:
        row = next((r for r in self.rows if r["id"] == appointment_id), None)
        if row is None:
            return False
        self._target_id, self.target = int(row["id"]), row
        self.dialog, self.dialog_error, self.choices, self.chosen_doctor = kind, "", [], ""
        return True

    @rx.event
    def choose_doctor(self, value: str):
        self.chosen_doctor = value

    def _act(self, fn, success: str, **kwargs):
        if self._target_id is None:
            return None
        with session_scope() as session:
            try:
                fn(session, actor=self.actor(session), appointment_id=self._target_id,
                   **kwargs)
            except DomainError as exc:
                session.rollback()
                self.dialog_error = exc.message
                return None
        self.close_dialog()
        self._query()
        return rx.toast.success(success)

    @rx.event
    def submit_cancel(self, form: dict):
        return self._act(appointments.cancel, f"Cancelled {self.target.get('patient', '')}'s "
                         "appointment; the reason is shown to the patient.",
                         reason=str(form.get("reason", ""))[:500])

    @rx.event
    def submit_reassign(self, form: dict):
        if not self.chosen_doctor:
            self.dialog_error = "Choose the doctor who takes this appointment."
            return None
        name = next((c["label"].split(" · ")[0] for c in self.choices
                     if c["id"] == self.chosen_doctor), "the new doctor")
        return self._act(appointments_admin.reassign,
                         f"{self.target.get('patient', '')}'s appointment is now with {name}.",
                         doctor_id=int(self.chosen_doctor),
                         reason=str(form.get("reason", ""))[:1000])
