"""A patient looking for a doctor: type, filter, share the link, open a doctor's page,
see when each doctor is next free (in their own zone) and find who is free soonest.

Runs against the seeded demo clinic: two cardiologists (Lucas Meyer, who speaks German,
and Omar Haddad), six other doctors, all with weekday and Saturday hours.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PATIENT_EMAIL, sign_in, wait_ready

CARDIOLOGISTS = {"Dr. Lucas Meyer", "Dr. Omar Haddad"}


def _open_search(page, path: str = "/doctors"):
    page.goto(path)
    wait_ready(page)
    cards = page.locator(".doctor-card")
    expect(cards.first).to_be_visible()
    return cards


def _card_names(cards) -> set[str]:
    return set(cards.get_by_role("heading", level=2).all_inner_texts())


def _mark_document(page) -> None:
    """A flag that only survives if the page is never reloaded."""
    page.evaluate("window.__same_document = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__same_document === true")


def test_typing_narrows_results_without_reload_and_the_url_keeps_it(page):
    cards = _open_search(page)
    assert cards.count() >= 8
    _mark_document(page)
    search = page.get_by_label("Search doctors", exact=True)
    search.press_sequentially("cardio", delay=60)
    expect(cards).to_have_count(2)
    assert _card_names(cards) == CARDIOLOGISTS
    assert set(cards.locator(".rt-Badge").all_inner_texts()) == {"Cardiology"}
    expect(page.get_by_role("status")).to_have_text("2 doctors found")
    page.wait_for_url(re.compile(r"/doctors\?q=cardio$"))
    assert _same_document(page), "the page reloaded while typing"

    page.reload()
    wait_ready(page)
    expect(page.get_by_label("Search doctors", exact=True)).to_have_value("cardio")
    expect(cards).to_have_count(2)
    assert _card_names(cards) == CARDIOLOGISTS
    assert page.console_errors == []


def test_language_filter_and_a_copied_link(page, new_page):
    cards = _open_search(page)
    _mark_document(page)
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="German").click()
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Lucas Meyer"}
    page.wait_for_url(re.compile(r"/doctors\?language=de$"))
    assert _same_document(page)

    page.get_by_role("combobox", name="Consultation").click()
    page.get_by_role("option", name="Audio", exact=True).click()
    expect(page.get_by_text("No doctors match your search")).to_be_visible()
    expect(cards).to_have_count(0)
    page.wait_for_url(re.compile(r"language=de&mode=audio"))
    link = page.url
    page.get_by_role("button", name="Clear search and filters").first.click()
    expect(cards).to_have_count(8)
    page.wait_for_url(re.compile(r"/doctors$"))

    # Someone else opens the copied link and sees the same (empty) search and filters.
    other = new_page(viewport={"width": 1280, "height": 900})
    other.goto(link)
    wait_ready(other)
    expect(other.get_by_text("No doctors match your search")).to_be_visible()
    expect(other.get_by_role("combobox", name="Language")).to_have_text("German")
    expect(other.get_by_role("combobox", name="Consultation")).to_have_text("Audio")
    assert page.console_errors == [] and other.console_errors == []


def test_specialty_from_the_landing_page_combines_with_text(page):
    cards = _open_search(page, "/doctors?specialty=dermatology")
    expect(cards).to_have_count(2)
    page.get_by_label("Search doctors", exact=True).press_sequentially("ecz", delay=60)
    expect(cards).to_have_count(2)  # both dermatologists treat eczema
    page.get_by_label("Search doctors", exact=True).fill("rossi")
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Elena Rossi"}
    page.wait_for_url(re.compile(r"/doctors\?q=rossi&specialty=dermatology$"))
    assert page.console_errors == []


def test_open_a_doctors_page_and_go_back_to_the_results(page):
    cards = _open_search(page, "/doctors?q=cardio")
    expect(cards).to_have_count(2)
    cards.get_by_role("link", name="Dr. Omar Haddad", exact=True).click()
    page.wait_for_url(re.compile(r"/doctors/\d+$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Dr. Omar Haddad")
    expect(main.get_by_text("Cardiology", exact=True).first).to_be_visible()
    expect(main.get_by_role("heading", name="Consultation fees")).to_be_visible()
    expect(main.get_by_text("USD 85.00").first).to_be_visible()
    expect(main.get_by_text("English, Arabic")).to_be_visible()
    expect(main.get_by_text("Chest pain")).to_be_visible()
    expect(main.get_by_text("Registration no.")).to_be_visible()
    expect(main.get_by_text("America/New York")).to_be_visible()
    expect(main).not_to_contain_text("@doctors.example")
    expect(page).to_have_title(re.compile(r"^Dr\. Omar Haddad"))

    main.get_by_role("link", name="Back to results").click()
    page.wait_for_url(re.compile(r"/doctors\?q=cardio$"))
    expect(cards).to_have_count(2)
    expect(page.get_by_label("Search doctors", exact=True)).to_have_value("cardio")
    assert page.console_errors == []


def test_unknown_doctor_says_so(page):
    page.goto("/doctors/999999")
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Doctor not found")
    expect(main.get_by_role("link", name="Find a doctor")).to_have_attribute("href",
                                                                            "/doctors")
    assert page.console_errors == []


def test_phone_folds_filters_behind_a_button(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    cards = _open_search(page)
    language = page.get_by_role("combobox", name="Language")
    expect(language).to_be_hidden()
    page.get_by_role("button", name="Filters").click()
    expect(language).to_be_visible()
    language.click()
    page.get_by_role("option", name="Arabic").click()
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Omar Haddad"}
    expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"/doctors is {width}px wide on a 390px phone"
    assert page.console_errors == []


def test_fee_limit_and_sort_by_lowest_fee(page):
    cards = _open_search(page)
    page.get_by_label("Fee up to", exact=True).fill("40")
    expect(cards).to_have_count(3)
    page.get_by_role("combobox", name="Sort by").click()
    page.get_by_role("option", name="Lowest fee").click()
    expect(cards.get_by_role("heading", level=2)).to_have_text(
        ["Dr. Priya Raman", "Dr. Mei Chen", "Dr. Amara Okafor"])
    page.wait_for_url(re.compile(r"/doctors\?fee_max=40&sort=fee_low$"))
    assert page.console_errors == []


def test_an_old_specialty_link_still_shows_doctors(page):
    cards = _open_search(page, "/doctors?specialty=astrology")
    expect(page.get_by_text("That specialty is no longer listed")).to_be_visible()
    expect(cards).to_have_count(8)
    page.wait_for_url(re.compile(r"/doctors$"))
    assert page.console_errors == []


# --- next available ---------------------------------------------------------------


def _api(app_url: str, path: str = "/api/v1/doctors", **params):
    with httpx.Client(base_url=app_url, timeout=20) as client:
        response = client.get(path, params={"page_size": 50, **params} if path.endswith(
            "doctors") else params)
        assert response.status_code == 200, response.text
        return response.json()


def _next_label(iso: str | None, zone: str, days: int = 60) -> str:
    """What a card should say, worked out here from the API's UTC time."""
    if iso is None:
        return f"No free time in the next {days} days"
    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    return "Next available: " + local.strftime("%a %d %b, %H:%M %Z")


