"""/doctor/availability: weekly hours per weekday, date overrides, and the next open slots
patients can book, all in the doctor's zone (named on the page)."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.services.availability_rules import MAX_BUFFER, MAX_SLOT, MIN_SLOT
from odcp.services.doctor_profile_rules import MODE_LABELS
from odcp.state.availability import AvailabilityState as S
from odcp.state.availability import DayRows, PreviewDay, WindowRow


def _hint(*text) -> rx.Component:
    return rx.text(*text, size="1", color_scheme="gray")


def _labelled(label: str, control: rx.Component, html_for) -> rx.Component:
    return rx.vstack(rx.el.label(rx.text(label, size="1", weight="medium"), html_for=html_for),
                     control, spacing="1")


def _notice(message) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="circle-check", color_scheme="green",
                                             role="status", width="100%"))


def _time(row: WindowRow, name: str, label: str) -> rx.Component:
    html_id = f"{name}-" + row.key
    return _labelled(label, rx.input(
        id=html_id, type="time", value=getattr(row, name), width="8.5rem",
        on_change=lambda v: S.edit(row.key, name, v)), html_id)


def _minutes(row: WindowRow, name: str, label: str, low: int, high: int) -> rx.Component:
    html_id = f"{name}-" + row.key
    return _labelled(label, rx.input(
        id=html_id, type="number", min=low, max=high, value=getattr(row, name),
        width="5.5rem", on_change=lambda v: S.edit(row.key, name, v)), html_id)


def _mode_box(row: WindowRow, mode: str) -> rx.Component:
    return rx.cond(S.offered.contains(mode), rx.checkbox(
        MODE_LABELS[mode], checked=row.modes.contains(mode),
        on_change=lambda checked: S.toggle_mode(row.key, mode, checked)))


def _window(row: WindowRow) -> rx.Component:
    return rx.flex(
        _time(row, "start", "From"), _time(row, "end", "Until"),
        _minutes(row, "slot", "Slot (min)", MIN_SLOT, MAX_SLOT),
        _minutes(row, "buffer", "Break (min)", 0, MAX_BUFFER),
        rx.vstack(rx.text("Modes", size="1", weight="medium"),
                  rx.hstack(*[_mode_box(row, m) for m in MODE_LABELS], spacing="3",
                            height="2rem", align="center"), spacing="1"),
        rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red",
                       aria_label="Remove window " + row.start + " to " + row.end,
                       title="Remove this window",
                       on_click=S.remove_window(row.key), margin_top="1.4rem"),
        wrap="wrap", spacing="3", align="start", class_name="window", width="100%",
        padding_y="0.5rem", border_top=f"1px dashed {rx.color('gray', 5)}",
    )


def _day(day: DayRows) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.text(day.name, weight="bold", min_width="5.5rem"),
            rx.cond(day.rows.length() == 0, rx.badge("Closed", color_scheme="gray")),
            rx.spacer(),
            rx.cond(day.rows.length() > 0, rx.button(
                "Copy to Mon-Fri", size="1", variant="ghost",
                on_click=S.copy_to_weekdays(day.weekday))),
            rx.button(rx.icon("plus", size=14), "Add hours", size="1", variant="soft",
                      on_click=S.add_window(day.weekday)),
            align="center", spacing="3", wrap="wrap", width="100%"),
        rx.foreach(day.rows, _window),
        role="group", aria_label=day.name, class_name="weekday", width="100%",
        padding_y="0.75rem", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _save_bar() -> rx.Component:
    return rx.vstack(
        error_callout(S.week_error),
        _notice(S.week_notice),
        rx.flex(
            rx.button("Save weekly hours", size="3", on_click=S.save_week),
            rx.button("Discard changes", size="3", variant="soft", color_scheme="gray",
                      on_click=S.discard, disabled=~S.dirty),
            rx.cond(S.dirty, rx.text("You have unsaved changes.", size="2",
                                     color_scheme="amber")),
            spacing="3", wrap="wrap", align="center"),
        spacing="2", width="100%", position="sticky", bottom="0", z_index="5",
        padding_y="0.75rem", background_color=rx.color("gray", 2),
    )


def _weekly() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Weekly hours", size="4", as_="h2"),
        _hint("Each window is split into slots of the given length, with an optional break "
              "after each slot. An end of 00:00 (12:00 AM) means midnight. Saving replaces "
              "the whole week; booked appointments are never moved."),
        rx.foreach(S.week, _day),
        _save_bar(),
        spacing="2", width="100%"), width="100%")


def _preview_day(day: PreviewDay) -> rx.Component:
    return rx.vstack(rx.text(day.day, size="2", weight="medium"),
                     rx.flex(rx.foreach(day.times, lambda t: rx.badge(t, variant="surface",
                                                                      class_name="open-slot")),
                             wrap="wrap", spacing="1"), spacing="1", width="100%")


def _preview() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Next open slots", size="4", as_="h2"),
        _hint("What patients can book now from your saved hours, after bookings, time off "
              "and the clinic's minimum notice. Times in ", rx.text.strong(S.zone), "."),
        rx.cond(S.preview.length() == 0,
                rx.callout("No open slots in the next two weeks: patients cannot book you.",
                           icon="info", color_scheme="amber", width="100%"),
                rx.vstack(rx.foreach(S.preview, _preview_day), spacing="3", width="100%",
                          id="slot-preview")),
        spacing="3", width="100%"), width="100%")


def _kind(value: str, label: str) -> rx.Component:
    return rx.el.label(rx.flex(rx.radio_group.item(value=value), rx.text(label, size="2"),
                               spacing="2", align="center"))


def _override_form() -> rx.Component:
    hours = rx.flex(
        _labelled("From", rx.input(id="ov-start", name="start", type="time",
                                   default_value="09:00", width="8.5rem"), "ov-start"),
        _labelled("Until", rx.input(id="ov-end", name="end", type="time",
                                    default_value="13:00", width="8.5rem"), "ov-end"),
        _labelled("Slot (min)", rx.input(id="ov-slot", name="slot", type="number",
                                         min=MIN_SLOT, max=MAX_SLOT, default_value="30",
                                         width="5.5rem"), "ov-slot"),
        rx.hstack(*[rx.cond(S.offered.contains(m), rx.checkbox(
            MODE_LABELS[m], name="modes", value=m, default_checked=True))
            for m in MODE_LABELS], spacing="3", height="2rem", align="center",
            margin_top="1.4rem"),
        wrap="wrap", spacing="3", align="start")
    return rx.form(rx.vstack(
        _labelled("Date", rx.input(id="ov-date", name="date", type="date", min=S.today,
                                   required=True, width="11rem"), "ov-date"),
        rx.radio_group.root(rx.flex(_kind("closed", "Closed all day"),
                                    _kind("hours", "Different hours"), spacing="4", wrap="wrap"),
                            value=S.override_kind, on_change=S.set_override_kind,
                            aria_label="That day"),
        rx.cond(S.override_kind == "hours", hours),
        rx.button("Add override", type="submit"),
        spacing="3", width="100%"), on_submit=S.add_override, reset_on_submit=False,
        key=S.override_form_key, width="100%")


def _override_row(row: dict) -> rx.Component:
    return rx.flex(
        rx.text(row["day"], weight="medium", size="2", min_width="8rem"),
        rx.text(row["hours"], size="2"),
        rx.spacer(),
        rx.button("Remove", size="1", variant="ghost", color_scheme="red",
                  aria_label="Remove override on " + row["day"],
                  on_click=S.remove_override(row["id"])),
        align="center", spacing="3", wrap="wrap", width="100%", class_name="override")


def _overrides() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Date overrides", size="4", as_="h2"),
        _hint("Close a single date (a bank holiday) or work other hours that day; the weekly "
              "hours apply again on every other date. One override per date: adding another "
              "replaces it. For longer absences add time off on your agenda."),
        _override_form(),
        error_callout(S.override_error),
        _notice(S.override_notice),
        rx.cond(S.overrides.length() == 0, _hint("No upcoming overrides."),
                rx.vstack(rx.foreach(S.overrides, _override_row), spacing="2",
                          width="100%")),
        spacing="3", width="100%"), width="100%")


def availability_page() -> rx.Component:
    return page(
        rx.heading(rx.cond(S.doctor_name != "", "Availability: " + S.doctor_name,
                           "Your availability"), size="7", as_="h1"),
        rx.cond(
            ~S.loaded, rx.text("Loading your hours…", color_scheme="gray"),
            rx.cond(S.denied != "", rx.callout(S.denied, icon="info", width="100%"),
                    rx.vstack(
                        rx.text("All times are in ", rx.text.strong(S.zone, id="zone"),
                                " (the time zone on the doctor profile). Patients see them "
                                "in their own zone.", size="2", color_scheme="gray"),
                        _weekly(),
                        rx.grid(_overrides(), _preview(),
                                columns=rx.breakpoints(initial="1", md="2"), spacing="4",
                                width="100%"),
                        spacing="4", width="100%", margin_top="1rem"))),
        max_width="64rem",
    )
