"""Signing in, out and up through the browser, and what each role may see."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from odcp.services import mfa
from tests.e2e.conftest import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    PATIENT_EMAIL,
    labelled,
    path_is,
    sign_in,
    wait_ready,
)

COOKIE = "odcp_session"
# Where a signed-out visit to /account goes: sign in, then come back.
BACK_TO_ACCOUNT = re.compile(r"/login\?next=/account/?$")


def _session_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"] == COOKIE]


def test_admin_signs_in_sees_audit_log_and_signs_out(page):
    sign_in(page, ADMIN_EMAIL)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(labelled(main, "Full name")).to_have_value("Clinic Admin")
    expect(main.get_by_text("This device", exact=True)).to_be_visible()
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="Audit log")).to_be_visible()
    expect(header.get_by_text("Clinic Admin")).to_be_visible()

    # The session credential is an httpOnly cookie, out of reach of page scripts.
    cookies = _session_cookies(page.context)
    assert len(cookies) == 1, page.context.cookies()
    assert cookies[0]["httpOnly"] is True
    assert cookies[0]["sameSite"] == "Lax"
    assert cookies[0]["path"] == "/"
    assert COOKIE not in page.evaluate("document.cookie")

    header.get_by_role("link", name="Audit log").click()
    page.wait_for_url(path_is("/admin/audit"))
    rows = page.get_by_role("main").locator("tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.filter(has_text="auth.sign_in").first).to_be_visible()
    expect(page.get_by_role("main").get_by_role("alert")).to_have_count(0)

    header.get_by_role("button", name="Sign out").click()
    page.wait_for_url(path_is("/"))
    wait_ready(page)
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.get_by_text("Clinic Admin")).to_have_count(0)
    assert _session_cookies(page.context) == []
    # Signed out for real: the account page sends the visitor to sign in.
    page.goto("/account")
    expect(page).to_have_url(BACK_TO_ACCOUNT)  # and back to the account once signed in
    assert page.console_errors == []


def test_wrong_password_is_refused_with_a_message(page):
    page.goto("/login")
    wait_ready(page)
    main = page.get_by_role("main")
    labelled(main, "Email").fill(ADMIN_EMAIL)
    labelled(main, "Password").fill("not the password")
    main.get_by_role("button", name="Sign in", exact=True).click()
    expect(main.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(path_is("/login"))
    assert _session_cookies(page.context) == []
    assert page.console_errors == []


def test_new_patient_registers_confirms_email_and_signs_in(new_page, mailbox):
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Berlin")
    email = f"e2e-{uuid.uuid4().hex[:8]}@patients.example"
    password = "a long enough pass phrase"
    page.goto("/register")
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_text("Europe/Berlin", exact=True)).to_be_visible()
    labelled(main, "Full name").fill("Erin Example")
    labelled(main, "Email").fill(email)
    labelled(main, "Password").fill(password)
    labelled(main, "Repeat password").fill(password)
    main.get_by_role("button", name="Create account").click()
    expect(main.get_by_role("status")).to_contain_text(email)

    # Not active until the email is confirmed.
    sign_in_page = new_page()
    sign_in_page.goto("/login")
    wait_ready(sign_in_page)
    form = sign_in_page.get_by_role("main")
    labelled(form, "Email").fill(email)
    labelled(form, "Password").fill(password)
    form.get_by_role("button", name="Sign in", exact=True).click()
    expect(form.get_by_role("alert")).to_contain_text("confirm your email")

    message = mailbox.wait_for(email, "Confirm your email")
    page.goto(mailbox.link(message, "/verify-email"))
    wait_ready(page)
    expect(main.get_by_role("status")).to_contain_text("confirmed")
    main.get_by_role("link", name="Sign in").click()
    page.wait_for_url(path_is("/login"))

    sign_in(page, email, password)
    expect(labelled(main, "Full name")).to_have_value("Erin Example")
    expect(main.get_by_text("Patient", exact=True)).to_be_visible()
    expect(labelled(main, "Time zone")).to_have_value("Europe/Berlin")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="Audit log")).to_have_count(0)

    # Two-step sign-in: set it up, sign out, and sign in again with a code from the app.
    main.get_by_role("button", name="Set up two-step sign-in").click()
    secret = page.locator("#mfa-secret").inner_text()
    expect(main.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    labelled(main, "Code from your app").fill(mfa.totp(secret, step=mfa.current_step()))
    main.get_by_role("button", name="Turn on").click()
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    expect(main.get_by_text("On", exact=True)).to_be_visible()
    header.get_by_role("button", name="Sign out").click()
    page.wait_for_url(path_is("/"))
    sign_in(page, email, password,
            code=lambda: mfa.totp(secret, step=mfa.current_step() + 1))
    expect(labelled(main, "Full name")).to_have_value("Erin Example")
    assert page.console_errors == []
    assert sign_in_page.console_errors == []


def test_patient_cannot_read_the_audit_log(page):
    sign_in(page, PATIENT_EMAIL)
    expect(page.get_by_role("banner").get_by_role("link", name="Audit log")).to_have_count(0)
    page.goto("/admin/audit")
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("alert")).to_have_text("Only clinic administrators may do this.")
    expect(main.locator("tbody tr")).to_have_count(0)
    expect(main.get_by_text("auth.sign_in")).to_have_count(0)
    assert page.console_errors == []


def test_sign_out_everywhere_ends_every_device(new_page):
    laptop, phone = new_page(), new_page(viewport={"width": 390, "height": 844})
    for device in (laptop, phone):
        sign_in(device, "carlos@patients.example")
    phone.reload()
    wait_ready(phone)
    expect(phone.get_by_role("main").locator("tbody tr")).to_have_count(2)
    laptop.get_by_role("main").get_by_role("button", name="Sign out everywhere").click()
    laptop.wait_for_url(path_is("/"))
    wait_ready(laptop)
    expect(laptop.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert _session_cookies(laptop.context) == []
    # The other device's cookie is now worthless: its next page load is signed out.
    phone.goto("/account")
    expect(phone).to_have_url(BACK_TO_ACCOUNT)


def test_changing_password_signs_out_and_sends_a_notice(new_page, mailbox):
    email, old, new = "dana@patients.example", DEMO_PASSWORD, "a brand new pass phrase"
    page = new_page()
    sign_in(page, email, old)
    main = page.get_by_role("main")
    labelled(main, "Current password").fill(old)
    labelled(main, "New password").fill(new)
    labelled(main, "Repeat new password").fill(new)
    main.get_by_role("button", name="Change password").click()
    page.wait_for_url(re.compile(r"/login/?\?changed=1$"))
    wait_ready(page)
    expect(page.get_by_text("Your password was changed and every device signed out")
           ).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    mailbox.wait_for(email, "Your password was changed")

    page.goto("/login")
    wait_ready(page)
    labelled(main, "Email").fill(email)
    labelled(main, "Password").fill(old)
    main.get_by_role("button", name="Sign in", exact=True).click()
    expect(main.get_by_role("alert")).to_be_visible()
    sign_in(page, email, new)
    expect(labelled(main, "Full name")).to_have_value("Dana Patient")
