"""A patient keeps their details and picture on /account."""

import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import labelled, sign_in, wait_ready


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_patient_edits_details_and_picture(page):
    sign_in(page, "alice@patients.example")
    main = page.get_by_role("main")
    upload = page.locator("#avatar-upload input[type=file]")
    upload.set_input_files(files=[{"name": "me.png", "mimeType": "image/png",
                                   "buffer": b"this is not an image"}])
    expect(page.get_by_text("This file is not a picture we can read.")).to_be_visible()
    upload.set_input_files(files=[{"name": "me.png", "mimeType": "image/png",
                                   "buffer": _png()}])
    expect(page.get_by_text("Your picture is saved.")).to_be_visible()
    expect(main.locator("img[src^='data:image/png;base64,']")).to_have_count(1)

    labelled(main, "Mobile phone (for reminders)").fill("12345")
    main.get_by_role("button", name="Save details").click()
    expect(main.get_by_role("alert")).to_contain_text("international form")
    labelled(main, "Mobile phone (for reminders)").fill("+34 91 123 45 67")
    labelled(main, "Time zone").fill("Europe/Madrid")
    main.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()
    page.reload()
    wait_ready(page)
    expect(labelled(main, "Mobile phone (for reminders)")).to_have_value("+34911234567")
