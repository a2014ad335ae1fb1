"""Labelled form fields and an error callout, shared by every form page."""

from __future__ import annotations

import reflex as rx


def field(label: str, name: str, *, type_: str = "text", autocomplete: str = "",
          required: bool = True, hint: str = "", default_value=None) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        rx.input(id=name, name=name, type=type_, required=required, size="3", width="100%",
                 auto_complete=autocomplete or None, default_value=default_value),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1", width="100%",
    )


def error_callout(message) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="triangle-alert", color_scheme="red",
                                             role="alert", width="100%"))


def form_card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(rx.vstack(rx.heading(title, size="6", as_="h1"), *children, spacing="4",
                          width="100%"),
                size="3", width="100%", max_width="28rem"),
        width="100%",
    )
