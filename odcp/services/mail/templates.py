"""Mail templates: a text and an HTML body in the clinic's name, values escaped.

Subjects, paragraphs and button labels may use `{value}` fields; a paragraph that comes
out empty is left out (so one template covers e.g. a note that only some mails carry).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from odcp.services.mail.appointment_templates import APPOINTMENT_TEMPLATES
from odcp.settings import get_settings


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


_TEMPLATES: dict[str, tuple[str, list[str], tuple[str, str] | None]] = {
    # kind: (subject, paragraphs, (button label, url key))
    "verify_email": ("Confirm your email address",
                     ["Hello {name},", "Please confirm your email address to activate your "
                      "account. The link is valid for 48 hours."],
                     ("Confirm my email", "link")),
    "password_reset": ("Reset your password",
                       ["Hello {name},", "Someone asked to reset your password. If it was you, "
                        "use the link below within one hour. If not, ignore this message."],
                       ("Choose a new password", "link")),
    "password_changed": ("Your password was changed",
                         ["Hello {name},", "Your password was just changed and every device "
                          "was signed out. If this was not you, contact the clinic at once."],
                         None),
    "doctor_approved": ("Your doctor profile is approved",
                        ["Hello {name},", "The clinic has verified your profile and licence. "
                         "Patients can now find you in the doctor directory and book "
                         "consultations with you."],
                        ("Open your profile", "link")),
    **APPOINTMENT_TEMPLATES,
    "doctor_rejected": ("Your doctor profile needs changes",
                        ["Hello {name},", "We could not verify your profile yet. The "
                         "reviewer wrote:", "{reason}", "Please correct your profile and "
                         "submit it again; your account stays open meanwhile."],
                        ("Open your profile", "link")),
}


def render(kind: str, **values: str) -> Rendered:
    subject, paragraphs, button = _TEMPLATES[kind]
    clinic = get_settings().clinic_name
    filled = [line for line in (p.format(**values) for p in paragraphs) if line]
    text_lines = list(filled)
    html_lines = [f"<p>{html.escape(line)}</p>" for line in filled]
    if button:
        label, key = button[0].format(**values), button[1]
        text_lines.append(f"{label}: {values[key]}")
        html_lines.append(f'<p><a href="{html.escape(values[key], quote=True)}" '
                          f'style="background:#0d9488;color:#fff;padding:10px 16px;'
                          f'border-radius:6px;text-decoration:none">{html.escape(label)}</a></p>')
    footer = f"{clinic} · online consultations"
    return Rendered(
        subject=f"{subject.format(**values)} · {clinic}",
        text="\n\n".join([*text_lines, "--", footer]) + "\n",
        html=(f"<html><body style=\"font-family:sans-serif\"><h2>{html.escape(clinic)}</h2>"
              + "".join(html_lines) + f"<hr><small>{html.escape(footer)}</small></body></html>"),
    )
