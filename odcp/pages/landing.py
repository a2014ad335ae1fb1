"""/ : what the clinic offers, the doctors free soonest, and the way to a doctor."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.pages.doctors import doctor_card
from odcp.state.directory import DirectoryState

FEATURES = [
    ("video", "Video, audio or chat", "Meet your doctor the way that suits you, from home."),
    ("badge-check", "Verified doctors", "Every doctor's licence is checked by the clinic."),
    ("calendar-clock", "Book in your time zone", "See open times in your own local time."),
    ("shield-check", "Private by design", "Your records are encrypted and every access logged."),
    ("file-text", "Prescriptions and notes", "Download prescriptions, notes and invoices."),
    ("bell", "Reminders", "Email and text reminders before each consultation."),
]


def _feature(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=28, color=rx.color("teal", 10)),
                  rx.heading(title, size="4", as_="h3"), rx.text(text, color_scheme="gray"),
                  spacing="2"),
        size="2",
    )


def _specialty(item: dict) -> rx.Component:
    return rx.link(
        rx.card(rx.vstack(rx.heading(item["name"], size="3", as_="h3"),
                          rx.text(item["description"], size="2", color_scheme="gray"),
                          spacing="1")),
        href="/doctors?specialty=" + item["slug"], underline="none",
    )


def landing() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("See a doctor online, today", size="8", as_="h1"),
            rx.text("Find a verified doctor by specialty and language, book a video, audio or "
                    "chat consultation in your own time zone, and keep your notes and "
                    "prescriptions in one place.", size="4", color_scheme="gray",
                    max_width="40rem"),
            rx.hstack(
                rx.link(rx.button("Find a doctor", size="4"), href="/doctors"),
                rx.link(rx.button("Create an account", size="4", variant="outline"),
                        href="/register"),
                spacing="3", wrap="wrap",
            ),
            spacing="5", padding_y="2rem",
        ),
        rx.grid(*[_feature(*f) for f in FEATURES],
                columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="4", width="100%"),
        rx.cond(DirectoryState.featured.length() > 0, rx.vstack(
            rx.hstack(
                rx.heading("Available soon", size="6", as_="h2"),
                rx.link("See all doctors", href="/doctors?sort=soonest", size="2"),
                justify="between", align="baseline", width="100%", wrap="wrap",
            ),
            rx.grid(rx.foreach(DirectoryState.featured, lambda d: doctor_card(d, heading="h3")),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="4",
                    width="100%"),
            spacing="3", width="100%", margin_top="3rem", id="featured-doctors",
        )),
        rx.heading("Specialties", size="6", as_="h2", margin_top="3rem", margin_bottom="1rem"),
        rx.grid(rx.foreach(DirectoryState.specialties, _specialty),
                columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="4", width="100%"),
    )
