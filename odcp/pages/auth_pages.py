"""/login and /register."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field, form_card
from odcp.components.layout import page
from odcp.state.auth_forms import RegisterState, SignInState


def login() -> rx.Component:
    return page(form_card(
        "Sign in",
        rx.cond(SignInState.link_expired,
                rx.callout("That sign-in link has expired; please sign in again.", icon="info")),
        rx.cond(SignInState.password_changed,
                rx.callout("Your password was changed and every device signed out. Sign in "
                           "with the new password.", icon="circle-check", color_scheme="green")),
        error_callout(SignInState.error),
        rx.form(
            rx.vstack(
                field("Email", "email", type_="email", autocomplete="username"),
                field("Password", "password", type_="password",
                      autocomplete="current-password"),
                rx.button("Sign in", type="submit", size="3", width="100%",
                          loading=SignInState.busy),
                spacing="3", width="100%",
            ),
            on_submit=SignInState.submit, reset_on_submit=False, width="100%",
        ),
        rx.hstack(rx.link("Forgot your password?", href="/forgot-password", size="2"),
                  rx.link("Resend confirmation", href="/resend-verification", size="2"),
                  spacing="4", wrap="wrap"),
        rx.text("New here? ", rx.link("Create an account", href="/register"), size="2"),
    ))


def register() -> rx.Component:
    return page(form_card(
        "Create your patient account",
        rx.cond(
            RegisterState.sent_to != "",
            rx.callout(rx.text("Almost done: we sent a confirmation link to ",
                               rx.text.strong(RegisterState.sent_to),
                               ". Open it to activate your account, then sign in."),
                       icon="mail-check", color_scheme="green", role="status"),
            rx.fragment(
                rx.text("Doctors: the clinic invites you and verifies your licence before you "
                        "are listed.", size="2", color_scheme="gray"),
                error_callout(RegisterState.error),
                _register_form(),
            ),
        ),
        rx.text("Already registered? ", rx.link("Sign in", href="/login"), size="2"),
    ))


def _register_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field("Full name", "full_name", autocomplete="name"),
            field("Email", "email", type_="email", autocomplete="email"),
            field("Password", "password", type_="password", autocomplete="new-password",
                  hint="8 to 128 characters; a passphrase is best."),
            field("Repeat password", "password_repeat", type_="password",
                  autocomplete="new-password"),
            rx.text("Times will be shown in ", rx.text.strong(RegisterState.timezone),
                    ", your device's time zone.", size="1", color_scheme="gray"),
            rx.button("Create account", type="submit", size="3", width="100%",
                      loading=RegisterState.busy),
            spacing="3", width="100%",
        ),
        on_submit=RegisterState.submit, reset_on_submit=False, width="100%",
    )
