"""The doctor's prescription form (any number of medication lines) and the appointment's
prescriptions with PDF and cancel, shown on the consultation notes page."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.prescriptions import prescription_card
from odcp.state.prescription_editor import PrescriptionEditorState as P

# field, label, placeholder
_TEXT_FIELDS = (("name", "Medicine", "e.g. Amoxicillin"),
                ("strength", "Strength", "e.g. 500 mg"),
                ("frequency", "Frequency", "e.g. three times daily"),
                ("duration", "Duration", "e.g. 7 days, 2 weeks"),
                ("quantity", "Quantity", "e.g. 21 capsules"))


def _labelled(label: str, control_id, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(rx.text(label, size="2", weight="medium"),
                                 html_for=control_id),
                     control, spacing="1", width="100%")


def _text_field(line: dict, index, name: str, label: str, hint: str) -> rx.Component:
    control_id = "med-" + (index + 1).to_string() + "-" + name
    return _labelled(label, control_id, rx.input(
        id=control_id, value=line[name], placeholder=hint, width="100%",
        on_change=lambda value: P.set_line(index, name, value), debounce_timeout=250))


def _route(line: dict, index) -> rx.Component:
    control_id = "med-" + (index + 1).to_string() + "-route"
    return _labelled("Route", control_id, rx.select.root(
        rx.select.trigger(id=control_id, width="100%"),
        rx.select.content(rx.foreach(P.routes, lambda r: rx.select.item(r, value=r))),
        value=line["route"], on_change=lambda value: P.set_line(index, "route", value)))


def _line(line: dict, index) -> rx.Component:
    return rx.box(rx.vstack(
        rx.hstack(rx.text("Medication ", index + 1, weight="bold"), rx.spacer(),
                  rx.cond(P.lines.length() > 1,
                          rx.button("Remove", size="1", variant="ghost", color_scheme="red",
                                    type="button", on_click=P.remove_line(index))),
                  width="100%", align="center"),
        rx.grid(
            *[_text_field(line, index, *spec) for spec in _TEXT_FIELDS[:2]],
            _route(line, index),
            *[_text_field(line, index, *spec) for spec in _TEXT_FIELDS[2:]],
            columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%"),
        _text_field(line, index, "instructions", "Instructions for this medicine (optional)",
                    "e.g. take with food"),
        spacing="2", width="100%"),
        class_name="medication-line", width="100%", padding="0.75rem",
        border=f"1px solid {rx.color('gray', 6)}", border_radius="var(--radius-3)")


def prescription_form() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("New prescription", size="4", as_="h2"),
        rx.foreach(P.lines, _line),
        rx.button(rx.icon("plus", size=14), "Add another medication", variant="soft",
                  size="2", type="button", on_click=P.add_line),
        _labelled("General instructions (optional)", "rx-instructions", rx.text_area(
            id="rx-instructions", value=P.instructions, on_change=P.set_instructions,
            debounce_timeout=250, width="100%")),
        rx.hstack(_labelled("Valid until (optional)", "rx-valid-until", rx.input(
            id="rx-valid-until", type="date", value=P.valid_until,
            on_change=P.set_valid_until)),
            rx.text("Left empty: until the longest course ends.", size="1",
                    color_scheme="gray"), align="end", wrap="wrap", spacing="3"),
        error_callout(P.form_error),
        rx.button("Issue prescription", size="3", on_click=P.issue),
        spacing="3", width="100%"), width="100%")


def _cancel_dialog(card: dict) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Cancel prescription", size="2", variant="soft",
                                    color_scheme="red")),
        rx.dialog.content(
            rx.dialog.title("Cancel this prescription"),
            rx.dialog.description("Pharmacies checking its code will see it is cancelled.",
                                  size="2"),
            rx.form(rx.vstack(
                rx.el.input(type="hidden", name="prescription_id", value=card["id"]),
                rx.el.label(rx.text("Reason the patient will see", size="2"),
                            html_for="rx-cancel-" + card["id"]),
                rx.text_area(id="rx-cancel-" + card["id"], name="reason", required=True,
                             width="100%"),
                rx.hstack(rx.dialog.close(rx.button("Keep it", variant="soft", type="button")),
                          rx.dialog.close(rx.button("Cancel prescription", color_scheme="red",
                                                    type="submit")), justify="end"),
                spacing="3"), on_submit=P.cancel, reset_on_submit=True)),
    )


def issued_prescriptions() -> rx.Component:
    return rx.vstack(
        rx.heading("Prescriptions for this visit", size="4", as_="h2"),
        rx.cond(P.issued.length() == 0,
                rx.text("None yet.", color_scheme="gray", size="2")),
        rx.foreach(P.issued, lambda card: prescription_card(
            card, P.download_pdf,
            rx.cond(card["status"] != "cancelled", _cancel_dialog(card)))),
        spacing="3", width="100%")
