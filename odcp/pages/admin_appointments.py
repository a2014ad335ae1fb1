"""/admin/appointments: every appointment, filtered and paged, with cancel (a reason the
patient reads) and reassign (another doctor free at exactly that time)."""

from __future__ import annotations

import reflex as rx

from odcp.components.admin_list import dialog_buttons, pager, results_table, row_dialog
from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_appointments import (
    ALL,
    ORDER_LABELS,
    STATUS_LABELS,
)
from odcp.state.admin_appointments import AdminAppointmentsState as S

_WIDE_ONLY = {"display": rx.breakpoints(initial="none", md="table-cell")}
_PHONE_ONLY = {"display": rx.breakpoints(initial="flex", md="none")}


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for)


def _labelled(text: str, html_for: str, control: rx.Component) -> rx.Component:
    return rx.vstack(_label(text, html_for), control, spacing="1")


def _select(label: str, html_for: str, value, on_change, *items) -> rx.Component:
    return _labelled(label, html_for, rx.select.root(
        rx.select.trigger(id=html_for, min_width="11rem"),
        rx.select.content(*items), value=value, on_change=on_change))


def _filters() -> rx.Component:
    search = rx.form(
        rx.flex(
            _labelled("Patient", "patient-search", rx.input(
                rx.input.slot(rx.icon("search", size=16)), id="patient-search",
                name="search", placeholder="Name or email", type="search",
                default_value=S.search, min_width="12rem")),
            _labelled("From", "date-from", rx.input(id="date-from", name="date_from",
                                                    type="date", default_value=S.date_from)),
            _labelled("To", "date-to", rx.input(id="date-to", name="date_to", type="date",
                                                default_value=S.date_to)),
            rx.button("Search", type="submit"),
            spacing="3", wrap="wrap", align="end"),
        on_submit=S.apply_search, reset_on_submit=False, key=S.filter_key,
    )
    selects = rx.flex(
        _select("Status", "status-filter", S.status_filter, S.set_status_filter,
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(text, value=v) for v, text in STATUS_LABELS.items()]),
        _select("Doctor", "doctor-filter", S.doctor_filter, S.set_doctor_filter,
                rx.select.item("All doctors", value=ALL),
                rx.foreach(S.doctor_options, lambda d: rx.select.item(d[1], value=d[0]))),
        _select("Order", "order", S.order, S.set_order,
                *[rx.select.item(text, value=v) for v, text in ORDER_LABELS.items()]),
        rx.cond(S.filtered, rx.button("Clear filters", variant="ghost",
                                      on_click=S.clear_filters)),
        spacing="3", wrap="wrap", align="end",
    )
    return rx.vstack(search, selects, error_callout(S.filter_error), spacing="3",
                     width="100%")


def _status(r: dict) -> rx.Component:
    return rx.badge(r["status"], color_scheme=r["status_color"])


def _actions(r: dict) -> rx.Component:
    return rx.flex(
        rx.cond(r["can_reassign"] != "",
                rx.button("Reassign", size="1", variant="soft",
                          aria_label="Reassign " + r["patient"] + ", " + r["date"],
                          on_click=S.open_reassign(r["id"]))),
        rx.cond(r["can_cancel"] != "",
                rx.button("Cancel", size="1", variant="soft", color_scheme="red",
                          aria_label="Cancel " + r["patient"] + ", " + r["date"],
                          on_click=S.open_cancel(r["id"]))),
        rx.cond((r["can_cancel"] == "") & (r["can_reassign"] == ""),
                rx.text("—", color_scheme="gray", aria_label="No actions")),
        spacing="2", direction=rx.breakpoints(initial="column", sm="row"),
    )


def _person(name, detail) -> rx.Component:
    return rx.vstack(rx.text(name, weight="medium"),
                     rx.text(detail, size="1", color_scheme="gray"), spacing="0")


