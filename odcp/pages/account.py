"""/account: who you are signed in as, and where."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field
from odcp.components.layout import page
from odcp.pages.mfa_card import mfa_card
from odcp.services.accounts import LANGUAGES
from odcp.state.account import AccountState

LANGUAGE_NAMES = sorted(LANGUAGES.items(), key=lambda item: item[1])
# Like the other native selects (medical profile, records): a border and theme colours, so
# it reads as a field in light and dark mode.
_SELECT_STYLE = {"height": "var(--space-7)", "padding": "0 0.6rem", "width": "100%",
                 "border_radius": "var(--radius-2)", "border": "1px solid var(--gray-a7)",
                 "background_color": "var(--color-surface)", "color": "var(--gray-12)",
                 "font_size": "var(--font-size-3)"}


def _session_row(s: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(s["device"], size="2"),
                                rx.cond(s["current"] != "",
                                        rx.badge("This device", color_scheme="teal")),
                                spacing="1")),
        rx.table.cell(s["since"]),
        rx.table.cell(s["last_seen"]),
        rx.table.cell(rx.button("Sign out", size="1", variant="soft", color_scheme="red",
                                white_space="nowrap",
                                on_click=AccountState.revoke(s["id"]))),
    )


def _change_password() -> rx.Component:
    return rx.card(rx.form(
        rx.vstack(
            rx.heading("Change password", size="4", as_="h2"),
            error_callout(AccountState.change_error),
            field("Current password", "current_password", type_="password",
                  autocomplete="current-password"),
            field("New password", "new_password", type_="password",
                  autocomplete="new-password", hint="Every device will be signed out."),
            field("Repeat new password", "new_password_repeat", type_="password",
                  autocomplete="new-password"),
            rx.button("Change password", type="submit"),
            spacing="3", width="100%", max_width="26rem",
        ),
        on_submit=AccountState.change_password, reset_on_submit=True,
    ), margin_top="2rem")


def _avatar() -> rx.Component:
    return rx.hstack(
        rx.avatar(src=AccountState.avatar, fallback="?", size="6", radius="full",
                  alt="Your picture"),
        rx.upload.root(
            rx.button("Choose picture", variant="soft", size="2", type="button"),
            id="avatar-upload", accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"],
                                        "image/webp": [".webp"]},
            max_files=1, multiple=False,
            on_drop=AccountState.upload_avatar(rx.upload_files(upload_id="avatar-upload")),
        ),
        rx.text("JPEG, PNG or WebP, up to 2 MB.", size="1", color_scheme="gray"),
        align="center", spacing="3", wrap="wrap",
    )


def _profile_form() -> rx.Component:
    return rx.card(rx.form(
        rx.vstack(
            rx.heading("Your details", size="4", as_="h2"),
            _avatar(),
            error_callout(AccountState.profile_error),
            rx.hstack(rx.text(AccountState.email, size="2"),
                      rx.badge(AccountState.role_label, color_scheme="teal"),
                      align="center", spacing="2", wrap="wrap"),
            field("Full name", "full_name", autocomplete="name",
                  default_value=AccountState.user_name),
            field("Mobile phone (for reminders)", "phone", type_="tel", autocomplete="tel",
                  required=False, default_value=AccountState.phone,
                  hint="International form, e.g. +44 20 7946 0958."),
            field("Time zone", "timezone", default_value=AccountState.timezone,
                  hint="An IANA zone such as Europe/London or America/New_York."),
            rx.el.label(rx.text("Language", size="2", weight="medium"), html_for="language"),
            rx.el.select(*[rx.el.option(name, value=code) for code, name in LANGUAGE_NAMES],
                         id="language", name="language", default_value=AccountState.language,
                         style=_SELECT_STYLE),
            rx.button("Save details", type="submit"),
            spacing="3", width="100%", max_width="26rem",
        ),
        on_submit=AccountState.save_profile, reset_on_submit=False,
        key=AccountState.email + AccountState.timezone + AccountState.language,
    ))


def account() -> rx.Component:
    return page(
        rx.heading("Your account", size="7", as_="h1", margin_bottom="1rem"),
        _profile_form(),
        rx.hstack(rx.heading("Where you are signed in", size="5", as_="h2"), rx.spacer(),
                  rx.button("Sign out everywhere", color_scheme="red", variant="outline",
                            on_click=AccountState.sign_out_everywhere),
                  margin_top="2rem", margin_bottom="1rem", align="center", wrap="wrap"),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell("Device"), rx.table.column_header_cell("Signed in"),
                rx.table.column_header_cell("Last seen"), rx.table.column_header_cell(""))),
            rx.table.body(rx.foreach(AccountState.sessions, _session_row)),
            width="100%"), overflow_x="auto", width="100%"),
        mfa_card(),
        _change_password(),
    )
