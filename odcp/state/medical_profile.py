"""/medical-profile and /medical-profile/access: the patient edits their medical profile and
sees who has read it.

Why every field is held here rather than read from the form on submit: the allergy,
medication and surgery rows are added and removed on the page, and a row's typed text must
follow the row, not its position. Validation happens once, in the service.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.services import medical_profile
from odcp.services.errors import DomainError
from odcp.services.medical_profile import MedicalProfile
from odcp.state.session import SessionState

ROWS = {"allergies": ("substance", "reaction", "severity"),
        "medications": ("name", "dose", "frequency"),
        "surgeries": ("procedure", "year")}
SCALARS = ("dob", "sex", "blood_group", "conditions", "family_history", "smoking", "alcohol",
           "exercise", "diet", "ec_name", "ec_relation", "ec_phone")


class MedicalProfileState(SessionState):
    is_patient: bool = False
    dob: str = ""
    sex: str = ""
    blood_group: str = ""
    conditions: str = ""
    family_history: str = ""
    smoking: str = ""
    alcohol: str = ""
    exercise: str = ""
    diet: str = ""
    ec_name: str = ""
    ec_relation: str = ""
    ec_phone: str = ""
    allergies: list[dict[str, str]] = []
    medications: list[dict[str, str]] = []
    surgeries: list[dict[str, str]] = []
    error: str = ""
    error_section: str = ""
    dirty: bool = False
    access: list[dict[str, str]] = []

    def _fill(self, p: MedicalProfile) -> None:
        self.dob = p.date_of_birth.isoformat() if p.date_of_birth else ""
        self.sex, self.blood_group = p.sex or "", p.blood_group or ""
        self.conditions = "\n".join(p.chronic_conditions)
        self.family_history = p.family_history
        life, ec = p.lifestyle, p.emergency_contact
        self.smoking, self.alcohol, self.exercise, self.diet = (
            life.smoking, life.alcohol, life.exercise, life.diet)
        self.ec_name, self.ec_relation, self.ec_phone = ec.name, ec.relation, ec.phone
        self.allergies = [{k: str(v) for k, v in a.model_dump(mode="json").items()}
                          for a in p.allergies]
        self.medications = [m.model_dump() for m in p.medications]
        self.surgeries = [{"procedure": s.procedure, "year": str(s.year or "")}
                          for s in p.surgeries]
        self.error, self.error_section, self.dirty = "", "", False

    def _data(self) -> dict:
        return {
            "date_of_birth": self.dob, "sex": self.sex, "blood_group": self.blood_group,
            "allergies": self.allergies, "medications": self.medications,
            "surgeries": self.surgeries, "family_history": self.family_history,
            "chronic_conditions": [c for c in self.conditions.splitlines() if c.strip()],
            "lifestyle": {"smoking": self.smoking, "alcohol": self.alcohol,
                          "exercise": self.exercise, "diet": self.diet},
            "emergency_contact": {"name": self.ec_name, "relation": self.ec_relation,
                                  "phone": self.ec_phone},
        }

    @rx.event
    def load(self):
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                profile = medical_profile.get_own(session, actor=actor)
            except DomainError as exc:
                self.is_patient, self.error = False, exc.message
                return
        self.is_patient = True
        self._fill(profile)

    @rx.event
    def load_access(self):
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                log = medical_profile.access_log(session, actor=actor)
            except DomainError as exc:
                self.is_patient, self.error, self.access = False, exc.message, []
                return
            tz = ZoneInfo(actor.user.timezone or "UTC")
        self.is_patient, self.error = True, ""
        self.access = [{"when": a.at.astimezone(tz).strftime("%d %b %Y, %H:%M %Z"),
                        "who": a.viewer_name, "role": a.viewer_role.replace("_", " ").title()}
                       for a in log]

    @rx.event
    def set_field(self, name: str, value: str):
        if name in SCALARS:
            setattr(self, name, str(value)[:4000])
            self.dirty = True

    @rx.event
    def set_row(self, kind: str, index: int, key: str, value: str):
        rows = getattr(self, kind) if kind in ROWS else []
        if key in ROWS.get(kind, ()) and 0 <= index < len(rows):
            rows[index][key] = str(value)[:400]
            self.dirty = True

    @rx.event
    def add_row(self, kind: str):
        if kind in ROWS and len(getattr(self, kind)) < medical_profile.MAX_ROWS:
            getattr(self, kind).append(dict.fromkeys(ROWS[kind], ""))
            self.dirty = True

    @rx.event
    def remove_row(self, kind: str, index: int):
        rows = getattr(self, kind) if kind in ROWS else []
        if 0 <= index < len(rows):
            rows.pop(index)
            self.dirty = True

    @rx.event
    def save(self, _form: dict | None = None):
        """The whole profile at once: nothing is stored unless all of it is valid."""
        with session_scope() as session:
            try:
                saved = medical_profile.update_own(session, actor=self.actor(session),
                                                   data=self._data())
            except DomainError as exc:
                self.error = exc.message
                self.error_section = (exc.field or "").split(".")[0]
                return
        self._fill(saved)
        return rx.toast.success("Your medical profile is saved.")
