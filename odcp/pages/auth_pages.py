"""/login and /register."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field, form_card
from odcp.components.layout import page
from odcp.state.auth_forms import RegisterState, SignInState


def _password_step() -> rx.Component:
    return rx.fragment(
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
    )


def _enrol_instructions() -> rx.Component:
    return rx.vstack(
        rx.text("Your role needs two-step sign-in. Scan this code with an authenticator app "
                "(such as Google Authenticator, Microsoft Authenticator or 1Password), then "
                "enter the 6-digit code it shows.", size="2"),
        rx.image(src=SignInState.qr, alt="QR code for your authenticator app", width="12rem",
                 height="12rem", background="white", border_radius="8px"),
        rx.text("Can't scan? Enter this key: ", rx.code(SignInState.secret, id="mfa-secret"),
                size="1", color_scheme="gray"),
        spacing="3", align="center", width="100%",
    )


def _code_step() -> rx.Component:
    return rx.vstack(
        rx.cond(SignInState.stage == "enrol", _enrol_instructions(),
                rx.text("Enter the 6-digit code from your authenticator app, or one of your "
                        "recovery codes.", size="2")),
        rx.form(
            rx.vstack(
                field("Code", "code", autocomplete="one-time-code"),
                rx.button("Verify", type="submit", size="3", width="100%",
                          loading=SignInState.busy),
                spacing="3", width="100%",
            ),
            on_submit=SignInState.submit_code, reset_on_submit=True, width="100%",
        ),
        rx.link("Start again", on_click=SignInState.reset_sign_in, size="2", href="#"),
        spacing="3", width="100%",
    )


def _recovery_codes_step() -> rx.Component:
    return rx.vstack(
        rx.callout("Two-step sign-in is on. Save these recovery codes somewhere safe: each "
                   "works once if you lose your phone. They are shown only now.",
                   icon="key-round", color_scheme="green"),
        rx.grid(rx.foreach(SignInState.recovery_codes, lambda c: rx.code(c, size="3")),
                columns="2", spacing="2", class_name="recovery-codes"),
        rx.button("I have saved them, continue", size="3", width="100%",
                  on_click=SignInState.continue_after_codes),
        spacing="3", width="100%",
    )


def login() -> rx.Component:
    return page(form_card(
        "Sign in",
        rx.cond(SignInState.link_expired,
                rx.callout("That sign-in link has expired; please sign in again.", icon="info")),
        rx.cond(SignInState.password_changed,
                rx.callout("Your password was changed and every device signed out. Sign in "
                           "with the new password.", icon="circle-check", color_scheme="green")),
        error_callout(SignInState.error),
        rx.cond(SignInState.recovery_codes.length() > 0, _recovery_codes_step(),
                rx.cond(SignInState.stage == "", _password_step(), _code_step())),
    ))


def _sent_notice() -> rx.Component:
    return rx.callout(
        rx.text("Almost done: we sent a confirmation link to ",
                rx.text.strong(RegisterState.sent_to),
                rx.cond(RegisterState.sent_as == "doctor",
                        ". Open it, then sign in and complete your doctor profile: the "
                        "clinic checks your licence before patients can find you.",
                        ". Open it to activate your account, then sign in.")),
        icon="mail-check", color_scheme="green", role="status")


def _role_choice() -> rx.Component:
    """Patient or doctor; doctors are listed only after the clinic verifies their licence."""
    return rx.el.fieldset(
        rx.el.legend(rx.text("Account type", size="2", weight="medium", as_="span")),
        rx.radio_group.root(
            rx.hstack(rx.radio_group.item("I am a patient", value="patient"),
                      rx.radio_group.item("I am a doctor", value="doctor"),
                      spacing="5", wrap="wrap"),
            name="role", default_value="patient", aria_label="Account type",
        ),
        rx.text("Doctors complete a profile and upload their licence after confirming the "
                "email; the clinic verifies it before they are listed.", size="1",
                color_scheme="gray"),
        border="none", padding="0", margin="0", display="flex", flex_direction="column",
        gap="0.25rem", width="100%",
    )


def register() -> rx.Component:
    return page(form_card(
        "Create your account",
        rx.cond(
            RegisterState.sent_to != "",
            _sent_notice(),
            rx.fragment(
                error_callout(RegisterState.error),
                _register_form(),
            ),
        ),
        rx.text("Already registered? ", rx.link("Sign in", href="/login"), size="2"),
    ))


def _register_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _role_choice(),
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
