"""/doctors/[doctor_id] : a listed doctor's public profile, or a clear 'not found'.

Next to the Book button: when the doctor is next free, in the viewer's zone."""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.pages.doctors import next_available
from odcp.state.directory import DoctorPageState
from odcp.state.search import SearchState

D = DoctorPageState.doctor


def _back() -> rx.Component:
    return rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text("Back to results"),
                             align="center", spacing="1"),
                   href=SearchState.results_url, size="2")


def _fact(label: str, value) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label, min_width="9rem"),
                             rx.data_list.value(value))


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3",
                             width="100%"), width="100%")


def _rating() -> rx.Component:
    return rx.hstack(
        rx.icon("star", size=18, color=rx.cond(D["rating"] != "", rx.color("amber", 9),
                                               rx.color("gray", 8))),
        rx.cond(D["rating"] != "", rx.text(D["rating"], weight="bold")),
        rx.text(D["reviews"], color_scheme="gray"),
        spacing="1", align="center",
    )


def _header() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=D["initials"], size=rx.breakpoints(initial="5", sm="7"),
                  radius="full"),
        rx.vstack(
            rx.heading(D["name"], size="7", as_="h1"),
            rx.hstack(rx.badge(D["specialty"], color_scheme="teal", size="2"),
                      rx.badge(rx.icon("badge-check", size=14), "Verified by the clinic",
                               color_scheme="green", variant="soft", size="2"),
                      spacing="2", wrap="wrap"),
            _rating(),
            spacing="2", align="start",
        ),
        spacing="4", align="center", wrap="wrap",
    )


def _fees() -> rx.Component:
    return _section(
        "Consultation fees",
        rx.data_list.root(
            rx.foreach(DoctorPageState.fees, lambda f: _fact(f["label"], f["fee"])),
        ),
        rx.text("Per consultation. ", D["name"], " works in the ", D["timezone"],
                " time zone.", size="2", color_scheme="gray"),
    )


def _profile() -> rx.Component:
    return rx.vstack(
        _back(),
        _header(),
        rx.grid(
            rx.vstack(
                rx.cond(D["bio"] != "", _section("About", rx.text(D["bio"]))),
                rx.cond(DoctorPageState.conditions.length() > 0, _section(
                    "Conditions treated",
                    rx.flex(rx.foreach(DoctorPageState.conditions,
                                       lambda c: rx.badge(c, variant="surface", size="2")),
                            wrap="wrap", spacing="2"),
                )),
                spacing="4", width="100%",
            ),
            rx.vstack(
                rx.card(rx.vstack(
                    next_available(D),
                    rx.link(rx.button("Book an appointment", size="3", width="100%"),
                            href=D["book_href"], width="100%"),
                    spacing="3", width="100%",
                ), width="100%"),
                _fees(),
                _section("Details", rx.data_list.root(
                    _fact("Experience", D["experience"]),
                    _fact("Languages", D["languages"]),
                    _fact("Qualifications", D["qualifications"]),
                    rx.cond(D["other_specialties"] != "",
                            _fact("Also practises", D["other_specialties"])),
                    _fact("Registration no.", D["registration"]),
                    orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                )),
                spacing="4", width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="3fr 2fr"), gap="1rem", width="100%",
        ),
        spacing="5", width="100%",
    )


def _not_found() -> rx.Component:
    return rx.center(rx.vstack(
        rx.heading("Doctor not found", size="7", as_="h1"),
        rx.text("We could not find that doctor. They may no longer be listed, or the link "
                "may be mistyped.", color_scheme="gray", align="center"),
        rx.link(rx.button("Find a doctor"), href="/doctors"),
        align="center", spacing="4", padding_y="4rem",
    ))


def doctor_public() -> rx.Component:
    return page(rx.cond(
        DoctorPageState.not_found, _not_found(),
        rx.cond(DoctorPageState.loaded, _profile(),
                rx.center(rx.vstack(rx.heading("Loading doctor…", size="5", as_="h1"),
                                    rx.spinner(size="3"), align="center"),
                          padding_y="4rem")),
    ))
