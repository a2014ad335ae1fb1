"""The chat panel of the consultation room: who is there, the conversation, the composer.

Layout only; RoomChatState (odcp/state/room_chat.py) holds what it shows. Why the
composer is a form with an uncontrolled input: Enter sends without a round trip per
keystroke, and a refused message stays in the box (the state clears it only on success).
A chosen file is sent at once; the server checks its type and size and the panel shows
its words, so the picker sets no type or size filter of its own (react-dropzone would
drop such a file with at best a vague toast, leaving the patient wondering).
"""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.state.room_chat import UPLOAD_ID, RoomChatState
from odcp.state.room_chat_lines import ChatLine

S = RoomChatState


def _presence() -> rx.Component:
    return rx.hstack(
        rx.box(width="0.6rem", height="0.6rem", border_radius="50%",
               background=rx.cond(S.other_online, rx.color("grass", 9), rx.color("gray", 8))),
        rx.text(rx.cond(S.other_online, "Online", "Offline"), size="2",
                color_scheme=rx.cond(S.other_online, "grass", "gray")),
        align="center", spacing="1", id="chat-presence")


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(rx.heading(rx.cond(S.other_name != "", "Chat with " + S.other_name, "Chat"),
                             size="4", as_="h2"),
                  rx.text("Times are shown in " + S.zone, size="1", color_scheme="gray"),
                  spacing="0"),
        _presence(), justify="between", align="center", wrap="wrap", gap="2", width="100%")


def _attachment(line: ChatLine) -> rx.Component:
    return rx.cond(line.image_url != "", rx.el.a(
        rx.image(src=line.image_url, alt="Picture: " + line.file_name, max_width="15rem",
                 max_height="15rem", border_radius="var(--radius-2)", class_name="chat-image",
                 loading="lazy"),
        href=line.image_url, target="_blank", rel="noopener", title="Open the full picture"),
        rx.el.a(rx.hstack(rx.icon("file-down", size=16), rx.text(line.file_name, size="2"),
                          rx.text("(" + line.file_size + ")", size="1", color_scheme="gray"),
                          align="center", spacing="1"),
                href=line.file_url, class_name="chat-file", download=line.file_name))


def _bubble(line: ChatLine) -> rx.Component:
    return rx.box(
        rx.text(line.who + " · " + line.at, size="1", color_scheme="gray"),
        rx.cond(line.file_url != "", _attachment(line)),
        rx.cond(line.text != "", rx.text(line.text, size="3", white_space="pre-wrap",
                                         class_name="chat-text")),
        rx.cond(line.mine, rx.text(rx.cond(line.read, "✓✓ Read", "✓ Sent"), size="1",
                                   align="right", class_name="chat-receipt",
                                   color_scheme=rx.cond(line.read, "teal", "gray"))),
        class_name=rx.cond(line.mine, "chat-message chat-mine", "chat-message chat-theirs"),
        align_self=rx.cond(line.mine, "flex-end", "flex-start"),
        background=rx.cond(line.mine, rx.color("teal", 3), rx.color("gray", 3)),
        border=rx.cond(line.mine, f"1px solid {rx.color('teal', 6)}",
                       f"1px solid {rx.color('gray', 6)}"),
        border_radius="var(--radius-4)", padding="0.5rem 0.75rem", max_width="85%",
        overflow_wrap="anywhere")


def _conversation() -> rx.Component:
    return rx.auto_scroll(
        rx.cond(S.has_earlier, rx.button("Load earlier messages", variant="soft", size="1",
                                         on_click=S.load_earlier, align_self="center")),
        rx.cond(S.chat_lines.length() == 0,
                rx.text("No messages yet. Write below to start the conversation.",
                        color_scheme="gray", size="2", align="center", padding="2rem 0")),
        rx.foreach(S.chat_lines, _bubble),
        id="chat-messages", role="log", aria_label="Messages", display="flex",
        flex_direction="column", gap="0.5rem", width="100%", min_height="12rem",
        max_height="min(60vh, 34rem)",
        overflow_y="auto", padding="0.5rem", border_radius="var(--radius-3)",
        border=f"1px solid {rx.color('gray', 5)}", background=rx.color("gray", 1))


def _wide_only(label: str) -> rx.Component:
    """A button's word, hidden where the panel is narrow (a phone, or the column beside the
    video from 1280 px on) so the message box keeps its room; the icon and the
    aria-label stay."""
    return rx.text(label, display=rx.breakpoints(initial="none", sm="inline", lg="none"))


def _composer() -> rx.Component:
    attach = rx.upload.root(
        rx.button(rx.icon("paperclip", size=16), _wide_only("Attach"), type="button",
                  variant="soft", size="3", loading=S.sending,
                  aria_label="Attach a picture or PDF"),
        id=UPLOAD_ID, max_files=1, multiple=False, no_drag=True,
        on_drop=S.send_file(rx.upload_files(upload_id=UPLOAD_ID)))
    return rx.vstack(
        rx.form(rx.hstack(
            attach,
            rx.input(id="chat-text", name="text", placeholder="Write a message…", size="3",
                     aria_label="Message",
                     auto_complete="off", flex="1", min_width="0", max_length=4000),
            rx.button(rx.icon("send", size=16), _wide_only("Send"), type="submit", size="3",
                      aria_label="Send"),
            spacing="2", width="100%", align="center"),
            on_submit=S.send, width="100%"),
        rx.text("Press Enter to send. Attach a picture (PNG, JPEG, WebP, GIF) or a PDF, "
                "up to 10 MB.", size="1", color_scheme="gray"),
        spacing="1", width="100%")


def chat_panel() -> rx.Component:
    """The whole chat panel; mount it once on the room page."""
    return rx.card(rx.vstack(
        rx.cond(S.load_error != "", error_callout(S.load_error), rx.fragment(
            _header(),
            rx.cond(S.notice != "", rx.callout(S.notice, icon="lock", color_scheme="amber",
                                               width="100%", id="chat-notice")),
            _conversation(),
            rx.cond(S.send_error != "", rx.callout(
                rx.hstack(rx.text(S.send_error), rx.spacer(),
                          rx.icon_button(rx.icon("x", size=14), size="1", variant="ghost",
                                         aria_label="Dismiss", on_click=S.dismiss_error),
                          width="100%", align="center"),
                icon="triangle-alert", color_scheme="red", role="alert", width="100%",
                id="chat-error")),
            rx.cond(S.can_write, _composer()))),
        spacing="3", width="100%"),
        id="chat-panel", width="100%", on_mount=S.resume, on_unmount=S.close)
