"""The call's media area: the wrapped WebRTC component (assets/webrtc/call.jsx, the only
hand-written JavaScript) and the buttons around it.

The component is rendered once for the whole visit and only its `stage` changes (device
check in the waiting room, then the call): re-mounting it would reopen the camera and
drop the peer connection.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.event import EventHandler, passthrough_event_spec

from odcp.state.room import RoomState as R


class CallMedia(rx.Component):
    """`CallMedia` from assets/webrtc/call.jsx (copied to the frontend's public folder)."""

    library = rx.asset("webrtc/call.jsx").importable_path
    tag = "CallMedia"

    kinds: rx.Var[list[str]]
    stage: rx.Var[str]
    connect: rx.Var[bool]
    attempt: rx.Var[int]
    answer_sdp: rx.Var[str]
    answer_attempt: rx.Var[int]
    audio_muted: rx.Var[bool]
    video_off: rx.Var[bool]
    ice_servers: rx.Var[list[dict]]
    tone: rx.Var[int]

    on_devices: EventHandler[passthrough_event_spec(dict)]
    on_offer: EventHandler[passthrough_event_spec(str, int)]
    on_state: EventHandler[passthrough_event_spec(str, int)]


# In the waiting room the camera preview is the picture; in the call the other side is,
# with the own camera small in a corner. The level meter is shown in the device check.
_MEDIA_CSS = {
    "position": "relative", "width": "100%", "border_radius": "var(--radius-4)",
    "overflow": "hidden", "background": rx.color("gray", 12),
    "& video": {"display": "block", "object_fit": "cover", "background": "#111"},
    "& .remote-media": {"width": "100%", "aspect_ratio": "4 / 3", "max_height": "70vh"},
    "& .local-media": {"position": "absolute", "right": "0.75rem", "bottom": "0.75rem",
                       "width": "28%", "max_width": "12rem", "aspect_ratio": "4 / 3",
                       "border_radius": "var(--radius-3)", "border": "2px solid white"},
    "& .mic-level": {"display": "none"},
    "&[data-stage=check] .remote-media": {"display": "none"},
    "&[data-stage=check] .local-media": {"position": "static", "width": "100%",
                                         "max_width": "none", "border": "none",
                                         "border_radius": "0", "transform": "scaleX(-1)"},
    "&[data-stage=check] .mic-level": {"display": "block", "width": "100%",
                                       "height": "0.75rem"},
    "&:not(:has(video))": {"min_height": "3rem", "background": "transparent"},
}


def call_media(stage) -> rx.Component:
    """The one CallMedia of the page, wired to RoomState."""
    return CallMedia.create(
        kinds=R.media, stage=stage, connect=R.connect, attempt=R.attempt,
        answer_sdp=R.answer_sdp, answer_attempt=R.answer_attempt,
        audio_muted=R.audio_muted, video_off=R.video_off, ice_servers=R.ice_servers,
        tone=R.tone, on_devices=R.devices_checked, on_offer=R.send_offer,
        on_state=R.peer_changed, id="call-media", style=_MEDIA_CSS,
    )


def rich_callout(*children: rx.Component, icon: str, color_scheme: str,
                 **props) -> rx.Component:
    """A callout holding layout (rx.callout wraps its text in a <p>, which may not hold a
    <div>)."""
    return rx.callout.root(rx.callout.icon(rx.icon(icon)), *children,
                           color_scheme=color_scheme, width="100%", **props)


def _toggle(on, label_on: str, label_off: str, icon_on: str, icon_off: str, handler,
            name: str) -> rx.Component:
    """A button whose label says what it will do next (Mute / Unmute)."""
    return rx.button(rx.cond(on, rx.icon(icon_off, size=16), rx.icon(icon_on, size=16)),
                     rx.cond(on, label_off, label_on), on_click=handler,
                     variant=rx.cond(on, "solid", "soft"),
                     color_scheme=rx.cond(on, "red", "gray"), class_name=name)


def _end_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(rx.icon("phone-off", size=16), "End consultation",
                                          color_scheme="red")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("End the consultation?"),
            rx.alert_dialog.description("The call closes for both of you and the "
                                        "appointment is marked completed."),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep talking", variant="soft")),
                      rx.alert_dialog.action(rx.button("End and complete", color_scheme="red",
                                                       on_click=R.end_call)),
                      spacing="3", justify="end", margin_top="1rem"),
        ),
    )


def call_controls() -> rx.Component:
    video = R.media.contains("video")
    return rx.hstack(
        _toggle(R.audio_muted, "Mute", "Unmute", "mic", "mic-off", R.toggle_mute, "mute"),
        rx.cond(video, _toggle(R.video_off, "Camera off", "Camera on", "video", "video-off",
                               R.toggle_camera, "camera")),
        rx.cond(R.dropped | R.left | (R.me_status == "reconnecting"),
                rx.button(rx.icon("refresh-cw", size=16), "Rejoin", on_click=R.rejoin)),
        rx.cond(~R.left, rx.button(rx.icon("log-out", size=16), "Leave", variant="soft",
                                   color_scheme="gray", on_click=R.leave)),
        rx.cond(R.can_end, _end_dialog()),
        wrap="wrap", spacing="2", width="100%",
    )
