"""/appointments/[appointment_id]/room: the consultation room. The patient waits (with a
device check) until the doctor admits them; then video or audio beside the chat. Chat
appointments have only the chat."""

from __future__ import annotations

import reflex as rx

from odcp.components.chat_panel import chat_panel
from odcp.components.device_check import device_check
from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.components.video_call import call_controls, call_media, rich_callout
from odcp.state.room import RoomState as R

CALL_WORDS = {"waiting": ("Waiting", "gray"), "connecting": ("Connecting…", "amber"),
              "connected": ("Connected", "grass"), "reconnecting": ("Reconnecting…", "amber"),
              "ended": ("Ended", "gray")}
SIDE_WORDS = {"absent": "not here yet", "waiting": "in the waiting room",
              "connecting": "joining…", "connected": "connected",
              "reconnecting": "connection lost, rejoining…", "left": "left the room",
              "ended": "ended"}


def _words(value, table: dict, index: int = -1):
    cases = [(k, v[index] if index >= 0 else v) for k, v in table.items()]
    return rx.match(value, *cases, value)


def _status() -> rx.Component:
    return rx.hstack(
        rx.badge(rx.text("Call: "), _words(R.call_state, CALL_WORDS, 0), size="2",
                 color_scheme=_words(R.call_state, CALL_WORDS, 1), class_name="call-state",
                 custom_attrs={"data-state": R.call_state}),
        rx.text(R.other_name, ": ", _words(R.other_status, SIDE_WORDS), size="2",
                class_name="other-status", custom_attrs={"data-state": R.other_status}),
        rx.cond(R.other_muted, rx.badge(rx.icon("mic-off", size=12), "muted",
                                        color_scheme="red", class_name="other-muted")),
        rx.cond(R.other_video_off & R.media.contains("video"),
                rx.badge(rx.icon("video-off", size=12), "camera off", color_scheme="red",
                         class_name="other-camera-off")),
        align="center", wrap="wrap", spacing="2", role="status",
    )


def _banners() -> rx.Component:
    return rx.fragment(
        rx.cond(R.me_status == "waiting", rx.callout(
            rx.text("You are in the waiting room. ", R.other_name, " will let you in; the "
                    "call starts by itself then."),
            icon="hourglass", color_scheme="teal", width="100%", class_name="waiting-room")),
        rx.cond(R.can_admit, rich_callout(
            rx.hstack(rx.text(R.other_name, " is in the waiting room since ",
                              R.other_waiting_since, ".", size="2"),
                      rx.button("Admit", on_click=R.admit, size="2"),
                      align="center", wrap="wrap", spacing="3"),
            icon="user-check", color_scheme="amber", class_name="admit")),
        rx.cond(R.left, rx.callout(
            "You left the consultation. Rejoin while the room is open.", icon="log-out",
            color_scheme="gray", width="100%")),
        rx.cond(R.dropped & ~R.left, rx.callout(
            "Your connection dropped. Press Rejoin to connect again.", icon="wifi-off",
            color_scheme="amber", width="100%")),
    )


def _media_column() -> rx.Component:
    in_call = R.connect & (R.me_status != "waiting")
    return rx.vstack(
        _banners(),
        call_media(rx.cond(in_call, "call", "check")),
        rx.cond(R.me_status == "waiting", device_check()),
        call_controls(),
        spacing="3", width="100%", min_width="0",
    )


def _room() -> rx.Component:
    """The media column beside the chat while the room is open for a call; the chat alone
    otherwise. The chat panel is placed once, so it stays mounted (and its live task and
    the user's presence with it) when the call starts or ends."""
    live = R.is_open & (R.media.length() > 0)
    return rx.grid(
        rx.cond(live, _media_column()), chat_panel(), width="100%", gap="1.5rem",
        grid_template_columns=rx.breakpoints(
            initial="minmax(0, 1fr)",
            lg=rx.cond(live, "minmax(0, 2fr) minmax(0, 1fr)", "minmax(0, 1fr)")),
    )


def room_page() -> rx.Component:
    back = rx.cond(R.part == "doctor", "/doctor/agenda", "/appointments")
    return page(rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14),
                          rx.text(rx.cond(R.part == "doctor", "Agenda", "Appointments"),
                                  size="2"), align="center", spacing="1"), href=back),
        rx.heading("Consultation room", size="7", as_="h1"),
        rx.cond(R.visit != "", rx.text(R.visit, size="2", color_scheme="gray",
                                       class_name="visit-line")),
        error_callout(R.error),
        rx.cond(R.notice != "", rx.callout(R.notice, icon="clock", color_scheme="blue",
                                           width="100%", class_name="room-notice")),
        rx.cond(R.ended & (R.part == "patient"),
                rx.link("Read the visit summary", href=R.summary_href)),
        rx.cond(R.loaded & (R.error == "") & (R.media.length() > 0) & (R.is_open | R.ended),
                _status()),
        rx.cond(R.loaded & (R.error == ""), _room()),
        spacing="4", width="100%", on_unmount=R.page_closed,
    ))
