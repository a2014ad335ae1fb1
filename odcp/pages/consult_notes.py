"""/doctor/appointments/[appointment_id]/notes: SOAP notes that save as the doctor types,
a sign button, addenda once signed, and the prescriptions of the visit."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.components.visit_header import visit_header
from odcp.pages.prescription_form import issued_prescriptions, prescription_form
from odcp.state.consult_notes import ConsultNotesState as N

SECTIONS = (("subjective", "Subjective", "What the patient reports: complaints, history."),
            ("objective", "Objective", "What you observe or measure: signs, results."),
            ("assessment", "Assessment", "Your diagnosis or differential."),
            ("plan", "Plan", "Treatment, advice, follow-up."))


def _editor_section(name: str, label: str, hint: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, weight="bold"), html_for=f"soap-{name}"),
        rx.text(hint, size="1", color_scheme="gray"),
        rx.text_area(id=f"soap-{name}", value=getattr(N, name), rows="4", width="100%",
                     resize="vertical", debounce_timeout=700,
                     on_change=lambda value: N.edit(name, value)),
        spacing="1", width="100%")


def _signed_section(name: str, label: str, _hint: str) -> rx.Component:
    return rx.vstack(rx.text(label, weight="bold"),
                     rx.text(rx.cond(getattr(N, name) != "", getattr(N, name), "—"),
                             white_space="pre-wrap", size="2"),
                     spacing="1", width="100%", class_name=f"soap-{name}")


def _save_indicator() -> rx.Component:
    return rx.hstack(
        rx.text(N.save_status, size="2", role="status", class_name="save-status",
                color_scheme=rx.cond(N.save_failed, "red", "gray"),
                custom_attrs={"data-version": N.version}),
        rx.cond(N.save_failed, rx.button("Reload", size="1", variant="soft",
                                         on_click=N.load)),
        align="center", spacing="2", min_height="1.5rem")


def _sign_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(rx.icon("pen-line", size=16), "Sign notes")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Sign and lock these notes?"),
            rx.alert_dialog.description(
                "After signing, the notes cannot be changed; you can add dated addenda."),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Not yet", variant="soft")),
                      rx.alert_dialog.action(rx.button("Sign", on_click=N.sign)),
                      spacing="3", justify="end", margin_top="1rem")))


def _editor() -> rx.Component:
    return rx.vstack(
        *[_editor_section(*s) for s in SECTIONS],
        rx.hstack(_save_indicator(), rx.spacer(), _sign_dialog(), width="100%",
                  align="center", wrap="wrap"),
        rx.text("Notes are also signed when you complete the consultation.", size="1",
                color_scheme="gray"),
        spacing="3", width="100%")


def _addendum(a: dict) -> rx.Component:
    return rx.box(rx.text(a["when"], " · ", a["author"], size="1", color_scheme="gray"),
                  rx.text(a["text"], white_space="pre-wrap", size="2"),
                  class_name="addendum", padding_left="0.75rem",
                  border_left=f"3px solid {rx.color('teal', 8)}")


def _signed() -> rx.Component:
    return rx.vstack(
        rx.callout(N.signed_line, icon="lock", color_scheme="teal", width="100%"),
        *[_signed_section(*s) for s in SECTIONS],
        rx.heading("Addenda", size="3", as_="h3"),
        rx.cond(N.addenda.length() == 0, rx.text("None.", size="2", color_scheme="gray")),
        rx.foreach(N.addenda, _addendum),
        rx.form(rx.vstack(
            rx.el.label(rx.text("New addendum", size="2", weight="medium"),
                        html_for="addendum-text"),
            rx.text_area(id="addendum-text", name="text", required=True, width="100%"),
            rx.button("Add addendum", type="submit"), spacing="2", width="100%"),
            on_submit=N.add_addendum, reset_on_submit=True, width="100%"),
        spacing="3", width="100%")


def consult_notes() -> rx.Component:
    return page(rx.vstack(
        *visit_header("Consultation notes", "Agenda", "/doctor/agenda", N.visit, N.error),
        rx.cond(N.visit != "", rx.fragment(
            rx.card(rx.cond(N.signed, _signed(), _editor()), width="100%"),
            prescription_form(),
            issued_prescriptions())),
        spacing="4", width="100%", max_width="52rem"))
