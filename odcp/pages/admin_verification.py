"""/admin/verification: submitted doctor profiles (oldest first), one opened for review with
its licence document, and approve / reject-with-reason dialogs."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.state.admin_verification import AdminVerificationState

S = AdminVerificationState


def _queue_item(row: dict) -> rx.Component:
    chosen = S.selected["id"] == row["id"]
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(rx.text(row["name"], weight="medium"),
                          rx.badge(row["kind"], color_scheme=rx.cond(
                              row["kind"] == "New doctor", "blue", "amber")),
                          spacing="2", align="center", wrap="wrap"),
                rx.text(row["specialty"], size="2", color_scheme="gray"),
                rx.text("Submitted ", row["submitted"], " · waiting ", row["waiting"],
                        size="1", color_scheme="gray"),
                spacing="1", flex="1", min_width="0",
            ),
            rx.button(rx.cond(chosen, "Open", "Review"), size="2",
                      variant=rx.cond(chosen, "solid", "soft"),
                      on_click=S.open_profile(row["id"]),
                      aria_label="Review " + row["name"]),
            align="center", spacing="3", width="100%",
        ),
        width="100%", class_name="queue-item",
    )


def _queue() -> rx.Component:
    return rx.vstack(
        rx.heading("Waiting for review", size="4", as_="h2"),
        rx.cond(S.queue.length() == 0,
                rx.text("No profiles are waiting. New submissions appear here, the "
                        "longest-waiting first.", size="2", color_scheme="gray"),
                rx.vstack(rx.foreach(S.queue, _queue_item), spacing="2", width="100%")),
        spacing="3", width="100%",
    )


def _item(label: str, key: str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label, min_width="9rem"),
                             rx.data_list.value(S.selected[key]))


def _document() -> rx.Component:
    return rx.cond(
        S.selected["document"] != "",
        rx.hstack(rx.icon("file-text", size=18),
                  rx.text(S.selected["document"], size="2", weight="medium"),
                  rx.button("Download licence", rx.icon("download", size=14), size="1",
                            variant="soft", on_click=S.download_licence),
                  align="center", spacing="2", wrap="wrap"),
        rx.text("No licence document uploaded.", size="2", color_scheme="red"),
    )


def _detail() -> rx.Component:
    waiting = S.selected["status"] == "submitted"
    return rx.card(rx.vstack(
        rx.hstack(
            rx.vstack(rx.heading(S.selected["name"], size="5", as_="h2"),
                      rx.text(S.selected["email"], size="2", color_scheme="gray"),
                      spacing="1"),
            rx.spacer(),
            rx.icon_button(rx.icon("x"), variant="ghost", on_click=S.close_profile,
                           aria_label="Close profile"),
            width="100%", align="start",
        ),
        rx.cond(S.selected["kind"] == "Licence change",
                rx.callout("Already an active doctor: they changed their licence number or "
                           "document and are hidden from patients until you approve again.",
                           icon="info", color_scheme="amber", size="1")),
        rx.cond(S.selected["previous_reason"] != "",
                rx.callout(rx.fragment("Previously sent back: ", S.selected["previous_reason"]),
                           icon="history", color_scheme="gray", size="1")),
        rx.text("Licence document", size="2", weight="bold"),
        _document(),
        rx.data_list.root(
            _item("Main specialty", "specialty"), _item("Other specialties", "others"),
            _item("Qualifications", "qualifications"),
            _item("Licence number", "licence_number"), _item("Experience (years)", "years"),
            _item("Languages", "languages"), _item("Fees", "fees"),
            _item("Time zone", "timezone"), _item("Conditions treated", "conditions"),
            _item("Submitted", "submitted"),
            orientation=rx.breakpoints(initial="vertical", sm="horizontal"), size="2",
        ),
        rx.text("Bio", size="2", weight="bold"),
        rx.text(S.selected["bio"], size="2", white_space="pre-wrap"),
        rx.cond(waiting, rx.hstack(
            rx.button("Reject…", color_scheme="red", variant="soft",
                      on_click=S.open_dialog("reject")),
            rx.button("Approve…", color_scheme="green", on_click=S.open_dialog("approve")),
            justify="end", spacing="3", width="100%", padding_top="0.5rem",
        ), rx.text("This profile is not waiting for review.", size="2", color_scheme="gray")),
        spacing="3", width="100%",
    ), width="100%", id="verification-detail")


def _dialog(kind: str, title: str, *children: rx.Component) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(S.selected["name"], " · ", S.selected["email"], size="2",
                                  color_scheme="gray", margin_bottom="1rem"),
            error_callout(S.dialog_error),
            *children,
            max_width="30rem",
        ),
        open=S.dialog == kind, on_open_change=S.dialog_open_change,
    )


def _cancel() -> rx.Component:
    return rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                     type="button"))


def _approve_dialog() -> rx.Component:
    return _dialog(
        "approve", "Approve this doctor",
        rx.text("Approve only after checking the licence document against the licence number "
                "and the issuing register. The account becomes active, the doctor is listed "
                "for patients and gets an email.", size="2"),
        rx.hstack(_cancel(), rx.button("Approve", color_scheme="green", on_click=S.approve,
                                       loading=S.busy),
                  justify="end", spacing="3", margin_top="1rem"),
    )


def _reject_dialog() -> rx.Component:
    return _dialog(
        "reject", "Send back for changes",
        rx.form(
            rx.vstack(
                rx.el.label(rx.text("What should the doctor fix?", size="2",
                                    weight="medium"), html_for="reject-reason"),
                rx.text_area(id="reject-reason", name="reason", required=True, min_length=10,
                             max_length=1000, rows="4", width="100%"),
                rx.text("The doctor sees this on their profile page and in an email. Their "
                        "account stays open so they can fix the profile and submit again.",
                        size="1", color_scheme="gray"),
                spacing="2", width="100%",
            ),
            rx.hstack(_cancel(), rx.button("Send back", color_scheme="red", type="submit",
                                           loading=S.busy),
                      justify="end", spacing="3", margin_top="1rem"),
            on_submit=S.reject, reset_on_submit=False,
        ),
    )


def admin_verification() -> rx.Component:
    return page(
        rx.heading("Doctor verification", size="7", as_="h1", margin_bottom="0.5rem"),
        rx.text("Check each new doctor's licence before they are listed for patients.",
                color_scheme="gray", margin_bottom="1rem"),
        error_callout(S.error),
        rx.cond(S.error == "", rx.grid(
            _queue(),
            rx.cond(S.selected.contains("id"), _detail(),
                    rx.cond(S.queue.length() > 0, rx.card(
                        rx.text("Choose a profile from the queue to review it.", size="2",
                                color_scheme="gray"), width="100%"))),
            columns=rx.breakpoints(initial="1", md="minmax(16rem, 2fr) 3fr"), spacing="5",
            width="100%", align_items="start",
        )),
        _approve_dialog(),
        _reject_dialog(),
    )
