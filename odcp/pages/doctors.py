"""/doctors : search listed doctors by text, narrow with filters, sort and page.

Results follow the search box as the patient types (debounced, over the websocket, no
page load). Each card says when the doctor is next free, in the viewer's zone. On phones
the filters fold behind a "Filters" button so the results stay in view; from tablet width
they sit in a side column.
"""

from __future__ import annotations

import reflex as rx

from odcp.components.layout import page
from odcp.services.accounts import LANGUAGES
from odcp.state.search import ALL, AVAILABLE, EXPERIENCE, MODES, RATINGS, SORTS, SearchState

LANGUAGE_CHOICES = {ALL: "Any language",
                    **dict(sorted(LANGUAGES.items(), key=lambda item: item[1]))}
WIDE = "48em"  # from here the filters are a side column


def _label(text: str, for_id: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="2", weight="medium"), html_for=for_id)


def _select(label: str, for_id: str, choices: dict[str, str], value, on_change,
            extra=None) -> rx.Component:
    items = [rx.select.item(name, value=key) for key, name in choices.items()]
    return rx.vstack(
        _label(label, for_id),
        rx.select.root(
            rx.select.trigger(id=for_id, width="100%"),
            rx.select.content(*items, extra) if extra is not None
            else rx.select.content(*items),
            value=value, on_change=on_change,
        ),
        spacing="1", width="100%",
    )


def _fee_input(label: str, for_id: str, value, on_change) -> rx.Component:
    return rx.vstack(
        _label(label, for_id),
        rx.input(id=for_id, type="number", min=0, step=1, input_mode="numeric",
                 placeholder="Any", value=value, on_change=on_change, width="100%"),
        spacing="1", width="100%",
    )


def _filters() -> rx.Component:
    specialty_items = rx.foreach(SearchState.specialties,
                                 lambda s: rx.select.item(s["name"], value=s["slug"]))
    return rx.vstack(
        _select("Specialty", "f-specialty", {ALL: "All specialties"}, SearchState.specialty,
                SearchState.choose_specialty, extra=specialty_items),
        _select("Language", "f-language", LANGUAGE_CHOICES, SearchState.language,
                SearchState.choose_language),
        _select("Available", "f-available", AVAILABLE, SearchState.available,
                SearchState.choose_available),
        _select("Consultation", "f-mode", MODES, SearchState.mode, SearchState.choose_mode),
        rx.vstack(
            rx.hstack(_fee_input("Fee from", "f-fee-min", SearchState.fee_min,
                                 SearchState.set_fee_min),
                      _fee_input("Fee up to", "f-fee-max", SearchState.fee_max,
                                 SearchState.set_fee_max),
                      spacing="2", width="100%"),
            rx.text("Per consultation, in whole amounts.", size="1", color_scheme="gray"),
            spacing="1", width="100%",
        ),
        _select("Experience", "f-experience", EXPERIENCE, SearchState.min_experience,
                SearchState.choose_experience),
        _select("Rating", "f-rating", RATINGS, SearchState.min_rating,
                SearchState.choose_rating),
        rx.cond(SearchState.filtering,
                rx.button("Clear search and filters", variant="soft", color_scheme="gray",
                          width="100%", on_click=SearchState.clear_filters)),
        spacing="3", width="100%", id="search-filters", aria_label="Filters",
        role="region",
        padding=rx.breakpoints(initial="1rem", md="0"),
        border=rx.breakpoints(initial=f"1px solid {rx.color('gray', 6)}", md="none"),
        border_radius="var(--radius-4)",
    )


def next_available(d: dict) -> rx.Component:
    """ "Next available: Tue 24 Nov, 09:00 EST", or that there is no free time."""
    free = d["has_next"] != ""
    return rx.hstack(
        rx.icon("calendar-clock", size=16,
                color=rx.cond(free, rx.color("teal", 10), rx.color("gray", 9))),
        rx.text(d["next"], size="2", weight=rx.cond(free, "medium", "regular"),
                color_scheme=rx.cond(free, "teal", "gray"), class_name="next-available"),
        spacing="1", align="center",
    )


