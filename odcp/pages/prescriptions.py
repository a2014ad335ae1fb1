"""/prescriptions: the patient's prescriptions with status and PDF; /verify/[reference]:
the public check a pharmacy reaches through the QR code (no sign-in, no medical data)."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.components.prescriptions import prescription_card
from odcp.state.prescriptions import PatientPrescriptionsState as S
from odcp.state.prescriptions import VerifyState as V


def prescriptions_page() -> rx.Component:
    return page(rx.vstack(
        rx.heading("Your prescriptions", size="7", as_="h1"),
        rx.text("Every prescription your doctors wrote for you. Show the PDF at a pharmacy; "
                "its code lets them check it is genuine.", size="2", color_scheme="gray"),
        error_callout(S.error),
        rx.cond(S.cards.length() == 0,
                rx.text("No prescriptions yet. When a doctor prescribes for you after a "
                        "consultation, it appears here with a PDF to show at a pharmacy.",
                        color_scheme="gray"),
                rx.vstack(rx.foreach(S.cards, lambda card: prescription_card(
                    card, S.download_pdf,
                    rx.link(rx.button("Visit summary", size="2", variant="outline"),
                            href="/appointments/" + card["appointment_id"] + "/summary"))),
                    spacing="3", width="100%")),
        spacing="4", width="100%", max_width="48rem"))


def _fact(fact: dict) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(fact["label"]),
                             rx.data_list.value(fact["value"]))


def _genuine() -> rx.Component:
    return rx.vstack(
        rx.callout("Genuine prescription", icon="badge-check", color_scheme="green",
                   size="3", width="100%", role="status"),
        rx.data_list.root(rx.foreach(V.facts, _fact), orientation=rx.breakpoints(
            initial="vertical", sm="horizontal")),
        spacing="4", width="100%")


def _not_genuine() -> rx.Component:
    return rx.callout(
        "Not genuine: this code does not match any prescription issued by the clinic. "
        "Do not dispense; contact the prescriber.", icon="octagon-x", color_scheme="red",
        size="3", width="100%", role="alert")


def verify_page() -> rx.Component:
    return page(rx.vstack(
        rx.heading("Prescription check", size="7", as_="h1"),
        rx.cond(V.checked, rx.cond(V.genuine, _genuine(), _not_genuine()),
                rx.hstack(rx.spinner(), rx.text("Checking…"), align="center")),
        rx.text("This page confirms who issued a prescription and whether it is still "
                "valid. It never shows medicines or who the patient is.", size="2",
                color_scheme="gray"),
        spacing="4", width="100%", max_width="40rem"))
