"""The /doctor/profile and /admin/verification page states: the form maps to the service,
a refused submit keeps the save, the admin's decision reaches the doctor, and nothing
private (stored file names, other people's data) reaches the browser."""

from __future__ import annotations

from reflex_base.utils.form import FormData

from odcp.models.user import AccountStatus
from odcp.services import doctor_profiles
from odcp.services.actor import Actor
from odcp.state.admin_verification import AdminVerificationState
from odcp.state.doctor_profile import DoctorProfileState
from tests.doctor_helpers import PDF, complete_input, make_specialties, new_doctor
from tests.state.conftest import build_state, sent_to_browser


def _page(browser_cookie, user, cls):
    token, _ = browser_cookie(user)
    state = build_state(cls, cookie=token)
    state.load_session()
    state.load()
    return state


def _form(specialty_id: int, fee: str = "45.5") -> FormData:
    return FormData([
        ("specialty_id", str(specialty_id)), ("qualifications", "MBBS"),
        ("licence_number", "MC-2231"), ("years_experience", "4"),
        ("modes", "video"), ("fee_video", fee), ("fee_audio", ""), ("fee_chat", ""),
        ("currency", "EUR"), ("timezone", "Europe/Paris"),
        ("languages", "fr"), ("languages", "en"),
        ("bio", "Médecin généraliste, consultations for families and travellers in Paris."),
        ("conditions_treated", "flu, travel vaccines"),
    ])


def test_a_pending_doctor_saves_and_a_refused_submit_keeps_the_save(session, browser_cookie):
    specs = make_specialties(session)
    specs["Neurology"].active = False
    session.commit()
    doctor = new_doctor(session)
    state = _page(browser_cookie, doctor, DoctorProfileState)
    assert state.status == "draft" and "your main specialty" in state.missing
    assert [name for _, name in state.specialty_options] == ["Cardiology", "Dermatology"]

    state.save(_form(specs["Cardiology"].id, fee="forty"))
    assert "fee as a number" in state.error
    assert doctor_profiles.profile_of_user(session, doctor.id).licence_number == ""

    state.set_intent("submit")
    toast = state.save(_form(specs["Cardiology"].id))
    assert "not submitted" in str(toast)
    assert "a copy of your licence" in state.error and state.status == "draft"
    session.expire_all()
    saved = doctor_profiles.profile_of_user(session, doctor.id)
    assert saved.fees_by_mode == {"video": 4550} and saved.languages == ["fr", "en"]
    assert state.fees["video"] == "45.50" and state.languages == ["fr", "en"]


async def test_the_admin_approves_from_the_page_and_sees_no_stored_paths(session, personas,
                                                                   browser_cookie):
    specs = make_specialties(session)
    doctor = new_doctor(session)
    actor = Actor(user=doctor)
    doctor_profiles.update_profile(session, actor=actor,
                                   data=complete_input(specs["Cardiology"].id))
    profile = doctor_profiles.upload_licence(session, actor=actor, data=PDF, filename="l.pdf")
    doctor_profiles.submit(session, actor=actor)
    session.commit()

    state = _page(browser_cookie, personas.admin, AdminVerificationState)
    assert [row["name"] for row in state.queue] == ["Dr. Nora Quinn"]
    assert state.queue[0]["kind"] == "New doctor"
    state.open_profile(state.queue[0]["id"])
    assert state.selected["licence_number"] == "IMC-123456"
    download = state.download_licence()
    assert "l.pdf" in str(download)
    page = sent_to_browser(state)
    assert profile.licence_document_path not in page and doctor.password_hash not in page

    state.open_dialog("approve")
    updates = [update async for update in state.approve()]
    assert "verified and now listed" in str(updates[-1])
    assert state.queue == [] and state.dialog == ""
    session.expire_all()
    assert session.get(type(doctor), doctor.id).status == AccountStatus.ACTIVE


def test_a_patient_sees_the_refusal_on_both_pages(personas, browser_cookie):
    queue = _page(browser_cookie, personas.patient_a, AdminVerificationState)
    assert queue.queue == [] and queue.error == "Only clinic administrators may do this."
    profile = _page(browser_cookie, personas.patient_a, DoctorProfileState)
    assert profile.denied == "Only doctors have a doctor profile."
