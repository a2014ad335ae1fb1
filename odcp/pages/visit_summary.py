"""/appointments/[appointment_id]/summary: the doctor's signed notes and the visit's
prescriptions, for the patient."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.components.prescriptions import prescription_card
from odcp.components.visit_header import visit_header
from odcp.state.visit_summary import VisitSummaryState as V


def _section(section: dict) -> rx.Component:
    return rx.vstack(rx.text(section["label"], weight="bold"),
                     rx.text(section["text"], white_space="pre-wrap", size="2"),
                     spacing="1", width="100%", class_name="visit-note-section")


def _addendum(a: dict) -> rx.Component:
    return rx.box(rx.text("Added ", a["when"], " by ", a["author"], size="1",
                          color_scheme="gray"),
                  rx.text(a["text"], white_space="pre-wrap", size="2"),
                  padding_left="0.75rem", border_left=f"3px solid {rx.color('teal', 8)}")


def _notes() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Consultation notes", size="4", as_="h2"),
        rx.cond(V.notes_message != "",
                rx.text(V.notes_message, size="2", color_scheme="gray"),
                rx.fragment(
                    rx.text(V.signed_line, size="1", color_scheme="gray"),
                    rx.foreach(V.sections, _section),
                    rx.foreach(V.addenda, _addendum))),
        spacing="3", width="100%"), width="100%")


def visit_summary() -> rx.Component:
    return page(rx.vstack(
        *visit_header("Visit summary", "Appointments", "/appointments", V.visit, V.error),
        rx.cond(V.visit != "", rx.fragment(
            _notes(),
            rx.heading("Prescriptions", size="4", as_="h2"),
            rx.cond(V.cards.length() == 0,
                    rx.text("No prescriptions from this visit.", size="2",
                            color_scheme="gray")),
            rx.foreach(V.cards, lambda card: prescription_card(card, V.download_pdf)))),
        spacing="4", width="100%", max_width="48rem"))
