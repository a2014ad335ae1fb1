"""/medical-profile (the patient edits it) and /medical-profile/access (who read it)."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.services.medical_profile import BloodGroup, Severity
from odcp.state.medical_profile import MedicalProfileState as S

SEX = [("", "Not given"), ("female", "Female"), ("male", "Male"), ("intersex", "Intersex"),
       ("undisclosed", "Prefer not to say")]
BLOOD = [("", "Not known")] + [(b.value, b.value) for b in BloodGroup]
SEVERITY = [("", "Choose…")] + [(s.value, s.value.replace("-", " ").capitalize())
                                 for s in Severity]
_SELECT_STYLE = {"height": "var(--space-7)", "padding": "0 0.6rem", "width": "100%",
                 "border_radius": "var(--radius-2)", "border": "1px solid var(--gray-a7)",
                 "background_color": "var(--color-surface)", "color": "var(--gray-12)",
                 "font_size": "var(--font-size-3)"}


def _control(kind: str, id_, value, on_change, options=(), placeholder: str = ""):
    if kind == "select":
        return rx.el.select(*[rx.el.option(label, value=v) for v, label in options],
                            id=id_, value=value, on_change=on_change, style=_SELECT_STYLE)
    if kind == "textarea":
        return rx.text_area(id=id_, value=value, on_change=on_change, rows="4", size="3",
                            width="100%", placeholder=placeholder)
    return rx.input(id=id_, value=value, on_change=on_change, size="3", width="100%",
                    type="text" if kind == "year" else kind, placeholder=placeholder,
                    input_mode="numeric" if kind == "year" else None)


def _field(label: str, name: str, kind: str = "text", options=(), hint: str = "",
           placeholder: str = "", min_width: str = "12rem") -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        _control(kind, name, getattr(S, name), lambda v: S.set_field(name, v), options,
                 placeholder),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1", flex="1", min_width=min_width, width="100%")


def _section(title: str, keys: str, *children, intro: str = "") -> rx.Component:
    """A card that also shows the save error when it is about one of `keys` (space-separated
    top-level profile fields), so the message sits next to what needs fixing."""
    mine = S.error_section != ""
    mine &= rx.Var.create(keys.split()).contains(S.error_section)
    return rx.card(rx.vstack(
        rx.heading(title, size="4", as_="h2"),
        rx.cond(intro != "", rx.text(intro, size="2", color_scheme="gray")),
        rx.cond(mine, error_callout(S.error)),
        *children, spacing="3", width="100%"), width="100%")


# (key, label, control kind, options, placeholder) for each repeatable row
ROW_FIELDS = {
    "allergies": [("substance", "Substance", "text", (), "e.g. penicillin"),
                  ("reaction", "Reaction", "text", (), "e.g. hives"),
                  ("severity", "Severity", "select", SEVERITY, "")],
    "medications": [("name", "Medicine", "text", (), "e.g. metformin"),
                    ("dose", "Dose", "text", (), "e.g. 500 mg"),
                    ("frequency", "How often", "text", (), "e.g. twice a day")],
    "surgeries": [("procedure", "Operation", "text", (), "e.g. appendix removed"),
                  ("year", "Year", "year", (), "e.g. 2015")],
}


def _rows(kind: str, singular: str, add_label: str) -> rx.Component:
    def row(item, i):
        def one(key, label, ctl, options, placeholder):
            id_ = f"{kind}-" + i.to_string() + f"-{key}"
            return rx.vstack(
                rx.el.label(rx.text(label, size="2", weight="medium"), html_for=id_),
                _control(ctl, id_, item[key],
                         lambda v: S.set_row(kind, i, key, v), options, placeholder),
                spacing="1", flex="1", min_width="9rem" if ctl == "text" else "7rem")

        return rx.el.fieldset(
            rx.el.legend(rx.text(singular, " ", i + 1, size="2", weight="bold"),
                         style={"padding": "0 0.25rem"}),
            rx.flex(*[one(*f) for f in ROW_FIELDS[kind]],
                    rx.button(rx.icon("trash-2", size=16), "Remove", variant="soft",
                              color_scheme="red", size="3", type="button",
                              aria_label=f"Remove {singular.lower()} " + (i + 1).to_string(),
                              on_click=S.remove_row(kind, i)),
                    wrap="wrap", spacing="3", align="end", width="100%"),
            style={"border": "1px solid var(--gray-a6)", "border_radius": "var(--radius-3)",
                   "padding": "0.75rem", "width": "100%", "min_width": "0"})

    return rx.vstack(
        rx.foreach(getattr(S, kind), row),
        rx.cond(getattr(S, kind).length() == 0,
                rx.text(f"None recorded. Use “{add_label}” to list one.", size="2",
                        color_scheme="gray")),
        rx.button(rx.icon("plus", size=16), add_label, variant="outline", size="2",
                  type="button", on_click=S.add_row(kind)),
        spacing="3", width="100%")


def _save_bar() -> rx.Component:
    return rx.box(rx.vstack(
        rx.cond(S.error != "", error_callout("Not saved. " + S.error)),
        rx.hstack(rx.button("Save medical profile", size="3", type="submit"),
                  rx.cond(S.dirty, rx.text("You have unsaved changes.", size="2",
                                           color_scheme="amber")),
                  align="center", spacing="3", wrap="wrap"),
        spacing="2", width="100%"),
        position="sticky", bottom="0", padding_y="0.75rem", width="100%", z_index="5",
        background_color=rx.color("gray", 1), border_top=f"1px solid {rx.color('gray', 5)}")


def _form() -> rx.Component:
    return rx.form(rx.vstack(
        _section("About you", "date_of_birth sex blood_group", rx.flex(
            _field("Date of birth", "dob", "date", min_width="12rem"),
            _field("Sex", "sex", "select", SEX, min_width="10rem"),
            _field("Blood group", "blood_group", "select", BLOOD, min_width="10rem"),
            wrap="wrap", spacing="3", width="100%")),
        _section("Allergies", "allergies", _rows("allergies", "Allergy", "Add allergy"),
                 intro="Medicines, foods or anything else you react to."),
        _section("Long-term conditions", "chronic_conditions",
                 _field("Chronic conditions", "conditions", "textarea",
                        hint="One per line, e.g. asthma.", placeholder="e.g. asthma")),
        _section("Current medications", "medications",
                 _rows("medications", "Medication", "Add medication")),
        _section("Past operations", "surgeries", _rows("surgeries", "Operation", "Add operation")),
        _section("Lifestyle", "lifestyle", rx.flex(
            _field("Smoking", "smoking", placeholder="e.g. never, or 5 a day"),
            _field("Alcohol", "alcohol", placeholder="e.g. 2 glasses of wine a week"),
            _field("Exercise", "exercise", placeholder="e.g. walk 30 minutes daily"),
            _field("Diet", "diet", placeholder="e.g. vegetarian"),
            wrap="wrap", spacing="3", width="100%")),
        _section("Family history", "family_history",
                 _field("Illnesses in your close family", "family_history", "textarea",
                        placeholder="e.g. father: heart disease at 60")),
        _section("Emergency contact", "emergency_contact", rx.flex(
            _field("Contact name", "ec_name"),
            _field("Relation to you", "ec_relation", placeholder="e.g. partner"),
            _field("Contact phone", "ec_phone", "tel", hint="International form, e.g. "
                   "+44 20 7946 0958."),
            wrap="wrap", spacing="3", width="100%")),
        _save_bar(), spacing="4", width="100%"),
        on_submit=S.save, reset_on_submit=False)


def _not_a_patient() -> rx.Component:
    return rx.cond(S.error != "", rx.callout(S.error, icon="info", width="100%"))


def medical_profile() -> rx.Component:
    return page(
        rx.heading("Your medical profile", size="7", as_="h1"),
        rx.text("Only you and doctors you have an appointment with can read this. ",
                rx.link("See who has viewed it", href="/medical-profile/access"), ".",
                size="2", color_scheme="gray", margin_y="1rem", as_="p"),
        rx.cond(S.is_patient, _form(), _not_a_patient()),
        max_width="52rem")


def _access_row(a: dict) -> rx.Component:
    return rx.table.row(rx.table.cell(a["when"]), rx.table.cell(a["who"]),
                        rx.table.cell(a["role"]))


def record_access() -> rx.Component:
    return page(
        rx.heading("Who viewed your medical profile", size="7", as_="h1"),
        rx.text("Every time someone other than you opens your medical profile it is listed "
                "here, newest first, in your time zone. Only doctors you have an appointment "
                "with are allowed to.", size="2", color_scheme="gray", margin_y="1rem",
                as_="p"),
        rx.cond(~S.is_patient, _not_a_patient(), rx.cond(
            S.access.length() == 0,
            rx.callout("No one but you has opened your medical profile yet.", icon="shield",
                       width="100%"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("When"),
                                             rx.table.column_header_cell("Who"),
                                             rx.table.column_header_cell("Role"))),
                rx.table.body(rx.foreach(S.access, _access_row)), width="100%"),
                overflow_x="auto", width="100%"))),
        rx.link("Back to your medical profile", href="/medical-profile", size="2",
                margin_top="1.5rem", display="inline-block"),
        max_width="52rem")
