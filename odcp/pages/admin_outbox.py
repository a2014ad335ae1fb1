"""/admin/outbox: the mail log; in the embedded default it is where mail is read."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_outbox import AdminOutboxState

# At phone width the time and the address move under the subject, so the subject and the
# Read button stay on screen.
_WIDE_ONLY = {"display": rx.breakpoints(initial="none", sm="table-cell")}
_PHONE_ONLY = {"display": rx.breakpoints(initial="block", sm="none")}


def _row(m: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["at"], white_space="nowrap", **_WIDE_ONLY),
        rx.table.cell(m["to"], **_WIDE_ONLY),
        rx.table.cell(rx.text(m["subject"]),
                      rx.text(m["to"], " · ", m["at"], size="1", color_scheme="gray",
                              **_PHONE_ONLY)),
        rx.table.cell(rx.badge(m["status"])),
        rx.table.cell(rx.button("Read", size="1", variant="soft",
                                on_click=AdminOutboxState.show(m["body"]))),
    )


def _open_message() -> rx.Component:
    """Shown above the list, so it is in view whichever row's Read was pressed."""
    return rx.cond(AdminOutboxState.open_body != "", rx.card(rx.vstack(
        rx.hstack(rx.heading("Message", size="4", as_="h2"), rx.spacer(),
                  rx.button("Close", size="1", variant="soft", color_scheme="gray",
                            on_click=AdminOutboxState.show("")),
                  align="center", width="100%"),
        rx.el.pre(AdminOutboxState.open_body, white_space="pre-wrap", font_size="0.85rem",
                  overflow_wrap="anywhere"),
        spacing="2", width="100%"), margin_bottom="1rem", width="100%"))


def admin_outbox() -> rx.Component:
    return page(
        rx.heading("Mail outbox", size="7", as_="h1", margin_bottom="1rem"),
        rx.text("Every message the clinic sends is kept here, newest first. Without an SMTP "
                "server configured, messages are stored here only. Press Read to see one.",
                color_scheme="gray", margin_bottom="1rem"),
        error_callout(AdminOutboxState.error),
        _open_message(),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell("When", **_WIDE_ONLY),
                rx.table.column_header_cell("To", **_WIDE_ONLY),
                *[rx.table.column_header_cell(h) for h in ("Subject", "Status", "")])),
            rx.table.body(rx.foreach(AdminOutboxState.messages, _row)),
            size="1", width="100%"), overflow_x="auto", width="100%"),
        rx.cond((AdminOutboxState.messages.length() == 0) & (AdminOutboxState.error == ""),
                rx.text("No mail sent yet. Confirmations, reminders and password resets "
                        "appear here as they go out.", size="2", color_scheme="gray",
                        padding="1rem 0")),
    )
