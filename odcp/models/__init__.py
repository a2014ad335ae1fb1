"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from odcp.models.audit import AuditEntry
from odcp.models.auth_session import AuthSession
from odcp.models.doctor import ConsultationMode, DoctorProfile, Specialty, VerificationStatus
from odcp.models.schedule import AvailabilityRule
from odcp.models.user import ADMIN_ROLES, AccountStatus, AdminSubrole, Role, User, UserPublic

__all__ = [
    "ADMIN_ROLES",
    "AccountStatus",
    "AdminSubrole",
    "AuditEntry",
    "AuthSession",
    "AvailabilityRule",
    "ConsultationMode",
    "DoctorProfile",
    "Role",
    "Specialty",
    "User",
    "UserPublic",
    "VerificationStatus",
]
