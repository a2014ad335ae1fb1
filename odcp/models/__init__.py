"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from odcp.models.account_security import ActionToken, MfaRecoveryCode, ThrottleCounter
from odcp.models.appointment import ACTIVE_STATUSES, Appointment, AppointmentStatus
from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
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
    "ClinicPolicy",
    "ConsultationMode",
    "DateOverride",
    "DoctorProfile",
    "DoctorSearchDocument",
    "DoctorSpecialty",
    "MfaRecoveryCode",
    "OutboxMessage",
    "PatientProfile",
    "Role",
    "Specialty",
    "ThrottleCounter",
    "TimeOff",
    "User",
    "UserPublic",
    "VerificationStatus",
]
