"""/doctor/patients/[patient_id]: the treating doctor's view of a patient's record."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.components.records import document_card, timeline_section
from odcp.state.patient_record import PatientRecordState as S


def _documents() -> rx.Component:
    return rx.vstack(
        rx.heading("Documents from the patient", size="4", as_="h2"),
        rx.cond(S.documents.length() == 0,
                rx.text("The patient has not added any documents.", color_scheme="gray"),
                rx.vstack(rx.foreach(S.documents, lambda d: document_card(
                    d, rx.button(rx.icon("download", size=14), "Open", size="2",
                                 on_click=S.open_document(d["id"])))),
                    spacing="3", width="100%")),
        spacing="3", width="100%")


def _summary_line(line: dict) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(line["topic"], min_width="11rem"),
        rx.data_list.value(rx.text(line["text"], weight=rx.cond(line["warn"] != "", "bold",
                                                                "regular"),
                                   color_scheme=rx.cond(line["warn"] != "", "red", "gray"),
                                   high_contrast=True)))


def _health_summary() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Health summary", size="4", as_="h2"),
        rx.text("From the patient's own medical profile.", size="1", color_scheme="gray"),
        rx.data_list.root(rx.foreach(S.health_summary, _summary_line),
                          orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                          size="2", class_name="health-summary"),
        spacing="2", width="100%"), width="100%")


def _record() -> rx.Component:
    return rx.vstack(
        rx.flex(rx.heading(S.patient_name, "'s record", size="7", as_="h1"), rx.spacer(),
                rx.button(rx.icon("file-json", size=16), "Download record (FHIR)",
                          variant="soft", on_click=S.download_fhir),
                wrap="wrap", gap="3", align="center", width="100%"),
        rx.callout("The patient can see each time you open their record or a document.",
                   icon="eye", size="1", width="100%"),
        _health_summary(),
        _documents(),
        rx.heading("Medical history", size="4", as_="h2", margin_top="0.5rem"),
        timeline_section(S.entries, S.entry_filter, S.set_entry_filter,
                         "Nothing in this patient's history yet.", S.zone),
        spacing="4", width="100%")


def patient_record() -> rx.Component:
    return page(rx.vstack(
        rx.cond(S.error != "", rx.vstack(
            rx.heading("Patient record", size="7", as_="h1"),
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert",
                       width="100%"), spacing="3", width="100%"),
            rx.cond(S.loaded, _record(), rx.hstack(rx.spinner(), rx.text("Loading…")))),
        rx.link("Back to your agenda", href="/doctor/agenda", size="2", margin_top="1rem"),
        width="100%"), max_width="52rem")
