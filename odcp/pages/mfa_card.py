"""The two-step sign-in card shown on /account."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field
from odcp.state.mfa_settings import MfaSettingsState as S


def _code_form(label: str, handler, color: str = "teal") -> rx.Component:
    return rx.form(rx.vstack(field("Code from your app", "code", autocomplete="one-time-code"),
                             rx.button(label, type="submit", color_scheme=color),
                             spacing="2", max_width="20rem"),
                   on_submit=handler, reset_on_submit=True)


def _setup() -> rx.Component:
    return rx.cond(
        S.qr != "",
        rx.vstack(
            rx.text("Scan this code with an authenticator app, then enter the code it shows.",
                    size="2"),
            rx.image(src=S.qr, alt="QR code for your authenticator app", width="12rem",
                     height="12rem", background="white", border_radius="8px"),
            rx.text("Or enter this key: ", rx.code(S.secret, id="mfa-secret"), size="1"),
            _code_form("Turn on", S.confirm),
            spacing="3",
        ),
        rx.button("Set up two-step sign-in", on_click=S.start),
    )


def mfa_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Two-step sign-in", size="4", as_="h2"),
                  rx.cond(S.enabled, rx.badge("On", color_scheme="green"),
                          rx.badge("Off", color_scheme="gray")), align="center"),
        rx.text("A code from your phone at each sign-in keeps your medical records safe even "
                "if your password leaks.", size="2", color_scheme="gray"),
        error_callout(S.error),
        rx.cond(S.recovery_codes.length() > 0, rx.vstack(
            rx.callout("Save these recovery codes somewhere safe. Each works once; they are "
                       "shown only now.", icon="key-round", color_scheme="green"),
            rx.grid(rx.foreach(S.recovery_codes, lambda c: rx.code(c, size="3")), columns="2",
                    spacing="2", class_name="recovery-codes"),
        )),
        rx.cond(
            S.enabled,
            rx.vstack(
                rx.text(S.codes_left, " recovery codes left.", size="2"),
                rx.cond(S.required,
                        rx.text("Your role requires two-step sign-in.", size="2"),
                        _code_form("Turn off", S.turn_off, color="red")),
            ),
            _setup(),
        ),
        spacing="3", width="100%",
    ), margin_top="2rem")
