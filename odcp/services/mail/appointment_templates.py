"""Mail about appointments (filled in by odcp.services.appointment_mail).

Fields: {name} the recipient, {other} the other party, {mode} e.g. "video", {when} the
time in the recipient's zone with the zone named, {when_short} the same, shorter, for
subjects; {link} and {link_label} the page to open. No medical data: never the reason for
the visit (mail leaves the clinic's systems and sits in inboxes we do not control).
"""

from __future__ import annotations

_PATIENT_LINK = ("See your appointments", "link")
_DOCTOR_LINK = ("Open your agenda", "link")

APPOINTMENT_TEMPLATES: dict[str, tuple[str, list[str], tuple[str, str] | None]] = {
    "appointment_booked": (
        "Appointment confirmed: {when_short}",
        ["Hello {name},", "Your {mode} consultation with {other} is booked and confirmed.",
         "When: {when}", "You can cancel or reschedule it from your appointments page, "
         "within the clinic's cut-off times."],
        _PATIENT_LINK),
    "appointment_requested": (
        "Booking request received: {when_short}",
        ["Hello {name},", "Your request for a {mode} consultation with {other} is waiting "
         "for the clinic's approval. We will write to you as soon as it is confirmed.",
         "When: {when}"],
        _PATIENT_LINK),
    "appointment_approved": (
        "Appointment confirmed: {when_short}",
        ["Hello {name},", "Your {mode} consultation with {other} is now confirmed.",
         "When: {when}"],
        _PATIENT_LINK),
    "doctor_appointment_booked": (
        "New appointment: {other}, {when_short}",
        ["Hello {name},", "{other} booked a {mode} consultation with you.", "When: {when}"],
        _DOCTOR_LINK),
    "doctor_appointment_requested": (
        "Booking request to approve: {other}, {when_short}",
        ["Hello {name},", "{other} asked for a {mode} consultation with you. It needs your "
         "approval on your agenda.", "When: {when}"],
        _DOCTOR_LINK),
    "appointment_cancelled": (
        "Appointment cancelled: {when_short}",
        ["Hello {name},", "Your {mode} consultation with {other} was cancelled by {by}.",
         "It was planned for: {when}", "{reason_line}"],
        ("{link_label}", "link")),
    "appointment_rescheduled": (
        "Appointment moved to {when_short}",
        ["Hello {name},", "Your {mode} consultation with {other} has moved to a new time.",
         "New time: {when}", "Previous time: {old_when}", "{note}"],
        ("{link_label}", "link")),
    "appointment_reassigned": (
        "New doctor for your appointment: {when_short}",
        ["Hello {name},", "The clinic has moved your {mode} consultation to {other} "
         "(previously with {previous}). The time stays the same.", "When: {when}",
         "Reason: {reason}"],
        _PATIENT_LINK),
    "doctor_appointment_assigned": (
        "Appointment assigned to you: {other}, {when_short}",
        ["Hello {name},", "The clinic has assigned you a {mode} consultation with {other}.",
         "When: {when}", "Reason: {reason}"],
        _DOCTOR_LINK),
    "doctor_appointment_unassigned": (
        "Appointment moved to another doctor: {when_short}",
        ["Hello {name},", "The clinic has moved your {mode} consultation with {other} to "
         "another doctor. The time is free in your agenda again.", "It was planned for: "
         "{when}", "Reason: {reason}"],
        _DOCTOR_LINK),
}
