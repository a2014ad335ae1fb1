"""The bordered results table, the pager and the row dialog of the admin list pages
(users, appointments), so every admin list scrolls, says "nothing matches", pages and
asks before it acts alike."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout


def results_table(header: rx.Component, body: rx.Component, total,
                  empty: str) -> rx.Component:
    """`header` is the header row, `body` the rows; `empty` is said when `total` is 0."""
    return rx.box(
        rx.table.root(
            rx.table.header(header),
            rx.table.body(body),
            size="2", width="100%", white_space="nowrap",
        ),
        rx.cond(total == 0, rx.text(empty, color_scheme="gray", size="2", padding="1rem")),
        overflow_x="auto", width="100%",
        border=f"1px solid {rx.color('gray', 5)}", border_radius="8px",
    )


def pager(state, one: str, many: str) -> rx.Component:
    """Previous/next for a `PagingMixin` state with a `total`; `one`/`many` name the rows."""
    return rx.hstack(
        rx.button("Previous", on_click=state.previous_page, variant="soft",
                  disabled=state.page <= 1),
        rx.text("Page ", state.page, " of ", state.pages, " · ", state.total,
                rx.cond(state.total == 1, f" {one}", f" {many}"), size="2"),
        rx.button("Next", on_click=state.next_page, variant="soft",
                  disabled=state.page >= state.pages),
        align="center", spacing="3", wrap="wrap",
    )


def row_dialog(state, kind: str, title: str, about: tuple, *children: rx.Component,
               max_width: str) -> rx.Component:
    """Dialog `kind` of a `RowDialogMixin` state: `about` (texts and vars) says which row it
    acts on, then the dialog's error, then `children`."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(*about, size="2", color_scheme="gray",
                                  margin_bottom="1rem"),
            error_callout(state.dialog_error),
            *children,
            max_width=max_width,
        ),
        open=state.dialog == kind, on_open_change=state.dialog_open_change,
    )


def dialog_buttons(confirm: rx.Component, keep: str) -> rx.Component:
    """`keep` closes the dialog and changes nothing; `confirm` acts."""
    return rx.hstack(
        rx.dialog.close(rx.button(keep, variant="soft", color_scheme="gray", type="button")),
        confirm, justify="end", spacing="3", margin_top="1rem", width="100%",
    )