def _shown(cards) -> list[tuple[str, str]]:
    names = cards.get_by_role("heading").all_inner_texts()
    return list(zip(names, cards.locator(".next-available").all_inner_texts(), strict=True))


def _expected(app_url: str, zone: str, **params) -> list[tuple[str, str]]:
    return [(c["name"], _next_label(c["next_slot_at"], zone))
            for c in _api(app_url, **params)["results"]]


def _same_as_api(page, cards, app_url: str, zone: str, **params) -> None:
    """The cards say what the API says, in `zone` (asked twice: a slot may just pass)."""
    for _ in range(2):
        expected = _expected(app_url, zone, **params)
        expect(cards).to_have_count(len(expected))
        if _shown(cards) == expected:
            return
        page.wait_for_timeout(1000)
    assert _shown(cards) == expected


def test_cards_say_when_each_doctor_is_next_free_in_the_browsers_zone(new_page, app_url):
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    cards = _open_search(page, "/doctors?sort=soonest")
    expect(page.locator("#times-zone")).to_have_text("Times in Asia/Tokyo")
    expect(cards.locator(".next-available").first).to_contain_text("JST")
    _same_as_api(page, cards, app_url, "Asia/Tokyo", sort="soonest")
    starts = [c["next_slot_at"] for c in _api(app_url, sort="soonest")["results"]]
    assert all(starts) and starts == sorted(starts)  # soonest first, everyone has hours
    assert page.console_errors == []


