"""/book?doctor=ID: choose a free time, the kind of consultation and a reason."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.booking import BookingState as B

TITLES = {"book": "Book an appointment", "reschedule": "Choose a new time",
          "follow_up": "Book your follow-up"}


def _slot_button(slot: dict) -> rx.Component:
    return rx.button(slot["label"], size="2",
                     variant=rx.cond(B.chosen == slot["iso"], "solid", "outline"),
                     on_click=B.choose(slot["iso"]), class_name="slot",
                     aria_pressed=rx.cond(B.chosen == slot["iso"], "true", "false"))


def _day(day) -> rx.Component:
    return rx.vstack(
        rx.text(day.day, weight="bold", size="2"),
        rx.flex(rx.foreach(day.slots, _slot_button), wrap="wrap", gap="2"),
        spacing="2", width="100%",
    )


def _picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label(rx.text("Consultation type", size="2", weight="medium"),
                        html_for="booking-mode"),
            rx.select.root(
                rx.select.trigger(id="booking-mode", text_transform="capitalize"),
                rx.select.content(rx.foreach(B.modes, lambda m: rx.select.item(
                    m, value=m, text_transform="capitalize"))),
                value=B.mode, on_change=B.set_mode),
            rx.spacer(),
            rx.button("Earlier", variant="soft", on_click=B.shift_week(-1),
                      disabled=B.week == 0),
            rx.button("Later", variant="soft", on_click=B.shift_week(1)),
            width="100%", align="center", wrap="wrap", spacing="2",
        ),
        rx.text("Pick a free time, then press Confirm booking. ", "Times are shown in ",
                rx.text.strong(B.viewer_zone),
                " (your time zone; the doctor works in ", B.doctor_zone, ").", size="2",
                color_scheme="gray"),
        rx.cond(B.days.length() == 0,
                rx.callout("No free times in these seven days. Try later dates.", icon="info"),
                rx.vstack(rx.foreach(B.days, _day), spacing="4", width="100%")),
        spacing="3", width="100%",
    )


def _confirm() -> rx.Component:
    return rx.cond(B.chosen != "", rx.card(rx.form(
        rx.vstack(
            rx.text("You chose ", rx.text.strong(B.chosen_label), " (", B.mode, ")."),
            rx.cond(B.purpose == "book", rx.vstack(
                rx.el.label(rx.text("What would you like to discuss? (optional, private)",
                                    size="2", weight="medium"), html_for="reason"),
                rx.text_area(id="reason", name="reason", max_length=1000, width="100%"),
                width="100%", spacing="1")),
            rx.button("Confirm booking", type="submit", size="3"),
            spacing="3", width="100%",
        ),
        on_submit=B.confirm, reset_on_submit=False,
    ), width="100%"))


def book() -> rx.Component:
    return page(rx.vstack(
        rx.heading(rx.cond(B.purpose == "reschedule", TITLES["reschedule"],
                           rx.cond(B.purpose == "follow_up", TITLES["follow_up"],
                                   TITLES["book"])), size="7", as_="h1"),
        rx.cond(B.doctor_name != "", rx.text("with ", rx.text.strong(B.doctor_name))),
        error_callout(B.error),
        rx.cond(B.doctor_name != "", rx.fragment(_confirm(), _picker())),
        spacing="4", width="100%", max_width="48rem",
    ))
