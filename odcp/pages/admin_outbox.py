"""/admin/outbox: the mail log; in the embedded default it is where mail is read."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_outbox import AdminOutboxState


def _row(m: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["at"]), rx.table.cell(m["to"]), rx.table.cell(m["subject"]),
        rx.table.cell(rx.badge(m["status"])),
        rx.table.cell(rx.button("Read", size="1", variant="soft",
                                on_click=AdminOutboxState.show(m["body"]))),
    )


def admin_outbox() -> rx.Component:
    return page(
        rx.heading("Mail outbox", size="7", as_="h1", margin_bottom="1rem"),
        rx.text("Every message the clinic sends is kept here. Without an SMTP server "
                "configured, messages are stored here only.", color_scheme="gray",
                margin_bottom="1rem"),
        error_callout(AdminOutboxState.error),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("When", "To", "Subject", "Status", "")])),
            rx.table.body(rx.foreach(AdminOutboxState.messages, _row)),
            size="1", width="100%"), overflow_x="auto", width="100%"),
        rx.cond(AdminOutboxState.open_body != "",
                rx.card(rx.el.pre(AdminOutboxState.open_body, white_space="pre-wrap",
                                  font_size="0.85rem"), margin_top="1rem")),
    )
