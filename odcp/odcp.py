"""The Reflex app: pages, the REST API mounted on the backend, and startup work."""

from __future__ import annotations

import reflex as rx

from odcp.api.app import create_api
from odcp.logging_setup import configure_logging
from odcp.pages.account import account
from odcp.pages.admin_audit import admin_audit
from odcp.pages.admin_outbox import admin_outbox
from odcp.pages.admin_users import admin_users
from odcp.pages.agenda import agenda
from odcp.pages.appointments import appointments_page
from odcp.pages.auth_pages import login, register
from odcp.pages.booking import book
from odcp.pages.doctor_public import doctor_public
from odcp.pages.doctors import doctors
from odcp.pages.email_flows import (
    forgot_password,
    resend_verification,
    reset_password,
    verify_email,
)
from odcp.pages.landing import landing
from odcp.pages.medical_profile import medical_profile, record_access
from odcp.pages.not_found import not_found
from odcp.scheduler import scheduler_lifespan
from odcp.settings import get_settings
from odcp.state.account import AccountState
from odcp.state.admin_audit import AdminAuditState
from odcp.state.admin_outbox import AdminOutboxState
from odcp.state.admin_users import AdminUsersState
from odcp.state.agenda import AgendaState
from odcp.state.appointments import AppointmentsState
from odcp.state.auth_forms import RegisterState, SignInState
from odcp.state.booking import BookingState
from odcp.state.directory import DirectoryState, DoctorPageState
from odcp.state.email_flows import EmailFlowState
from odcp.state.medical_profile import MedicalProfileState
from odcp.state.mfa_settings import MfaSettingsState
from odcp.state.search import SearchState
from odcp.state.session import SessionState

configure_logging(get_settings())
CLINIC = get_settings().clinic_name

app = rx.App(
    api_transformer=create_api(),
    head_components=[rx.el.meta(name="viewport",
                                content="width=device-width, initial-scale=1")],
)

_load = SessionState.load_session
app.add_page(landing, route="/", title=CLINIC, on_load=[_load, DirectoryState.load_landing])
app.add_page(doctors, route="/doctors", title=f"Find a doctor · {CLINIC}",
             on_load=[_load, SearchState.load])
app.add_page(doctor_public, route="/doctors/[doctor_id]", title=f"Doctor · {CLINIC}",
             on_load=[_load, DoctorPageState.load])
app.add_page(login, route="/login", title=f"Sign in · {CLINIC}",
             on_load=[_load, SignInState.reset_sign_in])
app.add_page(register, route="/register", title=f"Register · {CLINIC}",
             on_load=[_load, RegisterState.detect_timezone])
_reset = EmailFlowState.reset_form
app.add_page(verify_email, route="/verify-email", title=f"Confirm email · {CLINIC}",
             on_load=[_load, EmailFlowState.verify_from_link])
app.add_page(resend_verification, route="/resend-verification",
             title=f"Confirmation link · {CLINIC}", on_load=[_load, _reset])
app.add_page(forgot_password, route="/forgot-password", title=f"Forgot password · {CLINIC}",
             on_load=[_load, _reset])
app.add_page(reset_password, route="/reset-password", title=f"New password · {CLINIC}",
             on_load=[_load, _reset])
app.add_page(account, route="/account", title=f"Account · {CLINIC}",
             on_load=[_load, AccountState.load, MfaSettingsState.load])
app.add_page(admin_audit, route="/admin/audit", title=f"Audit log · {CLINIC}",
             on_load=[_load, AdminAuditState.load])
app.add_page(admin_outbox, route="/admin/outbox", title=f"Mail outbox · {CLINIC}",
             on_load=[_load, AdminOutboxState.load])
app.add_page(admin_users, route="/admin/users", title=f"Users · {CLINIC}",
             on_load=[_load, AdminUsersState.load])
app.add_page(medical_profile, route="/medical-profile", title=f"Medical profile · {CLINIC}",
             on_load=[_load, MedicalProfileState.load])
app.add_page(record_access, route="/medical-profile/access",
             title=f"Who viewed your record · {CLINIC}",
             on_load=[_load, MedicalProfileState.load_access])
app.add_page(not_found, route="404", title=f"Page not found · {CLINIC}", on_load=_load)

app.register_lifespan_task(scheduler_lifespan)
app.add_page(book, route="/book", title=f"Book · {CLINIC}", on_load=[_load, BookingState.load])
app.add_page(appointments_page, route="/appointments", title=f"Appointments · {CLINIC}",
             on_load=[_load, AppointmentsState.load])

# Doctor onboarding and verification, specialties
from odcp.pages.admin_specialties import admin_specialties  # noqa: E402
from odcp.pages.admin_verification import admin_verification  # noqa: E402
from odcp.pages.doctor_profile import doctor_profile  # noqa: E402
from odcp.state.admin_specialties import AdminSpecialtiesState  # noqa: E402
from odcp.state.admin_verification import AdminVerificationState  # noqa: E402
from odcp.state.doctor_profile import DoctorProfileState  # noqa: E402

app.add_page(doctor_profile, route="/doctor/profile", title=f"My doctor profile · {CLINIC}",
             on_load=[_load, DoctorProfileState.load])
app.add_page(admin_verification, route="/admin/verification",
             title=f"Doctor verification · {CLINIC}",
             on_load=[_load, AdminVerificationState.load])
app.add_page(admin_specialties, route="/admin/specialties", title=f"Specialties · {CLINIC}",
             on_load=[_load, AdminSpecialtiesState.load])
app.add_page(agenda, route="/doctor/agenda", title=f"Agenda · {CLINIC}",
             on_load=[_load, AgendaState.load])
