"""/appointments: upcoming and past visits with the moves the clinic's policy allows."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.state.appointments import AppointmentsState as A


def _card(a: dict, upcoming: bool) -> rx.Component:
    actions = rx.hstack(
        rx.cond(upcoming & (a["room"] != ""),
                rx.link(rx.button(rx.icon("video", size=14), "Join consultation", size="1"),
                        href="/appointments/" + a["id"] + "/room")),
        rx.button("Add to calendar", size="1", variant="soft", on_click=A.download_ics(a["id"])),
        rx.cond(upcoming & (a["open"] != ""), rx.fragment(
            rx.link(rx.button("Reschedule", size="1", variant="soft"),
                    href="/book?doctor=" + a["doctor_id"] + "&reschedule=" + a["id"]),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Cancel", size="1", variant="soft",
                                                  color_scheme="red")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Cancel this appointment?"),
                    rx.alert_dialog.description("With " + a["doctor"] + ", " + a["when"]),
                    rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                              rx.alert_dialog.action(rx.button(
                                  "Yes, cancel", color_scheme="red",
                                  on_click=A.cancel(a["id"]))),
                              spacing="3", justify="end", margin_top="1rem"),
                ),
            ),
        )),
        rx.cond(a["has_summary"] != "",
                rx.link(rx.button("Visit summary", size="1", variant="soft"),
                        href="/appointments/" + a["id"] + "/summary")),
        rx.cond(a["follow_up"] != "",
                rx.link(rx.button("Book follow-up", size="1"),
                        href="/book?doctor=" + a["doctor_id"] + "&follow_up=" + a["id"])),
        wrap="wrap", spacing="2",
    )
    return rx.card(rx.vstack(
        rx.hstack(rx.text(a["when"], weight="bold"), rx.spacer(),
                  rx.badge(a["status"]), width="100%", wrap="wrap"),
        rx.text(a["doctor"], " · ", a["mode"], size="2"),
        rx.cond(a["follow_up"] != "", rx.text(a["follow_up"], size="2", color_scheme="teal")),
        rx.cond(a["note"] != "", rx.text(a["note"], size="2", color_scheme="gray")),
        actions, spacing="2", width="100%",
    ), class_name="appointment", width="100%")


def appointments_page() -> rx.Component:
    return page(rx.vstack(
        rx.hstack(rx.heading("Your appointments", size="7", as_="h1"), rx.spacer(),
                  rx.link(rx.button("Book a new one"), href="/doctors"), width="100%",
                  align="center", wrap="wrap"),
        rx.heading("Upcoming", size="5", as_="h2"),
        rx.cond(A.upcoming.length() == 0,
                rx.text("Nothing booked yet. ", rx.link("Find a doctor", href="/doctors"),
                        " and pick a free time to book a video, audio or chat consultation.",
                        color_scheme="gray"),
                rx.vstack(rx.foreach(A.upcoming, lambda a: _card(a, True)), width="100%")),
        rx.heading("Past and cancelled", size="5", as_="h2", margin_top="1rem"),
        rx.cond(A.past.length() == 0, rx.text("None yet.", color_scheme="gray"),
                rx.vstack(rx.foreach(A.past, lambda a: _card(a, False)), width="100%")),
        spacing="3", width="100%", max_width="48rem",
    ))
