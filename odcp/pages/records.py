"""/records: the patient's documents (upload, open, rename, delete, who opened them), the
history timeline, who accessed the record, and the FHIR download."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.components.records import document_card, timeline_section
from odcp.services.patient_documents import MAX_BYTES
from odcp.state.records import KIND_OPTIONS, UPLOAD_ID
from odcp.state.records import RecordsState as S

ACCEPT = {"application/pdf": [".pdf"], "image/png": [".png"],
          "image/jpeg": [".jpg", ".jpeg"]}
_SELECT = {"height": "var(--space-7)", "padding": "0 0.6rem", "width": "100%",
           "border_radius": "var(--radius-2)", "border": "1px solid var(--gray-a7)",
           "background_color": "var(--color-surface)", "color": "var(--gray-12)",
           "font_size": "var(--font-size-3)"}


def _labelled(label: str, control: rx.Component, id_: str) -> rx.Component:
    return rx.vstack(rx.el.label(rx.text(label, size="2", weight="medium"), html_for=id_),
                     control, spacing="1", flex="1", min_width="12rem", width="100%")


def _upload_form() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.card(rx.vstack(
        rx.heading("Add a report", size="4", as_="h2"),
        rx.upload.root(
            rx.vstack(rx.icon("upload", size=22),
                      rx.text("Drop a file here or ", rx.text.strong("choose one"), size="2"),
                      rx.text("PDF, PNG or JPEG, up to 10 MB.", size="1", color_scheme="gray"),
                      align="center", spacing="1"),
            id=UPLOAD_ID, accept=ACCEPT, max_files=1, multiple=False, max_size=MAX_BYTES,
            border=f"1px dashed {rx.color('gray', 8)}", border_radius="var(--radius-3)",
            padding="1rem", width="100%", cursor="pointer"),
        rx.cond(chosen.length() > 0,
                rx.text("Chosen: ", rx.foreach(chosen, lambda f: rx.text.strong(f)), size="2",
                        id="record-chosen")),
        rx.flex(
            _labelled("Title", rx.input(id="record-title", value=S.title, size="3",
                                        placeholder="e.g. Blood test, March", width="100%",
                                        on_change=lambda v: S.set_form("title", v)),
                      "record-title"),
            _labelled("Kind", rx.el.select(*[rx.el.option(label, value=v)
                                             for v, label in KIND_OPTIONS],
                                           id="record-kind", value=S.kind, style=_SELECT,
                                           on_change=lambda v: S.set_form("kind", v)),
                      "record-kind"),
            _labelled("Date of the report", rx.input(
                id="record-date", type="date", value=S.report_date, size="3", width="100%",
                on_change=lambda v: S.set_form("report_date", v)), "record-date"),
            _labelled("From a consultation (optional)", rx.el.select(
                rx.el.option("None", value=""),
                rx.foreach(S.appointment_options, lambda o: rx.el.option(o[1], value=o[0])),
                id="record-appointment", value=S.appointment_id, style=_SELECT,
                on_change=lambda v: S.set_form("appointment_id", v)), "record-appointment"),
            wrap="wrap", spacing="3", width="100%"),
        error_callout(S.upload_error),
        rx.button(rx.icon("file-up", size=16), "Upload to my record", size="3",
                  id="record-upload-button",
                  on_click=S.upload(rx.upload_files(upload_id=UPLOAD_ID))),
        spacing="3", width="100%"), width="100%")


def _rename(d: dict) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Rename", size="2", variant="soft")),
        rx.dialog.content(
            rx.dialog.title("Rename document"),
            rx.form(rx.vstack(
                rx.el.input(type="hidden", name="document_id", value=d["id"]),
                rx.el.label(rx.text("New title", size="2"), html_for="rename-" + d["id"]),
                rx.input(id="rename-" + d["id"], name="title", default_value=d["title"],
                         required=True, width="100%"),
                rx.hstack(rx.dialog.close(rx.button("Keep", variant="soft", type="button")),
                          rx.dialog.close(rx.button("Save", type="submit")), justify="end"),
                spacing="3"), on_submit=S.rename)))


def _delete(d: dict) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Delete", size="2", variant="soft",
                                          color_scheme="red")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this document?"),
            rx.alert_dialog.description("“", d["title"], "” will be removed from your "
                                        "record for good."),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep", variant="soft")),
                      rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                       on_click=S.delete(d["id"]))),
                      justify="end", spacing="3", margin_top="1rem")))


def _documents() -> rx.Component:
    return rx.vstack(
        _upload_form(),
        rx.heading("Your documents", size="4", as_="h2", margin_top="0.5rem"),
        rx.cond(S.documents.length() == 0,
                rx.text("No documents yet. Reports you add appear here.", color_scheme="gray"),
                rx.vstack(rx.foreach(S.documents, lambda d: document_card(
                    d, rx.button(rx.icon("download", size=14), "Open", size="2",
                                 on_click=S.open_document(d["id"])),
                    _rename(d), _delete(d), seen=True)), spacing="3", width="100%")),
        spacing="3", width="100%")


def _access() -> rx.Component:
    row = lambda a: rx.table.row(rx.table.cell(a["when"]), rx.table.cell(a["who"]),  # noqa: E731
                                 rx.table.cell(a["role"]), rx.table.cell(a["what"]))
    return rx.vstack(
        rx.text("Every time someone other than you opens your record, a document in it or "
                "your medical profile, it is listed here, newest first, in your time zone.",
                size="2", color_scheme="gray"),
        rx.cond(S.access.length() == 0,
                rx.callout("No one but you has opened your record yet.", icon="shield",
                           width="100%"),
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("When", "Who", "Role", "What")])),
                    rx.table.body(rx.foreach(S.access, row)), width="100%"),
                    overflow_x="auto", width="100%")),
        spacing="3", width="100%")


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(rx.tabs.trigger("Documents", value="documents"),
                     rx.tabs.trigger("History", value="history"),
                     rx.tabs.trigger("Who accessed", value="access")),
        rx.tabs.content(_documents(), value="documents", padding_top="1rem"),
        rx.tabs.content(timeline_section(S.entries, S.entry_filter, S.set_entry_filter,
                                         "Nothing in your history yet.", S.zone, links=True),
                        value="history", padding_top="1rem"),
        rx.tabs.content(_access(), value="access", padding_top="1rem"),
        default_value="documents", width="100%")


def records() -> rx.Component:
    return page(rx.vstack(
        rx.flex(rx.heading("Your health record", size="7", as_="h1"), rx.spacer(),
                rx.cond(S.is_patient, rx.button(
                    rx.icon("file-json", size=16), "Download my record (FHIR)", variant="soft",
                    on_click=S.download_fhir, id="download-fhir",
                    title="Your whole record as one FHIR file, the standard format other "
                          "clinics and health apps can import.")),
                wrap="wrap", gap="3", align="center", width="100%"),
        rx.text("Your reports are encrypted. Only you and doctors you have an appointment "
                "with can open them, and every time someone else does, you see it here.",
                size="2", color_scheme="gray"),
        rx.cond(S.is_patient, _tabs(),
                rx.cond(S.error != "", rx.callout(S.error, icon="info", width="100%"))),
        spacing="4", width="100%"), max_width="52rem")
