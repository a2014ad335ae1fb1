"""/doctors : verified doctors, filterable by specialty (the URL keeps the filter)."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.state.directory import DirectoryState


def _doctor_card(d: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.avatar(fallback=d["initials"], size="4", radius="full"),
                      rx.vstack(rx.heading(d["name"], size="4", as_="h3"),
                                rx.badge(d["specialty"], color_scheme="teal"), spacing="1"),
                      spacing="3", align="center"),
            rx.text(d["bio"], size="2", color_scheme="gray"),
            rx.data_list.root(
                rx.data_list.item(rx.data_list.label("Fee"), rx.data_list.value(d["fee"])),
                rx.data_list.item(rx.data_list.label("Languages"),
                                  rx.data_list.value(d["languages"])),
                rx.data_list.item(rx.data_list.label("Consults by"),
                                  rx.data_list.value(d["modes"])),
                rx.data_list.item(rx.data_list.label("Experience"),
                                  rx.data_list.value(d["experience"])),
                size="1",
            ),
            spacing="3",
        ),
        class_name="doctor-card",
    )


def _specialty_picker() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="All specialties", aria_label="Specialty"),
        rx.select.content(
            rx.select.item("All specialties", value="all"),
            rx.foreach(DirectoryState.specialties,
                       lambda s: rx.select.item(s["name"], value=s["slug"])),
        ),
        value=rx.cond(DirectoryState.specialty == "", "all", DirectoryState.specialty),
        on_change=DirectoryState.choose_specialty,
    )


def doctors() -> rx.Component:
    return page(
        rx.hstack(rx.heading("Find a doctor", size="7", as_="h1"), rx.spacer(),
                  _specialty_picker(), align="center", wrap="wrap", spacing="3",
                  margin_bottom="1.5rem"),
        rx.cond(
            DirectoryState.loaded & (DirectoryState.doctors.length() == 0),
            rx.callout("No verified doctors in this specialty yet.", icon="info"),
        ),
        rx.grid(rx.foreach(DirectoryState.doctors, _doctor_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4",
                width="100%"),
    )
