"""What a medication line on a prescription must say, checked before anything is written.

Why a structured duration ("7 days", "2 weeks", "3 months"): it is what a pharmacist reads
and what sets how long the prescription stays active when the doctor gives no end date.
Every message names the line and the field, e.g. "Medication 2, strength: this is
required.", so the form and the API tell the doctor exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from odcp.services.errors import Invalid

ROUTES = ("oral", "sublingual", "buccal", "topical", "transdermal", "inhaled", "nasal",
          "eye", "ear", "rectal", "vaginal", "subcutaneous", "intramuscular", "intravenous")
MAX_LINES = 20
# field -> (label, required, max length)
FIELDS = {
    "name": ("name", True, 120),
    "strength": ("strength", True, 60),
    "route": ("route", True, 20),
    "frequency": ("frequency", True, 80),
    "duration": ("duration", True, 30),
    "quantity": ("quantity", True, 60),
    "instructions": ("instructions", False, 500),
}
_DURATION = re.compile(r"^(\d{1,3})\s*(day|days|week|weeks|month|months)$", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}


@dataclass(frozen=True)
class Medication:
    name: str
    strength: str
    route: str
    frequency: str
    duration: str
    quantity: str
    instructions: str = ""

    @property
    def duration_days(self) -> int:
        found = _DURATION.match(self.duration)
        if not found:
            return 0
        return int(found.group(1)) * _UNIT_DAYS[found.group(2).lower().rstrip("s")]

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _problem(line: int, name: str, message: str) -> Invalid:
    return Invalid(f"Medication {line}, {FIELDS[name][0]}: {message}.",
                   field=f"medications.{line - 1}.{name}")


def _line(index: int, raw: Mapping[str, object]) -> Medication:
    if not isinstance(raw, Mapping):
        raise Invalid(f"Medication {index}: send the fields as an object.",
                      field=f"medications.{index - 1}")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise Invalid(f"Medication {index}: unknown field {unknown[0]!r}.",
                      field=f"medications.{index - 1}.{unknown[0]}")
    values: dict[str, str] = {}
    for name, (_, required, limit) in FIELDS.items():
        value = raw.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise _problem(index, name, "must be text")
        value = " ".join(str(value).split()) if name != "instructions" else str(value).strip()
        if required and not value:
            raise _problem(index, name, "this is required")
        if len(value) > limit:
            raise _problem(index, name, f"at most {limit} characters")
        values[name] = value
    values["route"] = values["route"].lower()
    if values["route"] not in ROUTES:
        raise _problem(index, "route", "choose one of " + ", ".join(ROUTES))
    med = Medication(**values)
    if not 1 <= med.duration_days <= 365:
        raise _problem(index, "duration", "write a number and a unit between 1 day and "
                       "12 months, e.g. 7 days, 2 weeks or 3 months")
    return med


def validate_lines(lines: Sequence[Mapping[str, object]]) -> list[Medication]:
    """The lines as Medications, or Invalid naming the first problem."""
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        raise Invalid("Add at least one medication.", field="medications")
    if len(lines) > MAX_LINES:
        raise Invalid(f"A prescription holds at most {MAX_LINES} medications.",
                      field="medications")
    return [_line(i, raw) for i, raw in enumerate(lines, start=1)]
