"""TEMPORARY UI review: screenshots of every page per persona (delete when done)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    PATIENT_EMAIL,
    book_through_api,
    sign_in,
    watch_console,
)
from tests.records_helpers import report_pdf

OUT = Path("/tmp/ui")
DOCTOR_EMAIL = "lucas.meyer@doctors.example"
MODES = {
    "light": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    "phone": {"viewport": {"width": 390, "height": 844}, "color_scheme": "light",
              "is_mobile": True, "has_touch": True},
}
ONLY = os.environ.get("UI_ONLY", "")  # comma list of name substrings
MODES_ONLY = os.environ.get("UI_MODES", "")


def _token(client, email):
    return client.post("/api/v1/auth/login", json={
        "email": email, "password": DEMO_PASSWORD}).json()["access_token"]


def _data(app_url):
    appt = book_through_api(app_url)
    book_through_api(app_url, days=6)
    with httpx.Client(base_url=app_url, timeout=20) as c:
        doc = {"Authorization": f"Bearer {_token(c, DOCTOR_EMAIL)}"}
        pat = {"Authorization": f"Bearer {_token(c, PATIENT_EMAIL)}"}
        r = c.put(f"/api/v1/appointments/{appt['id']}/notes", headers=doc, json={
            "subjective": "Sore throat and fever for three days", "objective": "38.4 C",
            "assessment": "Streptococcal pharyngitis", "plan": "Antibiotics", "version": 0})
        assert r.status_code == 200, r.text
        r = c.post(f"/api/v1/appointments/{appt['id']}/prescriptions", headers=doc, json={
            "medications": [{"name": "Amoxicillin", "strength": "500 mg", "route": "oral",
                             "frequency": "three times daily", "duration": "7 days",
                             "quantity": "21 capsules", "instructions": "Take with food"}]})
        assert r.status_code == 201, r.text
        ref = r.json()["reference"]
        r = c.post("/api/v1/records/documents", headers=pat, files={
            "file": ("ferritin.pdf", report_pdf(b"x"), "application/pdf")},
            data={"title": "Ferritin, November", "kind": "lab_result",
                  "report_date": "2025-11-02"})
        assert r.status_code == 201, r.text
    return appt, ref


def _shoot(page, path, name, mode, report):
    if ONLY and not any(o in name for o in ONLY.split(",")):
        return
    page.goto(path)
    try:
        page.wait_for_load_state("networkidle")
        page.locator("h1").first.wait_for(timeout=10_000)
    except Exception as exc:  # noqa: BLE001
        report.append(f"{name}-{mode}: no h1 ({exc.__class__.__name__})")
    page.wait_for_timeout(900)
    page.screenshot(path=str(OUT / f"{name}-{mode}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    vw = page.viewport_size["width"]
    if width > vw:
        wide = page.evaluate("""(vw) => Array.from(document.querySelectorAll('main *'))
            .filter(e => e.getBoundingClientRect().right > vw + 1)
            .slice(0, 6).map(e => e.tagName + '.' + (e.className||'').toString().slice(0,60)
            + ' ' + Math.round(e.getBoundingClientRect().right))""", vw)
        report.append(f"{name}-{mode}: scrollWidth {width} > {vw}: {wide}")
    for e in page.console_errors:
        report.append(f"{name}-{mode}: {e}")
    page.console_errors.clear()


def test_review(app_url, browser):
    OUT.mkdir(exist_ok=True)
    appt, ref = _data(app_url)
    aid, pid = appt["id"], appt["patient_id"]
    public = [("/", "landing"), ("/doctors", "doctors"), ("/doctors/1", "doctor1"),
              (f"/verify/{ref}", "verify"), ("/login", "login"), ("/register", "register"),
              ("/no-such-page", "404"), ("/book?doctor=1", "book-anon")]
    patient = [("/book?doctor=1", "book"), ("/appointments", "appointments"),
               (f"/appointments/{aid}/summary", "summary"), ("/prescriptions", "rx"),
               ("/records", "records"), ("/medical-profile", "medprofile"),
               ("/medical-profile/access", "access"), ("/account", "account-patient")]
    doctor = [("/doctor/agenda", "agenda"), ("/doctor/calendar", "calendar"),
              ("/doctor/availability", "availability"), ("/doctor/profile", "dprofile"),
              (f"/doctor/appointments/{aid}/notes", "notes"),
              (f"/doctor/patients/{pid}", "patientrec"), ("/account", "account-doctor")]
    admin = [(p, p.strip("/").replace("/", "-")) for p in (
        "/admin/users", "/admin/appointments", "/admin/policy", "/admin/verification",
        "/admin/specialties", "/admin/audit", "/admin/outbox")]
    report: list[str] = []
    for mode, args in MODES.items():
        if MODES_ONLY and mode not in MODES_ONLY.split(","):
            continue
        for who, pages in ((None, public), (PATIENT_EMAIL, patient),
                           (DOCTOR_EMAIL, doctor), (ADMIN_EMAIL, admin)):
            if ONLY and not any(o in n for o in ONLY.split(",") for _, n in pages):
                continue
            ctx = browser.new_context(base_url=app_url, **args)
            ctx.set_default_timeout(15_000)
            page = ctx.new_page()
            watch_console(page)
            if who:
                sign_in(page, who)
            for path, name in pages:
                _shoot(page, path, name, mode, report)
            ctx.close()
    (OUT / "report.txt").write_text("\n".join(report) + "\n" + json.dumps(appt))
    print("\n".join(report))
