"""/doctor/profile: the doctor's onboarding form, files and submission.

Every rule lives in odcp.services.doctor_profiles; this state turns the form into a
ProfileInput, shows the service's messages, and keeps only the doctor's own profile.
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import reflex as rx
from reflex_base.utils.form import FormData

from odcp.db import session_scope
from odcp.models.doctor import DoctorProfile, VerificationStatus
from odcp.services import doctor_documents, doctor_profiles, specialties
from odcp.services.doctor_profile_rules import MODES, ProfileInput, parse_fee
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

REVIEW_AGAIN = ("Saved. Your new licence details go to the clinic for review; patients "
                "cannot find you until it is approved again.")


def _fee_text(cents: int | None) -> str:
    return f"{cents / 100:.2f}" if cents else ""


class DoctorProfileState(SessionState):
    loaded: bool = False
    denied: str = ""
    status: str = "draft"
    rejection_reason: str = ""
    submitted_on: str = ""
    specialty_options: list[list[str]] = []
    specialty_id: str = ""
    other_ids: list[str] = []
    qualifications: str = ""
    licence_number: str = ""
    years: str = "0"
    languages: list[str] = []
    modes: list[str] = []
    fees: dict[str, str] = {}
    currency: str = "USD"
    timezone: str = "UTC"
    bio: str = ""
    conditions: str = ""
    photo: str = ""
    licence_name: str = ""
    missing: list[str] = []
    error: str = ""
    form_key: int = 0
    _intent: str = "save"

    def _fill(self, session, profile: DoctorProfile, tz: str, remount: bool = True) -> None:
        """Show `profile`; `remount` resets the form's fields (not after an upload, which
        must keep what the doctor has typed but not saved yet)."""
        self.status = str(profile.verification_status)
        self.rejection_reason = profile.rejection_reason or ""
        self.submitted_on = (profile.submitted_at.astimezone(ZoneInfo(tz))
                             .strftime("%d %b %Y") if profile.submitted_at else "")
        self.specialty_options = [[str(s.id), s.name] for s in specialties.active(session)]
        self.specialty_id = str(profile.specialty_id or "")
        self.other_ids = [str(i) for i in doctor_profiles.other_specialty_ids(session,
                                                                             profile.id)]
        self.qualifications, self.licence_number = profile.qualifications, profile.licence_number
        self.years = str(profile.years_experience)
        self.languages, self.modes = list(profile.languages), list(profile.modes)
        self.fees = {m: _fee_text(profile.fees_by_mode.get(m)) for m in MODES}
        self.currency, self.timezone = profile.currency, profile.timezone
        self.bio, self.conditions = profile.bio, profile.conditions_treated
        self.photo = doctor_documents.photo_data_uri(profile.photo_path)
        self.licence_name = profile.licence_document_name or ""
        self.missing = doctor_profiles.missing_items(session, profile)
        if remount:
            self.form_key += 1  # the form's fields show the saved values
        self.loaded = True

    @rx.event
    def load(self):
        self.error, self.denied, self._intent = "", "", "save"
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                profile = doctor_profiles.my_profile(session, actor=actor)
            except DomainError as exc:
                self.denied, self.loaded = exc.message, True
                return None
            self._fill(session, profile, actor.user.timezone)
        return None

    @rx.event
    def set_intent(self, intent: str):
        self._intent = "submit" if intent == "submit" else "save"

    def _input(self, form: FormData) -> ProfileInput:
        years = str(form.get("years_experience", "") or "0").strip()
        if not years.isdigit():
            raise DomainError("Enter your years of experience as a whole number.")
        fees = {m: parse_fee(str(form.get(f"fee_{m}", "")), mode=m) for m in MODES}
        spec = str(form.get("specialty_id", ""))
        return ProfileInput(
            specialty_id=int(spec) if spec.isdigit() else None,
            other_specialty_ids=tuple(int(i) for i in form.getlist("other_specialty_ids")
                                      if str(i).isdigit()),
            qualifications=str(form.get("qualifications", "")),
            licence_number=str(form.get("licence_number", "")),
            years_experience=int(years),
            languages=tuple(str(c) for c in form.getlist("languages")),
            modes=tuple(str(m) for m in form.getlist("modes")),
            fees_by_mode={m: f for m, f in fees.items() if f is not None},
            currency=str(form.get("currency", "")), bio=str(form.get("bio", "")),
            conditions_treated=str(form.get("conditions_treated", "")),
            timezone=str(form.get("timezone", "")),
        )

    def _run(self, fn, remount: bool = True, **kwargs) -> tuple[DoctorProfile | None, str]:
        """One transaction: the profile after `fn`, or the error message (nothing saved)."""
        with session_scope() as session:
            actor = self.actor(session)
            try:
                profile = fn(session, actor=actor, **kwargs)
            except DomainError as exc:
                session.rollback()
                return None, exc.message
            self._fill(session, profile, actor.user.timezone if actor.user else "UTC",
                       remount)
            return profile, ""

    @rx.event
    def save(self, form: FormData):
        """Save; then, when the doctor asked for it, submit (a refused submit keeps the save)."""
        intent, self._intent, self.error = self._intent, "save", ""
        before = self.status
        try:
            data = self._input(form)
        except DomainError as exc:
            self.error = exc.message
            return rx.toast.error(exc.message)
        profile, self.error = self._run(doctor_profiles.update_profile, data=data)
        if profile is None:
            return rx.toast.error(self.error)
        if intent != "submit":
            if before == VerificationStatus.VERIFIED and self.status != before:
                return rx.toast.warning(REVIEW_AGAIN)
            return rx.toast.success("Your profile is saved.")
        profile, self.error = self._run(doctor_profiles.submit)
        if profile is None:
            return rx.toast.info("Saved, but not submitted yet.")
        return rx.toast.success("Submitted. The clinic will review your profile and email you.")

    @rx.event
    async def upload_licence(self, files: list[rx.UploadFile]):
        """Reads at most one byte past the limit: the service refuses larger files."""
        if not files:
            return rx.toast.error("Choose a file first.")
        data = await files[0].read(doctor_documents.MAX_DOCUMENT_BYTES + 1)
        before = self.status
        profile, message = await asyncio.to_thread(  # decoding a big scan takes a while
            self._run, doctor_profiles.upload_licence, False, data=data,
                                     filename=files[0].name or "licence")
        if profile is None:
            return rx.toast.error(message)
        if before == VerificationStatus.VERIFIED:
            return rx.toast.warning(REVIEW_AGAIN)
        return rx.toast.success(f"Licence document {self.licence_name} is uploaded.")

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        if not files:
            return rx.toast.error("Choose a photo first.")
        data = await files[0].read(doctor_documents.MAX_PHOTO_BYTES + 1)
        profile, message = await asyncio.to_thread(self._run, doctor_profiles.set_photo,
                                                   False, data=data)
        if profile is None:
            return rx.toast.error(message)
        return rx.toast.success("Your photo is saved.")
