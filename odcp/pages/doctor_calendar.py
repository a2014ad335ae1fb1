"""/doctor/calendar: the week as a grid (a list per day on phones) and the feed URL card."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.doctor_calendar import PX_PER_HOUR, Block, CalendarDay, Shade
from odcp.state.doctor_calendar import DoctorCalendarState as G

HOUR, HEADER = f"{PX_PER_HOUR}px", "1.5rem"
_HOUR_LINES = (f"repeating-linear-gradient(to bottom, var(--gray-5) 0 1px, "
               f"transparent 1px {HOUR})")
_STRIPES = ("repeating-linear-gradient(135deg, var(--gray-4) 0 6px, var(--gray-2) 6px 12px)")


def _block(b: Block) -> rx.Component:
    line = {"size": "1", "white_space": "nowrap", "overflow": "hidden",
            "text_overflow": "ellipsis", "line_height": "16px"}
    return rx.box(
        rx.text(b.start, " ", rx.text.strong(b.patient), text_decoration=b.struck, **line),
        rx.text(b.mode, " · ", b.status, color_scheme="gray", **line),
        class_name="calendar-block",
        title=b.time + " " + b.patient + ", " + b.mode + ", " + b.status,
        position="absolute", top=b.top, height=b.height, left="3px", right="3px",
        padding="3px 6px", overflow="hidden", border_radius="6px", z_index="2",
        background=b.background, border_left=f"3px solid {b.border}",
    )


def _shade(s: Shade) -> rx.Component:
    return rx.box(
        rx.text(s.label, size="1", color_scheme="gray", padding="2px 6px"),
        class_name="calendar-time-off", position="absolute", top=s.top, height=s.height,
        left="0", right="0", background=_STRIPES, opacity="0.9", z_index="1",
        overflow="hidden",
    )


def _column(day: CalendarDay) -> rx.Component:
    return rx.vstack(
        rx.text(day.short, size="2", weight=rx.cond(day.today, "bold", "medium"),
                color_scheme=rx.cond(day.today, "teal", "gray"), high_contrast=day.today,
                align="center", width="100%", height=HEADER, class_name="calendar-day-label"),
        rx.box(rx.foreach(day.shades, _shade), rx.foreach(day.blocks, _block),
               position="relative", height=G.grid_height, width="100%",
               background_image=_HOUR_LINES,
               background_color=rx.cond(day.today, rx.color("teal", 2), "transparent"),
               border_left=f"1px solid {rx.color('gray', 5)}"),
        spacing="1", flex="1", min_width="0", class_name="calendar-day",
        custom_attrs={"data-day": day.long},
    )


def _grid() -> rx.Component:
    axis = rx.vstack(
        rx.box(height=HEADER),
        rx.box(rx.foreach(G.hour_labels, lambda h: rx.box(
            rx.text(h, size="1", color_scheme="gray", trim="start"), height=HOUR)),
            width="100%"),
        spacing="1", width="3.5rem", flex_shrink="0", aria_hidden="true",
    )
    return rx.hstack(axis, rx.foreach(G.days, _column), spacing="0", width="100%",
                     align="start", class_name="calendar-grid")


def _day_list(day: CalendarDay) -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(day.long, size="3", as_="h3"),
        rx.foreach(day.time_off, lambda t: rx.text(t, size="2", color_scheme="gray")),
        rx.foreach(day.blocks, lambda b: rx.hstack(
            rx.text(b.time, weight="bold", size="2", white_space="nowrap",
                    text_decoration=b.struck),
            rx.text(b.patient, size="2"),
            rx.badge(b.mode + " · " + b.status, variant="soft"),
            wrap="wrap", spacing="2", align="center",
            border_left=f"3px solid {b.border}", padding_left="0.5rem")),
        rx.cond((day.blocks.length() == 0) & (day.time_off.length() == 0),
                rx.text("Nothing booked.", size="2", color_scheme="gray")),
        spacing="2", width="100%"), width="100%", class_name="calendar-list-day")


def _week_nav() -> rx.Component:
    return rx.hstack(
        rx.button(rx.icon("chevron-left", size=16), "Previous week", variant="soft",
                  on_click=G.previous_week),
        rx.button("This week", variant="outline", on_click=G.this_week),
        rx.button("Next week", rx.icon("chevron-right", size=16), variant="soft",
                  on_click=G.next_week),
        spacing="2", wrap="wrap",
    )


def _confirm(trigger: rx.Component, title: str, text: str, action: str, on_confirm,
             color: str) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text, size="2"),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                      rx.alert_dialog.action(rx.button(action, color_scheme=color,
                                                       on_click=on_confirm)),
                      justify="end", spacing="3", margin_top="1rem"),
        ),
    )


_HOW_TO = [
    ("Google Calendar", "on a computer, next to \"Other calendars\" choose +, then "
     "\"From URL\", paste the link and choose \"Add calendar\"."),
    ("Apple Calendar", "on a Mac, File > New Calendar Subscription; on an iPhone, Settings > "
     "Calendar > Accounts > Add Account > Other > Add Subscribed Calendar."),
    ("Outlook", "Add calendar > Subscribe from web, paste the link, give it a name and "
     "import it."),
]


def _new_url() -> rx.Component:
    return rx.callout.root(rx.vstack(
        rx.el.label(rx.text("Your feed URL (shown only once: copy it now)", size="2",
                            weight="bold"), html_for="feed-url"),
        rx.hstack(rx.input(id="feed-url", value=G.feed_url, read_only=True, width="100%",
                           on_focus=rx.call_script("document.getElementById('feed-url')"
                                                   ".select()")),
                  rx.button(rx.icon("copy", size=16), "Copy",
                            on_click=[rx.set_clipboard(G.feed_url),
                                      rx.toast.success("Copied to the clipboard.")]),
                  width="100%", spacing="2"),
        rx.text("To subscribe, paste it into your calendar app:", size="2"),
        rx.unordered_list(*[rx.list_item(rx.text.strong(app), ": ", how, size="2")
                            for app, how in _HOW_TO]),
        rx.text("Calendar apps refresh subscriptions on their own schedule (Google every "
                "few hours), so changes can take a while to appear there.", size="1",
                color_scheme="gray"),
        spacing="2", width="100%"), color_scheme="teal", width="100%")


def _feed_card() -> rx.Component:
    replace = _confirm(rx.button("Replace URL", variant="soft"), "Replace the feed URL?",
                       "The current URL stops working at once; calendars subscribed to it "
                       "need the new one.", "Replace URL", G.create_feed, "teal")
    turn_off = _confirm(rx.button("Turn off", variant="soft", color_scheme="red"),
                        "Turn off the calendar feed?", "The URL stops working at once and "
                        "subscribed calendars stop updating.", "Turn off", G.revoke_feed,
                        "red")
    return rx.card(rx.vstack(
        rx.heading("Calendar feed", size="4", as_="h2"),
        rx.text("See your appointments in Google Calendar, Apple Calendar or Outlook through "
                "a private link. Anyone with the link can read your schedule, so keep it to "
                "yourself; patients appear by their initials only, never with the reason "
                "for the visit.", size="2"),
        rx.cond(G.feed_url != "", _new_url()),
        rx.cond(G.feed_active,
                rx.text("Your feed is on since ", G.feed_since, ". Last fetched: ",
                        rx.cond(G.feed_used != "", G.feed_used, "not yet"), ".", size="2",
                        class_name="feed-status"),
                rx.text("You have no calendar feed.", size="2", class_name="feed-status")),
        rx.cond(G.feed_active, rx.hstack(replace, turn_off, spacing="3"),
                rx.button("Create feed URL", on_click=G.create_feed)),
        spacing="3", width="100%"), width="100%")


def doctor_calendar() -> rx.Component:
    return page(rx.vstack(
        rx.heading("Your week", size="7", as_="h1"),
        error_callout(G.error),
        rx.cond(G.error == "", rx.vstack(
            rx.hstack(rx.heading(G.week_label, size="4", as_="h2"), rx.spacer(), _week_nav(),
                      width="100%", align="center", wrap="wrap", spacing="3"),
            rx.text("Times in ", rx.text.strong(G.zone), ". Striped: time off.", size="2",
                    color_scheme="gray"),
            rx.tablet_and_desktop(_grid(), width="100%"),
            rx.mobile_only(rx.vstack(rx.foreach(G.days, _day_list), spacing="3",
                                     width="100%"), width="100%"),
            _feed_card(),
            spacing="4", width="100%")),
        spacing="4", width="100%",
    ))