def test_available_filter_in_the_viewers_zone_and_a_shared_link(new_page, app_url):
    zone = "America/Los_Angeles"
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id=zone)
    cards = _open_search(page)
    expect(page.locator("#times-zone")).to_have_text(f"Times in {zone}")
    page.get_by_role("combobox", name="Available").click()
    page.get_by_role("option", name="Today").click()
    page.wait_for_url(re.compile(r"/doctors\?available=today$"))
    expect(page.get_by_role("button", name="Clear search and filters").first).to_be_visible()
    _same_as_api(page, cards, app_url, zone, available_within=0, timezone=zone)

    page.get_by_role("combobox", name="Available").click()
    page.get_by_role("option", name="Within 14 days").click()
    page.get_by_role("combobox", name="Sort by").click()
    page.get_by_role("option", name="Soonest available").click()
    page.wait_for_url(re.compile(r"/doctors\?available=14&sort=soonest$"))
    expect(cards).to_have_count(8)
    _same_as_api(page, cards, app_url, zone, available_within=14, timezone=zone,
                 sort="soonest")

    other = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris")
    other.goto(page.url)
    wait_ready(other)
    expect(other.get_by_role("combobox", name="Available")).to_have_text("Within 14 days")
    expect(other.get_by_role("combobox", name="Sort by")).to_have_text("Soonest available")
    expect(other.locator("#times-zone")).to_have_text("Times in Europe/Paris")
    assert page.console_errors == [] and other.console_errors == []


def test_a_booked_slot_leaves_every_visitors_list_at_once(new_page, app_url):
    """Dr. Meyer's next free time is booked by a patient; the next visitor sees the one
    after it, and so does the doctor's page."""
    zone = "Europe/Berlin"
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id=zone)
    cards = _open_search(page, "/doctors?q=meyer")
    expect(cards).to_have_count(1)
    _same_as_api(page, cards, app_url, zone, q="meyer")
    before = _api(app_url, q="meyer")["results"][0]
    with httpx.Client(base_url=app_url, timeout=20) as client:
        token = client.post("/api/v1/auth/login", json={
            "email": PATIENT_EMAIL, "password": DEMO_PASSWORD}).json()["access_token"]
        booked = client.post("/api/v1/appointments", headers={
            "Authorization": f"Bearer {token}"}, json={
            "doctor_id": before["doctor_id"], "starts_at": before["next_slot_at"],
            "mode": "video"})
        assert booked.status_code == 201, booked.text
    after = _api(app_url, q="meyer")["results"][0]["next_slot_at"]
    assert after > before["next_slot_at"]
    page.reload()
    wait_ready(page)
    expect(cards.locator(".next-available")).to_have_text(_next_label(after, zone))
    cards.get_by_role("link", name="Dr. Lucas Meyer", exact=True).click()
    page.wait_for_url(re.compile(r"/doctors/\d+$"))
    expect(page.get_by_role("main").locator(".next-available")).to_have_text(
        _next_label(after, zone))
    assert page.console_errors == []


def test_a_signed_in_patient_sees_times_in_their_own_zone(new_page, app_url):
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    sign_in(page, PATIENT_EMAIL)  # Alice's account is in America/New_York
    cards = _open_search(page, "/doctors?sort=soonest")
    expect(page.locator("#times-zone")).to_have_text("Times in America/New_York")
    _same_as_api(page, cards, app_url, "America/New_York", sort="soonest")
    assert page.console_errors == []


def test_the_landing_page_features_who_is_free_soonest(new_page, app_url):
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Kolkata")
    page.goto("/")
    wait_ready(page)
    featured = page.locator("#featured-doctors .doctor-card")
    expect(featured).to_have_count(3)
    expect(featured.locator(".next-available").first).to_contain_text("IST")
    _same_as_api(page, featured, app_url, "Asia/Kolkata", sort="soonest", page_size=3)
    assert page.console_errors == []
