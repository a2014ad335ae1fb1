"""The Reflex app: pages, the REST API mounted on the backend, and startup work."""

from __future__ import annotations

import reflex as rx

from odcp.api.app import create_api
from odcp.logging_setup import configure_logging
from odcp.pages.account import account
from odcp.pages.admin_appointments import admin_appointments
from odcp.pages.admin_audit import admin_audit
from odcp.pages.admin_outbox import admin_outbox
from odcp.pages.admin_policy import admin_policy
from odcp.pages.admin_specialties import admin_specialties
from odcp.pages.admin_users import admin_users
from odcp.pages.admin_verification import admin_verification
from odcp.pages.agenda import agenda
from odcp.pages.appointments import appointments_page
from odcp.pages.auth_pages import login, register
from odcp.pages.availability import availability_page
from odcp.pages.booking import book
from odcp.pages.consult_notes import consult_notes
from odcp.pages.doctor_calendar import doctor_calendar
from odcp.pages.doctor_profile import doctor_profile
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
from odcp.pages.patient_record import patient_record
from odcp.pages.prescriptions import prescriptions_page, verify_page
from odcp.pages.records import records
from odcp.pages.room import room_page
from odcp.pages.visit_summary import visit_summary
from odcp.scheduler import scheduler_lifespan
from odcp.services import media_relay
from odcp.services.mail import outbox
from odcp.settings import get_settings
from odcp.state.account import AccountState
from odcp.state.admin_appointments import AdminAppointmentsState
from odcp.state.admin_audit import AdminAuditState
from odcp.state.admin_outbox import AdminOutboxState
from odcp.state.admin_policy import AdminPolicyState
from odcp.state.admin_specialties import AdminSpecialtiesState
from odcp.state.admin_users import AdminUsersState
from odcp.state.admin_verification import AdminVerificationState
from odcp.state.agenda import AgendaState
from odcp.state.appointments import AppointmentsState
from odcp.state.auth_forms import RegisterState, SignInState
from odcp.state.availability import AvailabilityState
from odcp.state.booking import BookingState
from odcp.state.consult_notes import ConsultNotesState
from odcp.state.directory import DirectoryState, DoctorPageState
from odcp.state.doctor_calendar import DoctorCalendarState
from odcp.state.doctor_profile import DoctorProfileState
from odcp.state.email_flows import EmailFlowState
from odcp.state.medical_profile import MedicalProfileState
from odcp.state.mfa_settings import MfaSettingsState
from odcp.state.patient_record import PatientRecordState
from odcp.state.prescription_editor import PrescriptionEditorState
from odcp.state.prescriptions import PatientPrescriptionsState, VerifyState
from odcp.state.records import RecordsState
from odcp.state.room import RoomState
from odcp.state.room_chat import RoomChatState
from odcp.state.search import SearchState
from odcp.state.session import SessionState
from odcp.state.visit_summary import VisitSummaryState

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

app.add_page(book, route="/book", title=f"Book · {CLINIC}", on_load=[_load, BookingState.load])
app.add_page(appointments_page, route="/appointments", title=f"Appointments · {CLINIC}",
             on_load=[_load, AppointmentsState.load])

# Doctor onboarding and verification, specialties
app.add_page(doctor_profile, route="/doctor/profile", title=f"My doctor profile · {CLINIC}",
             on_load=[_load, DoctorProfileState.load])
app.add_page(admin_verification, route="/admin/verification",
             title=f"Doctor verification · {CLINIC}",
             on_load=[_load, AdminVerificationState.load])
app.add_page(admin_specialties, route="/admin/specialties", title=f"Specialties · {CLINIC}",
             on_load=[_load, AdminSpecialtiesState.load])
app.add_page(agenda, route="/doctor/agenda", title=f"Agenda · {CLINIC}",
             on_load=[_load, AgendaState.load])

# Doctor's week calendar and private calendar feed
app.add_page(doctor_calendar, route="/doctor/calendar", title=f"Calendar · {CLINIC}",
             on_load=[_load, DoctorCalendarState.load])

# Doctors' weekly hours and date overrides
app.add_page(availability_page, route="/doctor/availability",
             title=f"Availability · {CLINIC}", on_load=[_load, AvailabilityState.load])

# Admin appointments dashboard and clinic policy
app.add_page(admin_appointments, route="/admin/appointments",
             title=f"Appointments · {CLINIC}", on_load=[_load, AdminAppointmentsState.load])
app.add_page(admin_policy, route="/admin/policy", title=f"Clinic policy · {CLINIC}",
             on_load=[_load, AdminPolicyState.load])

# Consultation notes, prescriptions, visit summaries and the public prescription check
app.add_page(consult_notes, route="/doctor/appointments/[appointment_id]/notes",
             title=f"Consultation notes · {CLINIC}",
             on_load=[_load, ConsultNotesState.load, PrescriptionEditorState.load])
app.add_page(prescriptions_page, route="/prescriptions", title=f"Prescriptions · {CLINIC}",
             on_load=[_load, PatientPrescriptionsState.load])
app.add_page(visit_summary, route="/appointments/[appointment_id]/summary",
             title=f"Visit summary · {CLINIC}", on_load=[_load, VisitSummaryState.load])
app.add_page(verify_page, route="/verify/[reference]", title=f"Prescription check · {CLINIC}",
             on_load=[_load, VerifyState.load])

# Patient records: documents, history timeline, FHIR export; a treating doctor's view
app.add_page(records, route="/records", title=f"Health record · {CLINIC}",
             on_load=[_load, RecordsState.load])
app.add_page(patient_record, route="/doctor/patients/[patient_id]",
             title=f"Patient record · {CLINIC}", on_load=[_load, PatientRecordState.load])

# Consultation room: waiting room with device check, admission, the call, the chat
app.add_page(room_page, route="/appointments/[appointment_id]/room",
             title=f"Consultation room · {CLINIC}",
             on_load=[_load, RoomState.open, RoomChatState.open])

app.register_lifespan_task(scheduler_lifespan)
app.register_lifespan_task(outbox.background_delivery)  # mail goes out after commit
app.register_lifespan_task(media_relay.closed_at_shutdown)  # hang up calls on shutdown
