"""The page frame: header with role-dependent navigation, content, footer.

At phone width the navigation folds into a menu button; colours come from the Radix
theme so light and dark mode both work.
"""

from __future__ import annotations

import reflex as rx

from odcp.settings import get_settings
from odcp.state.session import SessionState


def _nav_link(item: dict) -> rx.Component:
    return rx.link(item["label"], href=item["href"], size="3", weight="medium",
                   color_scheme="gray", high_contrast=True)


def _account_actions() -> rx.Component:
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.text(SessionState.user_name, size="2", color_scheme="gray"),
            rx.button("Sign out", on_click=SessionState.sign_out, variant="soft", size="2"),
            align="center", spacing="3",
        ),
        rx.hstack(
            rx.link(rx.button("Sign in", variant="soft", size="2"), href="/login"),
            rx.link(rx.button("Register", size="2"), href="/register"),
            spacing="2",
        ),
    )


def _mobile_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", size="3",
                                       aria_label="Open menu")),
        rx.menu.content(
            rx.foreach(SessionState.nav,
                       lambda item: rx.menu.item(rx.link(item["label"], href=item["href"]))),
            rx.menu.separator(),
            rx.cond(
                SessionState.signed_in,
                rx.menu.item("Sign out", on_click=SessionState.sign_out),
                rx.fragment(
                    rx.menu.item(rx.link("Sign in", href="/login")),
                    rx.menu.item(rx.link("Register", href="/register")),
                ),
            ),
        ),
    )


def header() -> rx.Component:
    brand = rx.link(
        rx.hstack(rx.icon("stethoscope", size=24), rx.text(get_settings().clinic_name,
                                                            size="5", weight="bold"),
                  align="center", spacing="2"),
        href="/", underline="none", color_scheme="gray", high_contrast=True,
    )
    return rx.el.header(
        rx.hstack(
            brand,
            rx.spacer(),
            rx.tablet_and_desktop(
                rx.hstack(rx.foreach(SessionState.nav, _nav_link), _account_actions(),
                          align="center", spacing="5"),
            ),
            rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
            rx.mobile_only(_mobile_menu()),
            align="center", spacing="4", width="100%", max_width="72rem", margin="0 auto",
        ),
        padding_x="1rem", padding_y="0.75rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        position="sticky", top="0", z_index="10", width="100%",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.text(
            f"{get_settings().clinic_name} · Online consultations with verified doctors. "
            "In an emergency call your local emergency number.",
            size="1", color_scheme="gray", align="center",
        ),
        padding="1.5rem", width="100%",
    )


def page(*children: rx.Component, max_width: str = "72rem") -> rx.Component:
    """Frame `children` with the header and footer."""
    return rx.box(
        header(),
        rx.el.main(
            *children,
            width="100%", max_width=max_width, margin="0 auto",
            padding_x="1rem", padding_y="2rem", flex="1",
        ),
        footer(),
        display="flex", flex_direction="column", min_height="100vh",
    )