def doctor_card(d: dict, *, heading: str = "h2") -> rx.Component:
    """One doctor's card (search results, the landing page's featured doctors)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.avatar(fallback=d["initials"], size="4", radius="full"),
                rx.vstack(
                    rx.link(rx.heading(d["name"], size="4", as_=heading), href=d["href"],
                            color_scheme="gray", high_contrast=True),
                    rx.badge(d["specialty"], color_scheme="teal"),
                    spacing="1", align="start",
                ),
                spacing="3", align="center",
            ),
            rx.hstack(
                rx.icon("star", size=16, color=rx.cond(d["rated"] != "", rx.color("amber", 9),
                                                       rx.color("gray", 8))),
                rx.text(d["rating"], size="2", color_scheme="gray"),
                spacing="1", align="center",
            ),
            next_available(d),
            rx.text(d["summary"], size="2", color_scheme="gray"),
            rx.data_list.root(
                rx.data_list.item(rx.data_list.label("Fee"), rx.data_list.value(d["fee"])),
                rx.data_list.item(rx.data_list.label("Consults by"),
                                  rx.data_list.value(d["modes"])),
                rx.data_list.item(rx.data_list.label("Languages"),
                                  rx.data_list.value(d["languages"])),
                rx.data_list.item(rx.data_list.label("Experience"),
                                  rx.data_list.value(d["experience"])),
                size="1",
            ),
            # a link styled as a button (not a button inside a link)
            rx.button(rx.link("View profile", href=d["href"], underline="none",
                              aria_label="View profile of " + d["name"]),
                      as_child=True, variant="soft", width="100%"),
            spacing="3", height="100%",
        ),
        class_name="doctor-card",
    )


def _search_bar() -> rx.Component:
    filters_label = rx.cond(SearchState.filter_count > 0,
                            "Filters (" + SearchState.filter_count.to_string() + ")",
                            "Filters")
    return rx.flex(
        rx.box(
            # value + on_change makes Reflex wrap the input in a DebounceInput (300 ms).
            rx.input(
                rx.input.slot(rx.icon("search", size=18)),
                placeholder="Name, specialty or condition",
                value=SearchState.text, on_change=SearchState.search_text,
                aria_label="Search doctors", type="search", size="3", width="100%",
                auto_complete="off",
            ),
            flex="1 1 16rem",
        ),
        rx.hstack(
            rx.button(rx.icon("sliders-horizontal", size=16), filters_label, variant="soft",
                      size="3", on_click=SearchState.toggle_filters,
                      aria_controls="search-filters", aria_expanded=SearchState.filters_open,
                      display=rx.breakpoints(initial="flex", md="none")),
            rx.select.root(
                rx.select.trigger(aria_label="Sort by"),
                rx.select.content(*[rx.select.item(name, value=key)
                                    for key, name in SORTS.items()]),
                value=SearchState.sort, on_change=SearchState.choose_sort, size="3",
            ),
            spacing="2", justify="between",
            width=rx.breakpoints(initial="100%", md="auto"),
        ),
        spacing="2", width="100%", wrap="wrap", align="center",
    )


def _pager() -> rx.Component:
    return rx.cond(
        SearchState.pages > 1,
        rx.hstack(
            rx.button(rx.icon("chevron-left", size=16), "Previous", variant="soft",
                      disabled=SearchState.page <= 1, on_click=SearchState.go_to_page(-1)),
            rx.text("Page ", SearchState.page, " of ", SearchState.pages, size="2",
                    color_scheme="gray"),
            rx.button("Next", rx.icon("chevron-right", size=16), variant="soft",
                      disabled=SearchState.page >= SearchState.pages,
                      on_click=SearchState.go_to_page(1)),
            justify="center", align="center", spacing="4", width="100%", margin_top="1rem",
        ),
    )


def _empty() -> rx.Component:
    return rx.card(rx.vstack(
        rx.icon("search-x", size=32, color=rx.color("gray", 9)),
        rx.heading("No doctors match your search", size="4", as_="h2"),
        rx.text("Try fewer words, check the spelling, or widen the filters.",
                color_scheme="gray", size="2"),
        rx.button("Clear search and filters", variant="soft",
                  on_click=SearchState.clear_filters),
        align="center", spacing="2", padding_y="1.5rem",
    ), width="100%")


def _results() -> rx.Component:
    return rx.vstack(
        rx.cond(SearchState.loaded, rx.hstack(
            rx.text(SearchState.found_label, size="2", weight="medium", color_scheme="gray",
                    role="status", id="results-count"),
            rx.text("Times in ", SearchState.viewer_zone, size="2", color_scheme="gray",
                    id="times-zone"),
            justify="between", width="100%", wrap="wrap", spacing="2",
        )),
        rx.cond(SearchState.notice != "",
                rx.callout(SearchState.notice, icon="info", width="100%")),
        rx.cond(SearchState.error != "",
                rx.callout(SearchState.error, icon="triangle-alert", color_scheme="red",
                           role="alert", width="100%")),
        rx.cond(SearchState.loaded & (SearchState.total == 0) & (SearchState.error == ""),
                rx.cond(SearchState.filtering, _empty(),
                        rx.callout("No doctors are listed yet. Please check back soon.",
                                   icon="info", width="100%"))),
        rx.grid(rx.foreach(SearchState.results, lambda d: doctor_card(d)),
                columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        _pager(),
        spacing="3", width="100%", min_width="0",
    )


def doctors() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Find a doctor", size="7", as_="h1"),
            rx.text("Search verified doctors by name, specialty or the condition you need "
                    "help with.", color_scheme="gray"),
            _search_bar(),
            spacing="3", width="100%", margin_bottom="1.5rem",
        ),
        rx.grid(
            # folded on phones until "Filters" is pressed; always shown from tablet width
            rx.box(_filters(), width="100%",
                   display=rx.breakpoints(
                       initial=rx.cond(SearchState.filters_open, "block", "none"), md="block")),
            _results(),
            columns=rx.breakpoints(initial="1fr", md="15rem 1fr"),
            gap="1.5rem", width="100%", align_items="start",
        ),
    )
