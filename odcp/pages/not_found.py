"""The 404 page."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page


def not_found() -> rx.Component:
    return page(rx.center(rx.vstack(
        rx.heading("Page not found", size="8", as_="h1"),
        rx.text("The page you asked for does not exist or has moved.", color_scheme="gray"),
        rx.hstack(rx.link(rx.button("Go home"), href="/"),
                  rx.link(rx.button("Find a doctor", variant="outline"), href="/doctors"),
                  spacing="3"),
        align="center", spacing="4", padding_y="4rem",
    )))
