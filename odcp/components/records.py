"""Pieces shared by the patient's /records page and the doctor's view of a patient's
record: the history timeline with its filter, and a document card."""

from __future__ import annotations

import reflex as rx

from odcp.state.records import FILTERS

ICONS = rx.Var.create({"consultation": "video", "note": "notebook-pen",
                       "prescription": "pill", "document": "file-text"})
LABELS = rx.Var.create({"consultation": "Consultation", "note": "Notes",
                        "prescription": "Prescription", "document": "Document"})
COLOURS = rx.Var.create({"consultation": "blue", "note": "violet", "prescription": "green",
                         "document": "amber"})


def _patient_links(e: dict) -> rx.Component:
    """Where the patient reads the rest: the visit summary, the prescription PDFs."""
    return rx.fragment(
        rx.cond(e["kind"] == "note", rx.link("Read the visit summary", size="2",
                                             href="/appointments/" + e["appointment_id"]
                                             + "/summary")),
        rx.cond(e["kind"] == "prescription", rx.link("See your prescriptions", size="2",
                                                     href="/prescriptions")))


def _entry(e: dict, links: bool) -> rx.Component:
    return rx.hstack(
        rx.box(rx.icon(ICONS[e["kind"]].to(str), size=18), padding="0.45rem",
               border_radius="full", background_color=rx.color("gray", 3), flex_shrink="0"),
        rx.vstack(
            rx.hstack(rx.badge(LABELS[e["kind"]].to(str), color_scheme=COLOURS[e["kind"]]),
                      rx.text(e["at"], size="2", color_scheme="gray"),
                      rx.cond(e["status"] != "", rx.badge(e["status"], variant="outline")),
                      spacing="2", align="center", wrap="wrap"),
            rx.text(e["title"], weight="medium"),
            rx.cond(e["detail"] != "", rx.text(e["detail"], size="2", color_scheme="gray")),
            *([_patient_links(e)] if links else []),
            spacing="1", min_width="0", width="100%"),
        spacing="3", align="start", width="100%", class_name="timeline-entry",
        padding_y="0.6rem", border_bottom=f"1px solid {rx.color('gray', 4)}")


def timeline_section(entries, current, on_filter, empty: str, zone,
                     links: bool = False) -> rx.Component:
    """`entries`/`current`/`zone` are the state's vars, `on_filter` its set_entry_filter;
    `links` adds the patient's links to their visit summaries and prescriptions."""
    return rx.vstack(
        rx.el.label(rx.text("Show", size="2", weight="medium"), html_for="timeline-filter"),
        rx.select.root(
            rx.select.trigger(id="timeline-filter", aria_label="Show entries of kind"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in FILTERS]),
            value=current, on_change=on_filter),
        rx.cond(entries.length() == 0, rx.text(empty, color_scheme="gray"),
                rx.vstack(rx.foreach(entries, lambda e: _entry(e, links)), spacing="0",
                          width="100%")),
        rx.text("Times in ", zone, ".", size="1", color_scheme="gray"),
        spacing="2", width="100%")


def document_card(d: dict, *actions: rx.Component, seen: bool = False) -> rx.Component:
    """Title, kind, date, type and size, the buttons given, and (for the patient) who else
    has opened it."""
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("file-text", size=18),
                  rx.text(d["title"], weight="bold", class_name="document-title"),
                  rx.badge(d["kind"], color_scheme="amber"),
                  spacing="2", align="center", wrap="wrap"),
        rx.text("Report of ", d["report_date"], " · ", d["about"], " · ", d["file_name"],
                size="2", color_scheme="gray", word_break="break-word"),
        *([rx.cond(d["seen"] != "",
                   rx.text(rx.text.strong("Opened by "), d["seen"], size="2",
                           class_name="document-seen"),
                   rx.text("No one else has opened it.", size="2", color_scheme="gray"))]
          if seen else []),
        rx.hstack(*actions, spacing="2", wrap="wrap"),
        spacing="2", width="100%"), width="100%", class_name="document-card")
