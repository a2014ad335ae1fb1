"""/verify-email, /resend-verification, /forgot-password, /reset-password."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field, form_card
from odcp.components.layout import page
from odcp.state.email_flows import EmailFlowState


def _notice() -> rx.Component:
    return rx.cond(EmailFlowState.notice != "",
                   rx.callout(EmailFlowState.notice, icon="circle-check", color_scheme="green",
                              role="status", width="100%"))


def _email_form(button: str, handler) -> rx.Component:
    return rx.cond(~EmailFlowState.done, rx.form(
        rx.vstack(field("Email", "email", type_="email", autocomplete="email"),
                  rx.button(button, type="submit", size="3", width="100%",
                            loading=EmailFlowState.busy), spacing="3", width="100%"),
        on_submit=handler, reset_on_submit=False, width="100%"))


def verify_email() -> rx.Component:
    return page(form_card(
        "Confirm your email",
        rx.cond(EmailFlowState.busy, rx.text("Checking your link...")),
        _notice(), error_callout(EmailFlowState.error),
        rx.cond(EmailFlowState.done, rx.link(rx.button("Sign in", size="3"), href="/login"),
                rx.link("Send me a new link", href="/resend-verification")),
    ))


def resend_verification() -> rx.Component:
    return page(form_card(
        "Send a new confirmation link", _notice(), error_callout(EmailFlowState.error),
        _email_form("Send link", EmailFlowState.resend_verification),
    ))


def forgot_password() -> rx.Component:
    return page(form_card(
        "Forgot your password?",
        rx.text("Enter your email and we will send you a link to choose a new password.",
                size="2", color_scheme="gray"),
        _notice(), error_callout(EmailFlowState.error),
        _email_form("Send reset link", EmailFlowState.request_reset),
        rx.link("Back to sign in", href="/login", size="2"),
    ))


def reset_password() -> rx.Component:
    return page(form_card(
        "Choose a new password", _notice(), error_callout(EmailFlowState.error),
        rx.cond(EmailFlowState.done,
                rx.link(rx.button("Sign in", size="3"), href="/login"),
                rx.form(rx.vstack(
                    field("New password", "password", type_="password",
                          autocomplete="new-password",
                          hint="8 to 128 characters; a passphrase is best."),
                    field("Repeat new password", "password_repeat", type_="password",
                          autocomplete="new-password"),
                    rx.button("Set password", type="submit", size="3", width="100%",
                              loading=EmailFlowState.busy),
                    spacing="3", width="100%"),
                    on_submit=EmailFlowState.reset_password, reset_on_submit=False,
                    width="100%")),
    ))
