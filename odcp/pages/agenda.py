"""/doctor/agenda: run the day: who is waiting in a consultation room (admit them), approve,
complete, no-show, cancel with a reason."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.components.video_call import rich_callout
from odcp.state.agenda import AgendaState as G


def _cancel_dialog(item: dict) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Cancel", size="1", variant="soft", color_scheme="red")),
        rx.dialog.content(
            rx.dialog.title("Cancel this appointment"),
            rx.form(rx.vstack(
                rx.el.input(type="hidden", name="appointment_id", value=item["id"]),
                rx.el.label(rx.text("Reason the patient will see", size="2"),
                            html_for="cancel-reason-" + item["id"]),
                rx.text_area(id="cancel-reason-" + item["id"], name="reason", required=True,
                             width="100%"),
                rx.hstack(rx.dialog.close(rx.button("Keep", variant="soft", type="button")),
                          rx.dialog.close(rx.button("Cancel appointment", color_scheme="red",
                                                    type="submit")), justify="end"),
                spacing="3"), on_submit=G.cancel),
        ),
    )


def _item(item: dict) -> rx.Component:
    return rx.card(rx.hstack(
        rx.text(item["time"], weight="bold", width="4rem"),
        rx.vstack(rx.text(item["patient"]), rx.text(item["mode"], size="1",
                                                     color_scheme="gray"), spacing="0"),
        rx.badge(item["status"]),
        rx.spacer(),
        rx.cond(item["room_open"] != "",
                rx.link(rx.button(rx.icon("video", size=14), "Open room", size="1"),
                        href="/appointments/" + item["id"] + "/room")),
        rx.cond(item["can_write_notes"] != "",
                rx.link(rx.button(rx.icon("notebook-pen", size=14), "Notes", size="1",
                                  variant="soft"),
                        href="/doctor/appointments/" + item["id"] + "/notes")),
        rx.cond(item["can_open_record"] != "",
                rx.link(rx.button(rx.icon("folder-heart", size=14), "Record", size="1",
                                  variant="soft"),
                        href="/doctor/patients/" + item["patient_id"])),
        rx.cond(item["can_approve"] != "", rx.button("Approve", size="1",
                                                      on_click=G.approve(item["id"]))),
        rx.cond(item["can_complete"] != "", rx.button("Complete", size="1", variant="soft",
                                                       on_click=G.complete(item["id"]))),
        rx.cond(item["can_no_show"] != "", rx.button("No-show", size="1", variant="soft",
                                                      on_click=G.no_show(item["id"]))),
        rx.cond(item["can_cancel"] != "", _cancel_dialog(item)),
        align="center", wrap="wrap", spacing="3", width="100%",
    ), class_name="agenda-item", width="100%")


def _waiting_patient(w: dict) -> rx.Component:
    return rx.hstack(
        rx.icon("hourglass", size=16),
        rx.vstack(rx.text(w["patient"], weight="bold"),
                  rx.text(w["mode"], " · waiting since ", w["since"], " (", w["waited"], ")",
                          size="1", color_scheme="gray"), spacing="0"),
        rx.spacer(),
        rx.button("Admit", size="2", on_click=G.admit(w["id"])),
        align="center", wrap="wrap", spacing="3", width="100%", class_name="waiting-patient",
    )


def _waiting_room() -> rx.Component:
    return rx.cond(G.waiting.length() > 0, rich_callout(
        rx.vstack(rx.text("In the waiting room now", weight="bold"),
                  rx.foreach(G.waiting, _waiting_patient), spacing="2", width="100%"),
        icon="bell-ring", color_scheme="amber", class_name="waiting-room-list",
        role="status"))


def _time_off() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Time off", size="4", as_="h2"),
        rx.text("Block a holiday or an absence: patients cannot book these times. Times in ",
                G.zone, ". Appointments already booked then stay booked; "
                "cancel them above if you cannot keep them.", size="2", color_scheme="gray"),
        rx.form(rx.hstack(
            rx.vstack(rx.el.label(rx.text("From", size="2"), html_for="off-starts"),
                      rx.input(id="off-starts", name="starts", type="datetime-local",
                               required=True), spacing="1"),
            rx.vstack(rx.el.label(rx.text("Until", size="2"), html_for="off-ends"),
                      rx.input(id="off-ends", name="ends", type="datetime-local",
                               required=True), spacing="1"),
            rx.vstack(rx.el.label(rx.text("Reason (optional)", size="2"), html_for="off-reason"),
                      rx.input(id="off-reason", name="reason"), spacing="1"),
            rx.button("Add time off", type="submit"),
            align="end", wrap="wrap", spacing="3"), on_submit=G.add_time_off,
            reset_on_submit=True),
        rx.foreach(G.time_off_rows, lambda t: rx.hstack(
            rx.text(t["from"], " to ", t["to"], " ", t["reason"], size="2"),
            rx.button("Remove", size="1", variant="ghost", on_click=G.remove_time_off(t["id"])),
            align="center")),
        spacing="3", width="100%",
    ), width="100%")


def agenda() -> rx.Component:
    return page(rx.vstack(
        rx.heading("Your agenda", size="7", as_="h1"),
        rx.text("Times in ", rx.text.strong(G.zone), ".", size="2", color_scheme="gray"),
        error_callout(G.error),
        _waiting_room(),
        rx.cond(G.days.length() == 0, rx.text(
            "No appointments in the next seven days. Patients book the open times set on ",
            rx.link("Availability", href="/doctor/availability"), ".", color_scheme="gray")),
        rx.foreach(G.days, lambda d: rx.vstack(
            rx.heading(d.day, size="4", as_="h2"),
            rx.foreach(d.rows, _item), spacing="2", width="100%")),
        _time_off(),
        spacing="4", width="100%",
    ))
