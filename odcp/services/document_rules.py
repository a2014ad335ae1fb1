"""What a patient document's title, kind and report date must be, checked before any
file is looked at, with messages that name the field (the page and the API show them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from odcp.models.base import utcnow
from odcp.models.record import DocumentKind
from odcp.services.errors import Invalid

MAX_TITLE = 200


def clean_title(title: object) -> str:
    text = " ".join(str(title or "").split())
    if not text:
        raise Invalid("Give the document a title, e.g. “Blood test, March”.", field="title")
    if len(text) > MAX_TITLE:
        raise Invalid(f"A title is at most {MAX_TITLE} characters.", field="title")
    return text


def clean_kind(kind: object) -> DocumentKind:
    try:
        return DocumentKind(str(kind or "").strip())
    except ValueError:
        raise Invalid("Choose what kind of document this is: lab result, imaging, letter "
                      "or other.", field="kind") from None


def clean_report_date(value: object) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise Invalid("Enter the date of the report as YYYY-MM-DD.",
                          field="report_date") from None
    # "Today" where the calendar is furthest ahead (UTC+14), so no time zone is refused.
    if value > (utcnow() + timedelta(hours=14)).date():
        raise Invalid("The date of the report cannot be in the future.", field="report_date")
    if value.year < 1900:
        raise Invalid("The date of the report must be in 1900 or later.", field="report_date")
    return value
