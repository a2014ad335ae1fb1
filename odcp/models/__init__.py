"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from odcp.models.account_security import ActionToken, MfaRecoveryCode, ThrottleCounter
from odcp.models.appointment import ACTIVE_STATUSES, Appointment, AppointmentStatus
from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
from odcp.models.calendar_feed import CalendarFeed
from odcp.models.chat import ChatAttachment, ChatMessage, ChatReadMark
from odcp.models.clinical import (
    ConsultationNote,
    MedicationLine,
    NoteAddendum,
    NoteStatus,
    Prescription,
    PrescriptionStatus,
)
from odcp.models.consultation import RoomEvent, RoomParticipant, RoomSession
from odcp.models.doctor import (
    ConsultationMode,
    DoctorProfile,
    DoctorSearchDocument,
    DoctorSpecialty,
    Specialty,
    VerificationStatus,
)
from odcp.models.notification import OutboxMessage
from odcp.models.patient import PatientProfile
from odcp.models.record import DocumentKind, PatientDocument
from odcp.models.schedule import AvailabilityRule, ClinicPolicy, DateOverride, TimeOff
from odcp.models.user import ADMIN_ROLES, AccountStatus, AdminSubrole, Role, User, UserPublic

__all__ = [
    "ACTIVE_STATUSES",
    "ADMIN_ROLES",
    "AccountStatus",
    "ActionToken",
    "AdminSubrole",
    "Appointment",
    "AppointmentStatus",
    "AuditEntry",
    "AuthSession",
    "AvailabilityRule",
    "CalendarFeed",
    "ChatAttachment",
    "ChatMessage",
    "ChatReadMark",
    "ClinicPolicy",
    "ConsultationMode",
    "ConsultationNote",
    "DateOverride",
    "DoctorProfile",
    "DoctorSearchDocument",
    "DoctorSpecialty",
    "DocumentKind",
    "MedicationLine",
    "MfaRecoveryCode",
    "NoteAddendum",
    "NoteStatus",
    "OutboxMessage",
    "PatientDocument",
    "PatientProfile",
    "Prescription",
    "PrescriptionStatus",
    "Role",
    "RoomEvent",
    "RoomParticipant",
    "RoomSession",
    "Specialty",
    "ThrottleCounter",
    "TimeOff",
    "User",
    "UserPublic",
    "VerificationStatus",
]