def _row(r: dict) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.vstack(
            rx.text(r["date"], weight="medium"), rx.text(r["time"], size="2"),
            rx.vstack(rx.text(r["patient"], " with ", r["doctor"], size="2"),
                      rx.hstack(_status(r), rx.text(r["mode"], " · ", r["fee"], size="1",
                                                    color_scheme="gray"),
                                spacing="2", align="center"),
                      spacing="1", padding_top="0.25rem", **_PHONE_ONLY),
            spacing="0"), white_space="normal"),
        rx.table.cell(_person(r["patient"], r["email"]), **_WIDE_ONLY),
        rx.table.cell(r["doctor"], **_WIDE_ONLY),
        rx.table.cell(r["mode"], **_WIDE_ONLY),
        rx.table.cell(rx.vstack(_status(r), rx.cond(r["note"] != "", rx.text(
            r["note"], size="1", color_scheme="gray", white_space="normal",
            max_width="14rem")), spacing="1"), **_WIDE_ONLY),
        rx.table.cell(r["fee"], **_WIDE_ONLY),
        rx.table.cell(_actions(r)),
        align="center", class_name="admin-appointment",
    )


def _table() -> rx.Component:
    return results_table(
        rx.table.row(
            rx.table.column_header_cell("When"),
            *[rx.table.column_header_cell(h, **_WIDE_ONLY)
              for h in ("Patient", "Doctor", "Mode", "Status", "Fee")],
            rx.table.column_header_cell("Actions")),
        rx.foreach(S.rows, _row), S.total, "No appointments match.")


def _dialog(kind: str, title: str, *children: rx.Component) -> rx.Component:
    t = S.target
    return row_dialog(S, kind, title, (t["patient"], " with ", t["doctor"], " · ", t["date"],
                                       ", ", t["time"], " ", S.zone, " · ", t["mode"]),
                      *children, max_width="30rem")


def _buttons(confirm: rx.Component) -> rx.Component:
    return dialog_buttons(confirm, "Keep as is")


def _reason(html_for: str, text: str, hint: str) -> rx.Component:
    return rx.vstack(
        _label(text, html_for),
        rx.text_area(id=html_for, name="reason", required=True, min_length=3,
                     max_length=500, rows="3", width="100%"),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1", width="100%",
    )


def _cancel_dialog() -> rx.Component:
    return _dialog("cancel", "Cancel appointment", rx.form(
        _reason("cancel-reason", "Reason the patient will see",
                "Shown on the patient's appointments page. Do not include medical details."),
        _buttons(rx.button("Cancel appointment", color_scheme="red", type="submit")),
        on_submit=S.submit_cancel, reset_on_submit=False))


def _choice(c: dict) -> rx.Component:
    return rx.select.item(rx.cond(c["free"] != "", c["label"],
                                  c["label"] + " — " + c["note"]),
                          value=c["id"], disabled=c["free"] == "")


def _reassign_dialog() -> rx.Component:
    return _dialog("reassign", "Give to another doctor", rx.form(
        rx.vstack(
            rx.text("The patient keeps the time, the kind of consultation and the price. "
                    "Only doctors free at exactly this time can take it.", size="2"),
            rx.cond(
                S.free_count > 0,
                rx.vstack(
                    _label("New doctor", "new-doctor"),
                    rx.select.root(
                        rx.select.trigger(id="new-doctor", width="100%"),
                        rx.select.content(rx.foreach(S.choices, _choice)),
                        value=S.chosen_doctor, on_change=S.choose_doctor),
                    rx.text(S.free_count, " of ", S.choices.length(),
                            " other doctors are free at this time.", size="1",
                            color_scheme="gray"),
                    spacing="1", width="100%"),
                rx.callout("No other doctor is free at exactly this time. Cancel it with a "
                           "reason instead, so the patient can book another time.",
                           icon="info", color_scheme="amber", width="100%"),
            ),
            _reason("reassign-reason", "Reason",
                    "Emailed to the patient and both doctors and kept in the audit log. "
                    "Do not include medical details."),
            spacing="3", width="100%"),
        _buttons(rx.button("Reassign", type="submit", disabled=S.free_count == 0)),
        on_submit=S.submit_reassign, reset_on_submit=False))


def admin_appointments() -> rx.Component:
    return page(
        rx.heading("Appointments", size="7", as_="h1", margin_bottom="0.5rem"),
        rx.text("Every appointment in the clinic. Times are shown in ",
                rx.text.strong(S.zone), ".", color_scheme="gray", margin_bottom="1rem"),
        error_callout(S.error),
        rx.cond(S.error == "", rx.vstack(
            _filters(), _table(), pager(S, "appointment", "appointments"), spacing="4",
            width="100%",
        )),
        _cancel_dialog(),
        _reassign_dialog(),
    )
