"""The page frame: header with role-dependent navigation, content, footer.

Below NAV_MIN (1024 px: phones, and tablets, where an administrator's nine links do not
fit beside the clinic's name) the navigation folds into a menu button; colours come from
the Radix theme so light and dark mode both work.
"""

from __future__ import annotations

import reflex as rx

from odcp.settings import get_settings
from odcp.state.session import SessionState

NAV_MIN = "64em"  # 1024 px at the default font size
_WIDE_ONLY = rx.breakpoints({"0px": "none", NAV_MIN: "flex"})
_NARROW_ONLY = rx.breakpoints({"0px": "block", NAV_MIN: "none"})


def _nav_link(item: dict) -> rx.Component:
    return rx.link(item["label"], href=item["href"], size="2", weight="medium",
                   color_scheme="gray", high_contrast=True, white_space="nowrap")


def _account_actions() -> rx.Component:
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.text(SessionState.user_name, size="2", color_scheme="gray", white_space="nowrap",
                    display=rx.breakpoints(initial="none", lg="block")),
            rx.button("Sign out", on_click=SessionState.sign_out, variant="soft", size="2",
                      title=SessionState.user_name),
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
            rx.cond(SessionState.signed_in, rx.fragment(
                rx.text(SessionState.user_name, size="1", color_scheme="gray",
                        padding_x="0.75rem", padding_y="0.25rem"),
                rx.menu.separator())),
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
        white_space="nowrap", flex_shrink="0",
    )
    return rx.el.header(
        rx.hstack(
            brand,
            rx.spacer(),
            rx.hstack(rx.foreach(SessionState.nav, _nav_link), _account_actions(),
                      align="center", spacing="3", display=_WIDE_ONLY),
            rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
            rx.box(_mobile_menu(), display=_NARROW_ONLY),
            align="center", spacing="3", width="100%", max_width="72rem", margin="0 auto",
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
