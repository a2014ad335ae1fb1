"""/admin/policy: the clinic's booking rules, each explained in plain words."""

from __future__ import annotations

import reflex as rx

from odcp.components.forms import error_callout
from odcp.components.layout import page
from odcp.services.clinic_policy import SETTINGS
from odcp.state.admin_policy import AdminPolicyState as S

# name -> what it means for patients and doctors, in the words an admin would use
HELP = {
    "booking_horizon_days": "How far ahead patients can book. With 60, the latest bookable "
                            "time is 60 days from now.",
    "min_notice_minutes": "The shortest time between booking and the start of the visit. "
                          "With 60, a patient booking at 9:00 can take 10:00 at the "
                          "earliest. 0 allows last-minute bookings.",
    "cancel_cutoff_hours": "Patients can cancel on their own until this many hours before "
                           "the start; after that they have to contact the clinic. Doctors "
                           "and administrators can always cancel, with a reason.",
    "reschedule_cutoff_hours": "Patients can move their visit to another time until this "
                               "many hours before the start.",
    "room_opens_minutes_before": "The consultation room opens this many minutes before the "
                                 "start, so both sides can check their camera and "
                                 "microphone.",
    "chat_open_days_after": "After the visit, patient and doctor can keep writing to each "
                            "other for this many days (0 closes the chat at the end).",
}
GROUPS = [
    ("Booking", ["booking_horizon_days", "min_notice_minutes"]),
    ("Changes by patients", ["cancel_cutoff_hours", "reschedule_cutoff_hours"]),
    ("Consultations", ["room_opens_minutes_before", "chat_open_days_after"]),
]


def _number(name: str) -> rx.Component:
    setting = SETTINGS[name]
    hint_id = f"{name}-help"
    return rx.vstack(
        rx.el.label(rx.text(f"{setting.label} ({setting.unit})", size="2", weight="medium"),
                    html_for=name),
        rx.input(id=name, name=name, type="number", min=setting.low, max=setting.high,
                 step=1, required=True, default_value=S.form_values[name], width="8rem",
                 aria_describedby=hint_id,
                 aria_invalid=rx.cond(S.error_field == name, "true", "false"),
                 color_scheme=rx.cond(S.error_field == name, "red", "gray")),
        rx.text(HELP[name], id=hint_id, size="1", color_scheme="gray"),
        spacing="1", width="100%",
    )


def _switch(name: str, label: str, hint: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.hstack(rx.switch(checked=S.switches[name], id=name,
                                on_change=lambda value: S.set_switch(name, value)),
                      rx.text(label, size="2", weight="medium"),
                      align="center", spacing="2"),
            html_for=name),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1", width="100%",
    )


def _approval() -> rx.Component:
    return _switch("requires_approval", "Bookings need approval",
                   "When on, a new booking waits as “pending” until the doctor or an "
                   "administrator approves it. When off, bookings are confirmed at once.")


def _notes_sharing() -> rx.Component:
    return _switch("share_notes_with_patient", "Share signed notes with the patient",
                   "When on, patients read their doctor's signed SOAP notes in the visit "
                   "summary. When off, notes stay with the clinic; prescriptions are always "
                   "shared.")


def _group(title: str, names: list[str], *extra: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(title, size="4", as_="h2"),
        *[_number(n) for n in names], *extra,
        spacing="4", width="100%"), width="100%")


def _form() -> rx.Component:
    booking, changes, rooms = GROUPS
    return rx.form(
        rx.vstack(
            _group(booking[0], booking[1], _approval()),
            _group(*changes),
            _group(*rooms, _notes_sharing()),
            error_callout(S.error),
            rx.hstack(rx.button("Save policy", type="submit", size="3"),
                      rx.text(S.last_change, size="1", color_scheme="gray"),
                      align="center", spacing="4", wrap="wrap"),
            spacing="4", width="100%",
        ),
        on_submit=S.save, reset_on_submit=False, key=S.form_key, width="100%",
    )


def admin_policy() -> rx.Component:
    return page(
        rx.heading("Clinic policy", size="7", as_="h1", margin_bottom="0.5rem"),
        rx.text("The booking rules every patient and doctor is held to. Changes apply at "
                "once to new bookings, cancellations and moves; appointments already booked "
                "keep their time.", color_scheme="gray", margin_bottom="1rem"),
        rx.cond(
            ~S.loaded,
            rx.text("Loading…", color_scheme="gray"),
            rx.cond(S.denied != "", rx.callout(S.denied, icon="info", width="100%"), _form()),
        ),
        max_width="44rem",
    )
