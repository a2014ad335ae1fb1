"""/doctor/profile: a doctor's onboarding form with a banner saying where the review is."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout, field
from odcp.components.layout import page
from odcp.services.accounts import LANGUAGES
from odcp.services.doctor_profile_rules import CURRENCIES, MIN_BIO, MODE_LABELS
from odcp.state.doctor_profile import DoctorProfileState

S = DoctorProfileState
LANGUAGE_NAMES = sorted(LANGUAGES.items(), key=lambda item: item[1])
_SELECT_STYLE = {"padding": "0 0.5rem", "height": "2.5rem", "border_radius": "6px",
                 "border": "1px solid var(--gray-a7)", "background": "var(--color-surface)",
                 "color": "var(--gray-12)", "width": "100%", "max_width": "24rem"}


def _banner(title: str, body, color: str, icon: str) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon)),
        rx.callout.text(rx.text.strong(title), rx.el.br(), body),
        color_scheme=color, role="status", width="100%",
    )


def _status_banner() -> rx.Component:
    return rx.match(
        S.status,
        ("submitted", _banner(
            "Submitted: waiting for review",
            rx.fragment("Sent on ", S.submitted_on, ". We will email you when the clinic has "
                        "checked your profile. You can still correct details; the reviewer "
                        "sees the latest version."), "amber", "hourglass")),
        ("rejected", _banner(
            "Changes needed",
            rx.fragment("The reviewer wrote: “", S.rejection_reason, "” Fix the profile, "
                        "then save and submit it again."), "red", "circle-alert")),
        ("verified", _banner(
            "Verified: patients can find and book you",
            "Changing your licence number or licence document sends the profile back to "
            "review, and you are hidden from the doctor list until it is approved again.",
            "green", "badge-check")),
        _banner("Draft: not submitted yet",
                "Complete each section, upload a copy of your licence, then submit. Patients "
                "cannot see you until the clinic has verified your licence.", "blue",
                "file-pen"),
    )


def _missing() -> rx.Component:
    return rx.cond(
        (S.missing.length() > 0) & ((S.status == "draft") | (S.status == "rejected")),
        rx.box(
            rx.text("Still needed before you can submit:", size="2", weight="medium"),
            rx.list.unordered(rx.foreach(S.missing, lambda m: rx.list.item(m, size="2"))),
            id="missing-items", width="100%",
        ),
    )


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=html_for)


def _hint(text: str) -> rx.Component:
    return rx.text(text, size="1", color_scheme="gray")


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3",
                             width="100%"), width="100%")


def _checkbox_grid(*children) -> rx.Component:
    return rx.grid(*children, columns=rx.breakpoints(initial="2", sm="3"), spacing="2",
                   width="100%")


def _specialties() -> rx.Component:
    return _section(
        "Specialties",
        _label("Main specialty", "specialty_id"),
        rx.el.select(
            rx.el.option("Choose your main specialty", value=""),
            rx.foreach(S.specialty_options, lambda o: rx.el.option(o[1], value=o[0])),
            id="specialty_id", name="specialty_id", default_value=S.specialty_id,
            style=_SELECT_STYLE),
        rx.text("Other specialties you practise (up to 5)", size="2", weight="medium"),
        _hint("No need to tick your main specialty here."),
        _checkbox_grid(rx.foreach(S.specialty_options, lambda o: rx.checkbox(
            o[1], name="other_specialty_ids", value=o[0],
            default_checked=S.other_ids.contains(o[0])))),
    )


def _credentials() -> rx.Component:
    return _section(
        "Credentials",
        field("Qualifications", "qualifications", required=False,
              default_value=S.qualifications, hint="For example: MBBS, MD (Cardiology)."),
        field("Licence (registration) number", "licence_number", required=False,
              default_value=S.licence_number,
              hint="As printed on your licence or medical council registration."),
        field("Years of experience", "years_experience", type_="number", required=False,
              default_value=S.years),
    )


def _mode_row(mode: str) -> rx.Component:
    label = MODE_LABELS[mode]
    return rx.hstack(
        rx.box(rx.checkbox(label, name="modes", value=mode,
                           default_checked=S.modes.contains(mode)), min_width="6rem",
               padding_top="2.2rem"),
        rx.box(field(f"{label} fee", f"fee_{mode}", required=False,
                     default_value=S.fees[mode]), flex="1", max_width="12rem"),
        align="start", spacing="4", width="100%",
    )


def _consultations() -> rx.Component:
    return _section(
        "Consultations",
        _hint("Tick each way you consult and give its fee per consultation; patients see "
              "your lowest fee first."),
        *[_mode_row(m) for m in MODE_LABELS],
        _label("Currency", "currency"),
        rx.el.select(*[rx.el.option(c, value=c) for c in CURRENCIES], id="currency",
                     name="currency", default_value=S.currency, style=_SELECT_STYLE),
        field("Time zone", "timezone", default_value=S.timezone,
              hint="Your working hours are set in this IANA zone, e.g. Europe/London."),
        rx.text("Languages you consult in", size="2", weight="medium"),
        _checkbox_grid(*[rx.checkbox(name, name="languages", value=code,
                                     default_checked=S.languages.contains(code))
                         for code, name in LANGUAGE_NAMES]),
    )


def _textarea(label: str, name: str, value, hint: str, rows: str) -> rx.Component:
    return rx.vstack(
        _label(label, name),
        rx.text_area(id=name, name=name, default_value=value, rows=rows, width="100%"),
        _hint(hint), spacing="1", width="100%",
    )


def _about() -> rx.Component:
    return _section(
        "About you",
        _textarea("Bio", "bio", S.bio, f"At least {MIN_BIO} characters. Patients read this "
                  "on your card.", "5"),
        _textarea("Conditions treated", "conditions_treated", S.conditions,
                  "Separate with commas, e.g. acne, eczema, psoriasis. Patients can search "
                  "for these.", "3"),
    )


def _buttons() -> rx.Component:
    draft_like = (S.status == "draft") | (S.status == "rejected")
    return rx.vstack(
        error_callout(S.error),
        rx.cond(
            draft_like,
            rx.hstack(
                rx.button("Save draft", type="submit", variant="soft", size="3",
                          on_click=S.set_intent("save")),
                rx.button("Save and submit for verification", type="submit", size="3",
                          on_click=S.set_intent("submit")),
                spacing="3", wrap="wrap"),
            rx.button("Save changes", type="submit", size="3",
                      on_click=S.set_intent("save")),
        ),
        spacing="3", width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(_specialties(), _credentials(), _consultations(), _about(), _buttons(),
                  spacing="4", width="100%"),
        on_submit=S.save, reset_on_submit=False, key=S.form_key, width="100%",
    )


def _upload(upload_id: str, label, accept: dict, handler) -> rx.Component:
    return rx.upload.root(
        rx.button(label, variant="soft", size="2", type="button"),
        id=upload_id, accept=accept, max_files=1, multiple=False,
        on_drop=handler(rx.upload_files(upload_id=upload_id)),
    )


def _files() -> rx.Component:
    licence = rx.card(rx.vstack(
        rx.heading("Licence document", size="4", as_="h2"),
        _hint("A scan or PDF of your licence or registration certificate: PDF, PNG or JPEG, "
              "up to 10 MB. It is stored encrypted and only clinic administrators can open "
              "it."),
        rx.cond(S.licence_name != "",
                rx.hstack(rx.icon("file-check", size=18, color=rx.color("green", 10)),
                          rx.text("Uploaded: ", rx.text.strong(S.licence_name), size="2"),
                          align="center", id="licence-current"),
                rx.text("No document uploaded yet.", size="2", color_scheme="amber")),
        _upload("licence-upload", rx.cond(S.licence_name != "", "Replace document",
                                          "Upload licence"),
                {"application/pdf": [".pdf"], "image/png": [".png"],
                 "image/jpeg": [".jpg", ".jpeg"]}, S.upload_licence),
        spacing="3", width="100%"), width="100%")
    photo = rx.card(rx.vstack(
        rx.heading("Photo", size="4", as_="h2"),
        rx.hstack(
            rx.avatar(src=S.photo, fallback="?", size="6", radius="full", alt="Your photo"),
            rx.vstack(_upload("photo-upload", "Choose photo",
                              {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"],
                               "image/webp": [".webp"]}, S.upload_photo),
                      _hint("Optional. JPEG, PNG or WebP, up to 5 MB; shown to patients."),
                      spacing="2"),
            align="center", spacing="4"),
        spacing="3", width="100%"), width="100%")
    return rx.grid(licence, photo, columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                   width="100%")


def doctor_profile() -> rx.Component:
    return page(
        rx.heading("My doctor profile", size="7", as_="h1", margin_bottom="1rem"),
        rx.cond(
            ~S.loaded,
            rx.text("Loading your profile…", color_scheme="gray"),
            rx.cond(
                S.denied != "",
                rx.callout(S.denied, icon="info", width="100%"),
                rx.vstack(_status_banner(), _missing(), _files(), _form(), spacing="4",
                          width="100%"),
            ),
        ),
        max_width="52rem",
    )
