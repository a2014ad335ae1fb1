"""A prescription as a card (the doctor's consultation page and the patient's list): date,
status badge, the medications, instructions, why it was cancelled, and a PDF download."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx


def status_badge(card: dict) -> rx.Component:
    return rx.badge(card["status"], color_scheme=card["colour"], size="2",
                    class_name="prescription-status")


def prescription_card(card: dict, download: Callable[[str], rx.event.EventSpec],
                      *extra: rx.Component) -> rx.Component:
    """`card` as built by odcp.state.prescription_editor.card_of; `download(id)` the
    event that sends the PDF; `extra` more buttons (e.g. the doctor's Cancel)."""
    return rx.card(rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.text("Issued ", card["issued"], " by ", card["doctor"], weight="bold"),
                rx.text("Valid until ", card["valid_until"], size="2", color_scheme="gray"),
                spacing="0", flex="1", min_width="0"),
            status_badge(card), width="100%", align="start", spacing="3"),
        rx.text(card["medications"], size="2", white_space="pre-line",
                class_name="prescription-medications"),
        rx.cond(card["instructions"] != "",
                rx.text("Instructions: ", card["instructions"], size="2")),
        rx.cond(card["cancel_reason"] != "",
                rx.text("Cancelled: ", card["cancel_reason"], size="2", color_scheme="red")),
        rx.hstack(
            rx.button(rx.icon("download", size=14), "Download PDF", size="2", variant="soft",
                      on_click=download(card["id"])),
            *extra, spacing="2", wrap="wrap", align="center"),
        spacing="2", width="100%",
    ), class_name="prescription", width="100%")
