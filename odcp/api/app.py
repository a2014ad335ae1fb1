"""The FastAPI application mounted on Reflex's backend (see odcp/odcp.py)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException

from odcp.api.body_limit import BodyLimit
from odcp.api.errors import install_error_handlers
from odcp.api.mail_delivery import DeliverMailAfterResponse
from odcp.api.routers import (
    account,
    admin_appointments,
    admin_users,
    appointments,
    audit,
    auth,
    availability,
    calendar,
    chat,
    clinic_policy,
    clinical,
    doctor_profile,
    doctors,
    health,
    medical_profile,
    mfa,
    records,
    room,
    specialties,
    verification,
)

API_PREFIX = "/api/v1"


def create_api() -> FastAPI:
    api = FastAPI(
        title="ODCP API",
        version="1",
        description="Online doctor consultation platform: the same rules as the web app.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    install_error_handlers(api)
    api.add_middleware(DeliverMailAfterResponse)
    api.add_middleware(BodyLimit)  # outermost: before anything reads the body
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (health, auth, mfa, account, audit, admin_users, medical_profile, doctors,
                   appointments, doctor_profile, verification, specialties, availability):
        v1.include_router(module.router)
    v1.include_router(admin_appointments.router)
    v1.include_router(clinic_policy.router)
    v1.include_router(chat.router)
    v1.include_router(clinical.router)
    v1.include_router(records.router)
    v1.include_router(calendar.router)
    v1.include_router(room.router)
    api.include_router(v1)

    @api.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def unknown_api_route(path: str) -> None:
        """Keep unknown API paths from falling through to the web app's pages."""
        raise StarletteHTTPException(status_code=404)

    return api
