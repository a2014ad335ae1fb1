"""The waiting room's device check: camera (the preview), microphone (the level bar and
"we can hear you") and speakers (a test tone), each with what to do when it fails.

Why here and not only in the call: a patient who finds out about a blocked camera when
the doctor is already waiting loses consultation time; the waiting room is the moment.
"""

from __future__ import annotations

import reflex as rx

from odcp.state.room import RoomState as R


def _row(ok, title: str, ok_text, pending_text, name: str) -> rx.Component:
    return rx.hstack(
        rx.cond(ok, rx.icon("circle-check", color=rx.color("grass", 10), size=20, flex_shrink="0"),
                rx.icon("circle-dashed", color=rx.color("gray", 10), size=20,
                        flex_shrink="0")),
        rx.vstack(rx.text(title, weight="bold", size="2"),
                  rx.text(rx.cond(ok, ok_text, pending_text), size="2",
                          color_scheme="gray"),
                  spacing="0"),
        align="start", spacing="2", class_name=f"device-{name}",
        custom_attrs={"data-ok": rx.cond(ok, "yes", "no")},
    )


def device_check() -> rx.Component:
    video = R.media.contains("video")
    return rx.card(rx.vstack(
        rx.heading("Check your devices while you wait", size="4", as_="h2"),
        rx.cond(R.device_error != "",
                rx.callout(R.device_error, icon="triangle-alert", color_scheme="red",
                           role="alert", width="100%")),
        rx.cond(video, _row(R.camera_ok, "Camera", "Working: you can see yourself above.",
                            "Opening your camera…", "camera")),
        _row(R.mic_heard, "Microphone",
             "Working: we can hear you.",
             rx.cond(R.microphone_ok, "Say something: the bar above should move.",
                     "Opening your microphone…"), "microphone"),
        rx.hstack(
            rx.icon("volume-2", color=rx.color("gray", 10), size=20, flex_shrink="0"),
            rx.vstack(rx.text("Speakers", weight="bold", size="2"),
                      rx.text("Play a short tone. Not heard it? Turn the volume up or choose "
                              "other speakers or headphones.", size="2", color_scheme="gray"),
                      rx.button(rx.icon("play", size=14), "Play test sound", size="2",
                                variant="soft", on_click=R.play_tone),
                      spacing="1", align="start"),
            align="start", spacing="2"),
        spacing="3", width="100%",
    ), width="100%", class_name="device-check")
