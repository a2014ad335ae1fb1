"""/admin/audit: who did what, when and from where."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_audit import AdminAuditState


def _row(e: dict) -> rx.Component:
    return rx.table.row(*[rx.table.cell(e[k]) for k in
                          ("at", "actor", "action", "target", "outcome", "ip")])


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="action", placeholder="Action, e.g. auth.", aria_label="Action",
                     min_width="14rem"),
            rx.input(name="target_type", placeholder="Record, e.g. user",
                     aria_label="Record type", min_width="12rem"),
            rx.button("Filter", type="submit"),
            wrap="wrap", spacing="2",
        ),
        on_submit=AdminAuditState.apply_filters, reset_on_submit=False,
    )


def admin_audit() -> rx.Component:
    headers = ("When", "Who", "Action", "Record", "Outcome", "From")
    return page(
        rx.heading("Audit log", size="7", as_="h1", margin_bottom="1rem"),
        rx.text("Every sign-in, every change and every read of someone's medical data, "
                "newest first, in your time zone. Filter by the start of an action (auth., "
                "appointment.) or by the kind of record (user, appointment).",
                color_scheme="gray", margin_bottom="1rem"),
        error_callout(AdminAuditState.error),
        rx.cond(AdminAuditState.error == "", rx.vstack(
            _filters(),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h)
                                               for h in headers])),
                rx.table.body(rx.foreach(AdminAuditState.entries, _row)),
                size="1", width="100%"), overflow_x="auto", width="100%"),
            rx.hstack(
                rx.button("Previous", on_click=AdminAuditState.previous_page, variant="soft",
                          disabled=AdminAuditState.page <= 1),
                rx.text("Page ", AdminAuditState.page, " of ", AdminAuditState.pages, " · ",
                        AdminAuditState.total, " entries", size="2"),
                rx.button("Next", on_click=AdminAuditState.next_page, variant="soft",
                          disabled=AdminAuditState.page >= AdminAuditState.pages),
                align="center", spacing="3",
            ),
            spacing="4", width="100%",
        )),
    )
