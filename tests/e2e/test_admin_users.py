"""An admin finds a patient on /admin/users, suspends them with a reason and reactivates
them, seeing the status change on the page each time."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, path_is, sign_in, wait_ready


def test_admin_suspends_and_reactivates_a_patient(page):
    sign_in(page, ADMIN_EMAIL)
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Users").click()
    page.wait_for_url(path_is("/admin/users"))
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Users")

    main.get_by_label("Search by name or email").fill("carlos")
    main.get_by_role("button", name="Search", exact=True).click()
    rows = main.locator("tbody tr")
    expect(rows).to_have_count(1)
    carlos = rows.first
    expect(carlos).to_contain_text("Carlos Patient")
    expect(carlos).to_contain_text("carlos@patients.example")
    expect(carlos.get_by_text("Active", exact=True).filter(visible=True)).to_be_visible()

    carlos.get_by_role("button", name="Actions for Carlos Patient").click()
    page.get_by_role("menuitem", name="Suspend…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Suspend account")).to_be_visible()
    expect(dialog).to_contain_text("Carlos Patient")
    dialog.get_by_label("Reason", exact=True).fill("Repeated no-shows, asked to call us")
    dialog.get_by_role("button", name="Suspend", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("Carlos Patient is suspended and signed out everywhere."))\
        .to_be_visible()
    expect(carlos.get_by_text("Suspended", exact=True).filter(visible=True)).to_be_visible()

    carlos.get_by_role("button", name="Actions for Carlos Patient").click()
    expect(page.get_by_role("menuitem", name="Suspend…")).to_have_count(0)
    page.get_by_role("menuitem", name="Reactivate").click()
    expect(page.get_by_text("Carlos Patient can sign in again.")).to_be_visible()
    expect(carlos.get_by_text("Active", exact=True).filter(visible=True)).to_be_visible()

    # The admin's own row offers no way to lock themself out.
    main.get_by_label("Search by name or email").fill("admin@clinic")
    main.get_by_role("button", name="Search", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("This is you")
    expect(rows.first.get_by_role("button", name="Actions")).to_have_count(0)
    assert page.console_errors == []
