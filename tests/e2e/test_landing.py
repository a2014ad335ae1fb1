"""A visitor's first look: the landing page, its links, the doctor list, 404, phone, dark."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import path_is, unexpected_errors, wait_ready

NOT_FOUND = "Page not found"
PAGES = ["/", "/doctors", "/login", "/register", "/no-such-page"]
# The unknown page's document correctly answers 404, and Chromium logs every 404 response
# as "Failed to load resource"; that one message is the expected behaviour, nothing else.
NOT_FOUND_DOCUMENT = r"status of 404 .*\(http://[^/]+/no-such-page\)$"


def _landing(page) -> None:
    page.goto("/")
    wait_ready(page)
    # Specialty cards come from the on_load event: wait for them so every link is there.
    expect(page.locator('main a[href^="/doctors?specialty="]').first).to_be_visible()


def _main_heading(page):
    return page.get_by_role("main").get_by_role("heading", level=1)


def test_every_page_has_one_header_main_footer_and_h1(page):
    """Screen-reader users navigate by landmarks and the page's single h1."""
    page.allowed_errors.append(NOT_FOUND_DOCUMENT)
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("banner"), path).to_have_count(1)
        expect(page.get_by_role("main"), path).to_have_count(1)
        expect(page.get_by_role("contentinfo"), path).to_have_count(1)
        expect(page.get_by_role("heading", level=1), path).to_have_count(1)


def test_landing_shows_offer_and_way_to_a_doctor(page):
    _landing(page)
    expect(_main_heading(page)).to_have_text("See a doctor online, today")
    find = page.get_by_role("main").get_by_role("link", name="Find a doctor")
    expect(find).to_be_visible()
    expect(find).to_have_attribute("href", "/doctors")
    expect(page.get_by_role("heading", name="Specialties", level=2)).to_be_visible()
    expect(page.locator('main a[href^="/doctors?specialty="]')).to_have_count(5)
    assert page.console_errors == []


def test_every_internal_link_on_landing_renders(page):
    _landing(page)
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(a => a.getAttribute('href'))")
    internal = sorted({h for h in hrefs if h.startswith("/") and not h.startswith("//")})
    assert {"/", "/doctors", "/login", "/register"} <= set(internal), internal
    assert sum(h.startswith("/doctors?specialty=") for h in internal) == 5, internal
    for href in internal:
        response = page.goto(href)
        assert response is not None and response.status == 200, (href, response)
        wait_ready(page)
        heading = _main_heading(page)
        expect(heading, f"{href} has no main heading").to_have_count(1)
        expect(heading, f"{href} renders the 404 page").not_to_have_text(NOT_FOUND)
        assert page.console_errors == [], href


def test_following_find_a_doctor_by_click(page):
    _landing(page)
    page.get_by_role("main").get_by_role("link", name="Find a doctor").click()
    page.wait_for_url(path_is("/doctors"))
    expect(_main_heading(page)).to_have_text("Find a doctor")
    expect(page.locator(".doctor-card").first).to_be_visible()
    assert page.console_errors == []


def test_unknown_page_shows_404(page):
    page.allowed_errors.append(NOT_FOUND_DOCUMENT)
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    wait_ready(page)
    expect(_main_heading(page)).to_have_text(NOT_FOUND)
    expect(page.get_by_role("main").get_by_role("link", name="Go home")).to_have_attribute(
        "href", "/")
    assert unexpected_errors(page) == []


def test_site_has_a_favicon(page):
    """Browsers ask for /favicon.ico on a first visit; a 404 there is a console error."""
    response = page.request.get("/favicon.ico")
    assert response.status == 200, f"/favicon.ico answers {response.status}"
    assert response.headers.get("content-type", "").startswith("image/")


def test_doctor_list_and_specialty_filter(page):
    page.goto("/doctors")
    wait_ready(page)
    cards = page.locator(".doctor-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 8
    page.goto("/doctors?specialty=cardiology")
    wait_ready(page)
    expect(cards.first).to_be_visible()
    # Wait for the filtered list to settle, then check every card's specialty badge.
    expect(cards.filter(has_not_text="Cardiology")).to_have_count(0)
    specialties = cards.locator(".rt-Badge").all_inner_texts()
    assert specialties and set(specialties) == {"Cardiology"}, specialties
    assert page.console_errors == []


def test_specialty_picker_filters_and_keeps_it_in_the_url(page):
    page.goto("/doctors")
    wait_ready(page)
    expect(page.locator(".doctor-card").first).to_be_visible()
    page.get_by_role("combobox", name="Specialty").click()
    page.get_by_role("option", name="Dermatology").click()
    page.wait_for_url(re.compile(r"/doctors\?specialty=dermatology$"))
    cards = page.locator(".doctor-card")
    expect(cards.filter(has_not_text="Dermatology")).to_have_count(0)
    expect(cards.first).to_be_visible()
    assert page.console_errors == []


def test_phone_width_has_menu_button_instead_of_nav(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    _landing(page)
    menu = page.get_by_role("button", name="Open menu")
    expect(menu).to_be_visible()
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="Find a doctor")).to_be_hidden()
    expect(header.get_by_role("link", name="Sign in")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the landing page is {width}px wide on a 390px phone"
    menu.click()
    item = page.get_by_role("menuitem", name="Find a doctor")
    expect(item).to_be_visible()
    expect(page.get_by_role("menuitem", name="Sign in")).to_be_visible()
    item.click()
    page.wait_for_url(path_is("/doctors"))
    expect(page.locator(".doctor-card").first).to_be_visible()
    assert page.console_errors == []


def test_desktop_shows_nav_and_no_menu_button(page):
    _landing(page)
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="Find a doctor")).to_be_visible()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Open menu")).to_be_hidden()
    assert page.console_errors == []


def test_dark_mode_follows_the_system(new_page):
    dark = new_page(color_scheme="dark")
    _landing(dark)
    expect(dark.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    light = new_page(color_scheme="light")
    _landing(light)
    expect(light.locator("html")).not_to_have_class(re.compile(r"\bdark\b"))
    assert dark.console_errors == [] and light.console_errors == []

