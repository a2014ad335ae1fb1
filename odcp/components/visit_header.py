"""The top of a page about one visit (the doctor's notes, the patient's summary): a link
back to the list it was opened from, the title, which visit it is, and any error.

Returned as a tuple for the caller's stack, so each piece keeps the stack's spacing."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout


def visit_header(title: str, back_label: str, back_href: str, visit,
                 error) -> tuple[rx.Component, ...]:
    """`visit` and `error` are state vars; the visit line shows once it is loaded."""
    return (
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text(back_label, size="2"),
                          align="center", spacing="1"), href=back_href),
        rx.heading(title, size="7", as_="h1"),
        rx.cond(visit != "", rx.text(visit, size="2", color_scheme="gray")),
        error_callout(error),
    )
